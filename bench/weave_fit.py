"""Fit the matcher's decision (`companion.course.decision`) on labelled talk, and measure it.

    python bench/weave_fit.py               # leave-one-set-out figures, then fit on all and write decision.json
    python bench/weave_fit.py --check A B   # also score the sets A, B ... (never fitted on), before and after
    python bench/weave_fit.py --no-write    # measure only

Every (segment, module) candidate the matcher computes (`weave._candidates`) on the TUNE sets is a
row; it is true when a labelled part of that module covers the segment's start. A logistic
regression (scikit-learn, `pip install scikit-learn`: for fitting only, the build reads the numbers)
is fitted on the standardised rows, and its threshold is chosen from THRESHOLDS by the pooled F1
of the stretches the site would list (`weave_corpus.score`: 6 a module, 2 an episode) on the sets
it was fitted on. TUNE is every labelled set in tests/data/weave but those in MEASURE, which are
kept to measure the shipped fit and never fitted on. Leave-one-set-out: fitted on all TUNE sets
but one (at the whole fit's threshold: choosing it again in every fold would score every set
once a threshold a fold), scored on that one, for each, next to the shipped decision's figures.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "tests"), str(ROOT / "bench")]

import weave_corpus  # noqa: E402
from companion.course import decision, weave  # noqa: E402
from companion.episode import Segment  # noqa: E402
from weave import course_topics  # noqa: E402  (bench/weave.py)

SETS = ROOT / "tests" / "data" / "weave"
# Sets written after the last fit and scored once on it (README, "woven: measured"): never fitted on.
MEASURE = tuple(f"blind-{n}.yml" for n in range(27, 47))
TUNE = tuple(sorted(p.name for p in SETS.glob("*.yml") if p.name not in MEASURE))
THRESHOLDS = (0.2, 0.25, 0.3, 0.4, 0.5)    # probabilities tried as the decision's threshold
C = 1.0                              # inverse L2 regularisation strength (scikit-learn's default)
# A decision that takes nothing: the candidates are the same whatever decides among them, and the
# shipped decision.json may not exist yet.
CAPTURE_ONLY = decision.Decision((0.0,) * len(decision.FEATURES), (1.0,) * len(decision.FEATURES),
                                 (0.0,) * len(decision.FEATURES), 0.0, 2.0)


def candidate_rows(path: Path, modules: list[Any], terms: list[Any]) -> tuple[list[list[float]], list[int]]:
    """(features, truth 0/1) of every candidate the matcher weighs on one labelled set."""
    corpus = weave_corpus.load(path)
    episodes, truth = {}, []
    for episode in corpus["episodes"]:
        segments, found = weave_corpus.segments_and_truth(episode, float(corpus["segment_s"]))
        episodes[episode["slug"]] = [Segment(s["startTime"], s["endTime"], s["body"]) for s in segments]
        truth += found
    seen: list[tuple[list[Any], list[list[tuple[str, float, list[float]]]]]] = []
    own = weave._candidates

    def capture(rows: list[Any], *args: Any, **kwargs: Any) -> list[list[tuple[str, float, list[float]]]]:
        out = own(rows, *args, **kwargs)
        seen.append((rows, out))
        return out
    # The candidates depend on the whole set (idf and rarity are the set's own), so they are taken
    # from a real run of the matcher rather than recomputed here.
    weave._candidates = capture
    try:
        weave.weave(episodes, modules, terms, fitted=CAPTURE_ONLY)
    finally:
        weave._candidates = own
    X, y = [], []
    for slug, (rows, out) in zip(episodes, seen):         # the matcher takes the episodes in order
        for row, candidates in zip(rows, out):
            for ident, _, x in candidates:
                X.append(x)
                y.append(int(any(t.slug == slug and t.module == ident and t.start <= row.start < t.end
                                 for t in truth)))
    return X, y


def fit(rows: dict[str, tuple[list[list[float]], list[int]]], names: list[str],
        modules: list[Any], terms: list[Any], thresholds: tuple[float, ...] = THRESHOLDS) -> decision.Decision:
    """A decision fitted on the sets `names`, its threshold the one of `thresholds` with the best
    pooled F1 on them."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    X = np.array([x for n in names for x in rows[n][0]], float)
    y = np.array([v for n in names for v in rows[n][1]], int)
    mean, scale = X.mean(0), X.std(0) + 1e-9
    model = LogisticRegression(C=C, max_iter=2000).fit((X - mean) / scale, y)

    def decided(threshold: float) -> decision.Decision:
        return decision.Decision(tuple(mean.round(6).tolist()), tuple(scale.round(6).tolist()),
                                 tuple(model.coef_[0].round(6).tolist()), round(float(model.intercept_[0]), 6),
                                 threshold, tuple(names))

    def f1(candidate: decision.Decision) -> float:
        p, r = pooled([scores(candidate, n, modules, terms) for n in names])
        return 2 * p * r / max(1e-9, p + r)
    if len(thresholds) == 1:
        return decided(thresholds[0])
    return max((decided(t) for t in thresholds), key=f1)


