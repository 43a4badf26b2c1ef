"""Identity benchmark: what matching feed items to recorded episodes costs on a large show.

Builds N recorded episodes and a feed of the same N items, then times `identity.match_items` in
the three situations a sync meets: nothing changed (every guid found at once), the show moved
host (every guid new, found by the previous version's resolved form), and every guid replaced
(found by the enclosure URL, behind an analytics prefix). Also times `urls.to_uri` per URL.

Run: python bench/identity.py [--episodes 500]
"""

from __future__ import annotations

import argparse
import time

from companion.pipeline import identity
from companion import urls


def show(n: int) -> tuple[list[dict], list[dict]]:
    records, items = [], []
    for i in range(n):
        audio = f"https://media.host.example/show/Épisode {i}.mp3"
        date = "2020-01-01T09:00:00+00:00"
        records.append({"guid": f"https://old.example/rss/ep-{i}", "slug": f"s{i}",
                        "title": f"Episode {i}", "date": date, "enclosure": {"url": audio}})
        items.append({"guid": f"ep-{i}", "title": f"Episode {i}", "date": date,
                      "enclosure": {"url": f"https://op3.dev/e/media.host.example/show/"
                                           f"%C3%89pisode%20{i}.mp3?aid=rss"}})
    return records, items


def timed(label: str, items: list[dict], records: list[dict], expect: str) -> None:
    started = time.perf_counter()
    found = identity.match_items(items, records)
    seconds = time.perf_counter() - started
    hows = {m.how for m in found.values()}
    assert len(found) == len(items) and hows == {expect}, (len(found), hows)
    print(f"{label:<34} {len(items):>5} items  {seconds * 1000:8.1f} ms  "
          f"({seconds / len(items) * 1e6:7.1f} us an item)  matched by {expect}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=500)
    n = parser.parse_args().episodes
    records, items = show(n)
    timed("unchanged feed", [dict(i, guid=r["guid"]) for i, r in zip(items, records)], records,
          identity.BY_GUID)
    timed("moved feed (guids resolved before)", items, records, identity.BY_RESOLVED_GUID)
    timed("every guid replaced", [dict(i, guid=f"new-{k}") for k, i in enumerate(items)], records,
          identity.BY_ENCLOSURE)
    started = time.perf_counter()
    for record in records:
        urls.to_uri(record["enclosure"]["url"])
    print(f"{'urls.to_uri':<34} {n:>5} URLs   {(time.perf_counter() - started) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
