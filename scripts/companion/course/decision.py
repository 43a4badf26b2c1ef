"""Which module, if any, a window of talk goes to: a logistic regression fitted on labelled talk.

The matcher (`companion.course.weave`) computes, for every segment and every module whose evidence
over the window around it holds the idea (`weave.Evidence.holds_idea`), the FEATURES below. The
probability that the segment is really talk on that module is

    p = 1 / (1 + exp(-(b + sum_k c_k * (x_k - mean_k) / scale_k)))

(logistic regression on standardised features; Cox 1958). The segment goes to the module with the
highest p, when p is at least `threshold`; otherwise to none. The coefficients, the standardisation
and the threshold are read from `decision.json` beside this file, written by `bench/weave_fit.py`
from the labelled sets named in its `fitted_on` (the threshold chosen there by the pooled F1 of the
stretches the site would list). Hand-set bars (an absolute score, a tie share, a lower bar to go on)
did as well on the sets they were set on but carried over to unseen talk less well: what the fit
weighs most is how far a module is ahead of the others in the window, not its absolute score
(README, "The course and the podcast, woven: measured").

Nothing is learnt at build time: the build reads the numbers and does one dot product a candidate.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from companion.errors import CourseError

DECISION_FILE = Path(__file__).with_name("decision.json")

# The features of one (segment, module) candidate, in the order of the coefficients.
FEATURES = (
    "score",            # Evidence.score of the module over the window
    "log_score",        # ln(1 + score)
    "phrases",          # key terms' weight x idf held
    "terms",            # distinct key terms held
    "facets_held",      # facets held (FACET_MIN in FACET_MIN_STEMS stems)
    "best_facet",       # the best-held facet's score
    "share_of_best",    # score / the best module's score in the window (0..1)
    "is_best",          # 1 when the module scores best in the window
    "margin",           # score - the best other module's score
    "plain",            # 1 when the talk near is in at most PLAIN_FOREIGN_MAX another field's words
    "personal",         # 1 when the segment says a person's mind or care (`weave._personal`)
    "holds_own",        # how much of the idea the segment says alone (`weave._holds`)
    "framing",          # 1 when the segment is a greeting, introduction or preview (`framing.framed`)
    "n_candidates",     # modules whose evidence holds the idea in the window
    "contrast_win",     # `weave.contrast` of the two best holding modules: this one's lead (0 when one)
    "score_prev",       # the module's score over the previous segment's window
    "score_next",       # ... and over the next one's
)


class DecisionError(CourseError, ValueError):
    """decision.json is missing, malformed, or fitted on other features than FEATURES."""


@dataclass(frozen=True)
class Decision:
    """A fitted logistic regression over FEATURES (every tuple as long as FEATURES)."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float                 # p at or above which the best candidate is taken (0..1)
    fitted_on: tuple[str, ...] = ()  # the labelled sets it was fitted on (file names)

    def probability(self, x: Sequence[float]) -> float:
        """p (0..1) that a candidate with features `x` (in FEATURES order) is talk on its module."""
        z = self.intercept + sum(c * (v - m) / s for c, v, m, s in zip(self.coef, x, self.mean, self.scale))
        if z < -60:                  # exp would overflow; p is 0 to any precision that matters
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))

    def to_json(self) -> str:
        """The decision as `load` reads it back (FEATURES named, so a reordering is caught)."""
        return json.dumps({"features": list(FEATURES), "mean": self.mean, "scale": self.scale,
                           "coef": self.coef, "intercept": self.intercept, "threshold": self.threshold,
                           "fitted_on": self.fitted_on}, indent=1) + "\n"


def parse(text: str) -> Decision:
    """A `Decision` from the JSON `Decision.to_json` writes. Raises DecisionError when it is not
    JSON, lacks a field, or names other features than FEATURES (in order)."""
    try:
        data = json.loads(text)
        if tuple(data["features"]) != FEATURES:
            raise DecisionError(f"decision.json was fitted on {data['features']}, the matcher computes "
                                f"{list(FEATURES)}: refit it with bench/weave_fit.py")
        vectors = [tuple(float(v) for v in data[k]) for k in ("mean", "scale", "coef")]
        if any(len(v) != len(FEATURES) for v in vectors) or any(s <= 0 for s in vectors[1]):
            raise DecisionError("decision.json: mean, scale and coef need one number a feature, scale > 0")
        return Decision(*vectors, float(data["intercept"]), float(data["threshold"]),
                        tuple(data.get("fitted_on", ())))
    except (KeyError, TypeError, json.JSONDecodeError) as problem:
        raise DecisionError(f"decision.json is malformed: {problem!r}") from problem


@lru_cache(maxsize=1)
def load() -> Decision:
    """The shipped decision (`DECISION_FILE`). Raises DecisionError (see `parse`)."""
    try:
        return parse(DECISION_FILE.read_text(encoding="utf-8"))
    except OSError as problem:
        raise DecisionError(f"{DECISION_FILE} cannot be read: {problem}") from problem
