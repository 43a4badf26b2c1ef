"""The matcher's fitted decision (companion.course.decision): the shipped numbers, and their file's errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from companion.course import decision

WEAVE_SETS = Path(__file__).parent / "data" / "weave"
# The sets that measure the decision (README, "woven: measured") must not be among those it was fitted on.
MEASURED_ON = {f"blind-{n}.yml" for n in range(27, 47)}


def test_the_shipped_decision_computes_the_matchers_features_and_was_fitted_on_named_sets() -> None:
    fitted = decision.load()
    assert len(fitted.coef) == len(fitted.mean) == len(fitted.scale) == len(decision.FEATURES)
    assert 0.0 < fitted.threshold < 1.0
    assert fitted.fitted_on and all((WEAVE_SETS / name).is_file() for name in fitted.fitted_on), fitted.fitted_on
    assert not set(fitted.fitted_on) & MEASURED_ON, fitted.fitted_on


def test_a_module_further_ahead_of_the_others_is_more_probable() -> None:
    """What the fit learnt most: the margin over the next module and the share of the best score
    (README): the same window, its module further ahead, is the likelier talk on it."""
    fitted = decision.load()
    at = {name: k for k, name in enumerate(decision.FEATURES)}
    x = list(fitted.mean)
    ahead = list(x)
    ahead[at["margin"]] += 2 * fitted.scale[at["margin"]]
    ahead[at["share_of_best"]] = 1.0
    assert fitted.probability(ahead) > fitted.probability(x)
    assert 0.0 <= fitted.probability([v * -1e6 for v in x]) <= 1.0        # no overflow at the extremes


@pytest.mark.parametrize("text, says", [
    ("not json", "malformed"),
    ("{}", "malformed"),
    (json.dumps({"features": list(reversed(decision.FEATURES)), "mean": [], "scale": [], "coef": [],
                 "intercept": 0, "threshold": 0.5}), "refit it with bench/weave_fit.py"),
    (json.dumps({"features": list(decision.FEATURES), "mean": [0] * len(decision.FEATURES),
                 "scale": [0] * len(decision.FEATURES), "coef": [0] * len(decision.FEATURES),
                 "intercept": 0, "threshold": 0.5}), "scale > 0"),
])
def test_a_decision_file_that_does_not_fit_the_matcher_is_a_clear_error(text: str, says: str) -> None:
    with pytest.raises(decision.DecisionError, match=says.replace(".", r"\.")):
        decision.parse(text)


def test_a_decision_round_trips_through_its_file() -> None:
    fitted = decision.load()
    assert decision.parse(fitted.to_json()) == fitted
