#!/usr/bin/env python3
"""word-level-json-transcript: a publisher JSON transcript with one word per segment (the form of
the Podcasting 2.0 spec's own example). PASS when it is imported as lines of speech (each a run
of one speaker's words with their timings kept), every word in order, and the audio is never
downloaded. usage: python3 verdict.py WORK_DIR"""
import json
import sys
from pathlib import Path

work = Path(sys.argv[1])
here = Path(__file__).resolve().parent
source = json.loads((here / "transcript.json").read_text())["segments"]
problems = []
found = list((work / "proj" / "episodes").glob("*/transcript.json"))
segments = json.loads(found[0].read_text())["segments"] if found else []
if not segments:
    problems.append("no transcript was imported")
else:
    if len(segments) > len(source) / 4:
        problems.append(f"{len(segments)} lines for {len(source)} words: shown a word or two a line")
    if " ".join(s["body"] for s in segments).split() != [w["body"] for w in source]:
        problems.append("the words are not all there, in order")
    for s in segments:
        if {w.get("speaker") for w in source if s["startTime"] <= w["startTime"] < s["endTime"]} - {s.get("speaker")}:
            problems.append(f"a line mixes speakers: {s['body'][:40]!r}")
        if not s.get("words"):
            problems.append(f"a line lost its word timings: {s['body'][:40]!r}")
if "never-downloaded" in (work / "requests.log").read_text():
    problems.append("the audio was downloaded although the publisher's transcript was usable")
print("\n".join(dict.fromkeys(problems)) or f"{len(source)} words read as {len(segments)} lines")
print("FAIL" if problems else "PASS")
sys.exit(1 if problems else 0)
