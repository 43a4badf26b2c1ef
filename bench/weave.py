"""Weave benchmark: does each module list the stretches that discuss it, and only those? How does the
matching scale with the number of episodes?

Quality: the episodes of tests/data/weave/corpus.yml (talk about known modules at known times, and
distractor episodes sharing only the course's common words) are written in the pipeline's shape,
the real site is built (`mkdocs build --strict`), and the "Hear it discussed" list of every module
page is read back and scored against the truth:

- precision: suggested stretches that overlap a stretch where that module is really discussed,
  over all suggested stretches;
- recall: stretches where a module is really discussed that its page lists, over all of them.

Printed for the `dev` episodes (used to choose the thresholds in companion.course.weave), the
`test` episodes (written before, scored after) and both.

Scale: the matcher alone (transcripts read from episodes/, topics from docs/, as the plugin does)
over N synthetic one-hour episodes (600 segments each, lines drawn from the corpus), N doubling;
prints seconds and seconds per episode (flat means linear).

Run: python bench/weave.py [--sizes 25,50,100,200] [--no-build]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

import weave_corpus  # noqa: E402
from site_support import build, copy_project, write_episode  # noqa: E402

from companion.course import topics, weave  # noqa: E402
from companion.catalogue import Catalogue  # noqa: E402
from mkdocs.utils.meta import get_data  # noqa: E402

HOUR_SEGMENTS = 600


def heard(page: str) -> list[tuple[str, float, float]]:
    section = page[page.index('class="ffg-heard"'):]
    section = section[:section.index("</section>")]
    out = []
    for slug, start, end in re.findall(
            r'class="ffg-heard__listen" href="[./]*episodes/([^/]+)/#t=([\d:.]+),([\d:.]+)"', section):
        out.append((slug, clock(start), clock(end)))
    return out


def clock(text: str) -> float:
    total = 0.0
    for part in text.split(":"):
        total = total * 60 + float(part)
    return total


def quality(workdir: Path, corpus: Path) -> None:
    print(f"\nCorpus {corpus.name}:")
    project = copy_project(workdir / "project")
    truth = weave_corpus.write_corpus(project / "episodes", path=corpus)
    started = time.perf_counter()
    build(project, workdir / "site")
    seconds = time.perf_counter() - started
    suggested: list[tuple[str, str, float, float]] = []
    for path in sorted((workdir / "site" / "course").glob("0*/index.html")):
        number = int(path.parent.name[:2])
        suggested += [(f"m{number}", *s) for s in heard(path.read_text(encoding="utf-8"))]
    sets = {t.slug: t.set for t in truth}
    for episode in weave_corpus.load(corpus)["episodes"]:
        sets.setdefault(episode["slug"], episode.get("set", "dev"))
    print(f"Built the site over {len(sets)} episodes ({sum(1 for t in truth)} labelled stretches) "
          f"in {seconds:.1f} s (mkdocs build --strict, Pagefind included).")
    print(f"{'set':6} {'suggested':>9} {'right':>6} {'precision':>9} {'truth':>6} {'found':>6} {'recall':>7}")
    for name in ("dev", "test", "all"):
        mine = [s for s in suggested if name == "all" or sets[s[1]] == name]
        true = [t for t in truth if name == "all" or t.set == name]
        right = [s for s in mine if any(t.module == s[0] and t.slug == s[1] and s[2] < t.end and t.start < s[3]
                                        for t in truth)]
        found = [t for t in true if any(t.module == s[0] and t.slug == s[1] and s[2] < t.end and t.start < s[3]
                                        for s in suggested)]
        print(f"{name:6} {len(mine):9d} {len(right):6d} {len(right) / max(1, len(mine)):9.2f} "
              f"{len(true):6d} {len(found):6d} {len(found) / max(1, len(true)):7.2f}")
    wrong = [s for s in suggested if not any(t.module == s[0] and t.slug == s[1] and s[2] < t.end and t.start < s[3]
                                             for t in truth)]
    for s in wrong:
        print(f"  not in the truth: {s[0]} {s[1]} {s[2]:.0f}-{s[3]:.0f} s")


def hour_episodes(episodes_dir: Path, count: int, seed: int = 7) -> None:
    lines = [line for e in weave_corpus.load()["episodes"] for part in e["parts"]
             for line in (part.get("chat") or part.get("lines") or [])]
    rng = random.Random(seed)
    for n in range(count):
        segments = [{"startTime": i * 6.0, "endTime": i * 6.0 + 5.8, "body": rng.choice(lines)}
                    for i in range(HOUR_SEGMENTS)]
        write_episode(episodes_dir, f"{n:04d}-hour", title=f"Hour {n}", number=n + 1, date="2026-01-01",
                      duration=HOUR_SEGMENTS * 6.0, audio_url=None, segments=segments)


def course_topics(root: Path) -> tuple[list[topics.Topic], list[topics.Topic]]:
    terms = topics.glossary_terms((root / "docs" / "glossary.md").read_text(encoding="utf-8"))
    modules = []
    for path in sorted((root / "docs" / "course").glob("0*.md")):
        body, meta = get_data(path.read_text(encoding="utf-8"))
        modules.append((f"m{meta['module']}", meta["title"], meta.get("tags") or [], body))
    return topics.module_topics(modules, terms), topics.glossary_topics(terms)


def scale(workdir: Path, sizes: list[int]) -> None:
    modules, terms = course_topics(HERE.parent)
    print(f"\nMatcher alone over one-hour episodes ({HOUR_SEGMENTS} segments each), "
          f"{len(modules)} modules and {len(terms)} glossary terms:")
    print(f"{'episodes':>8} {'seconds':>8} {'ms/episode':>10}")
    biggest = max(sizes)
    folder = workdir / "hours"
    hour_episodes(folder, biggest)
    for size in sizes:
        catalogue = Catalogue.load(folder)   # every episode.json of the biggest size: not timed
        started = time.perf_counter()
        segments = {}
        for path in sorted(folder.iterdir())[:size]:
            transcript = catalogue.transcript(path.name)
            segments[path.name] = transcript.segments if transcript else ()
        weave.weave(segments, modules, terms)
        seconds = time.perf_counter() - started
        print(f"{size:8d} {seconds:8.2f} {1000 * seconds / size:10.1f}")


def matcher_quality(corpora: list[Path]) -> None:
    """Precision and recall of the matcher alone (no build) on each labelled set, as the site
    lists stretches (6 a module, 2 an episode), each set on its own and its dev/test halves."""
    modules, terms = course_topics(HERE.parent)
    print(f"\nMatcher alone on the labelled sets:\n{'corpus':16} {'set':5} {'suggested':>9} {'right':>6} "
          f"{'precision':>9} {'truth':>6} {'found':>6} {'recall':>7}  use")
    for corpus in corpora:
        scores, wrong = weave_corpus.score(corpus, modules, terms)
        halves = [name for name in ("dev", "test") if scores[name].suggested or scores[name].truth]
        for name in [*halves, "all"] if len(halves) > 1 else ["all"]:
            s = scores[name]
            print(f"{corpus.name:16} {name:5} {s.suggested:9d} {s.right:6d} {s.precision:9.2f} "
                  f"{s.truth:6d} {s.found:6d} {s.recall:7.2f}  {weave_corpus.USE.get(corpus, '')}")
        for module, slug, start, end in wrong:
            print(f"  not in the truth: {module} {slug} {start:.0f}-{end:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="25,50,100,200")
    parser.add_argument("--no-build", action="store_true", help="skip the quality builds")
    parser.add_argument("--corpus", action="append", type=Path,
                        help="labelled corpus to score (repeatable; default: every set in tests/data/weave)")
    args = parser.parse_args()
    matcher_quality(args.corpus or list(weave_corpus.USE))
    with tempfile.TemporaryDirectory(prefix="weave-bench-") as tmp:
        if not args.no_build:
            for n, corpus in enumerate(args.corpus or [weave_corpus.CORPUS, weave_corpus.UNSEEN]):
                quality(Path(tmp) / str(n), corpus)
        scale(Path(tmp), [int(s) for s in args.sizes.split(",")])


if __name__ == "__main__":
    main()