def scores(fitted: decision.Decision | None, name: str, modules: list[Any], terms: list[Any]) -> weave_corpus.Score:
    """The set's figures (all its episodes) with `fitted` (None: the shipped decision)."""
    return weave_corpus.score(SETS / name if "/" not in name else Path(name), modules, terms,
                              fitted=fitted)[0]["all"]


def pooled(all_scores: list[weave_corpus.Score]) -> tuple[float, float]:
    """(precision, recall) of sets' figures pooled."""
    suggested, right = sum(s.suggested for s in all_scores), sum(s.right for s in all_scores)
    truth, found = sum(s.truth for s in all_scores), sum(s.found for s in all_scores)
    return right / max(1, suggested), found / max(1, truth)


def line(name: str, before: weave_corpus.Score, after: weave_corpus.Score) -> str:
    return (f"{Path(name).name:18} {before.precision:6.2f} {before.recall:6.2f}   "
            f"{after.precision:6.2f} {after.recall:6.2f}   ({after.right}/{after.suggested}, {after.found}/{after.truth})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", nargs="*", default=[], help="labelled sets (paths) to score, never fitted on")
    parser.add_argument("--no-loso", action="store_true", help="skip leave-one-set-out")
    parser.add_argument("--no-write", action="store_true", help="do not write decision.json")
    args = parser.parse_args()
    modules, terms = course_topics(ROOT)
    names = list(TUNE)
    rows = {n: candidate_rows(SETS / n, modules, terms) for n in names}
    print(f"candidates: {sum(len(r[1]) for r in rows.values())}, true: {sum(sum(r[1]) for r in rows.values())}")
    fitted = fit(rows, names, modules, terms)
    if not args.no_loso:
        print("leave one set out     shipped P/R   fitted on the others P/R")
        shipped, held_out = [], []
        for held in names:
            others = [n for n in names if n != held]
            shipped.append(scores(None, held, modules, terms))
            held_out.append(scores(fit(rows, others, modules, terms, (fitted.threshold,)), held, modules, terms))
            print(line(held, shipped[-1], held_out[-1]))
        print("pooled              {:6.3f} {:6.3f}   {:6.3f} {:6.3f}".format(*pooled(shipped), *pooled(held_out)))
    print(f"fitted on {len(names)} sets: threshold {fitted.threshold}; weights (standardised):",
          ", ".join(f"{f} {c:+.2f}" for f, c in zip(decision.FEATURES, fitted.coef)))
    if args.check:
        print("check set             shipped P/R   fitted P/R")
        for name in args.check:
            print(line(name, scores(None, name, modules, terms), scores(fitted, name, modules, terms)))
    if not args.no_write:
        assert all(math.isfinite(c) for c in fitted.coef), "the fit diverged: decision.json not written"
        decision.DECISION_FILE.write_text(fitted.to_json(), encoding="utf-8")
        print(f"wrote {decision.DECISION_FILE}")


if __name__ == "__main__":
    main()
