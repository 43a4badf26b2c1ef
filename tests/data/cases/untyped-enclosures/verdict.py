#!/usr/bin/env python3
"""untyped-enclosures: enclosures with no type and no file extension. PASS when episode 42 is
transcribed from the audio (the JFK line), the page listed first is only asked about (a request
with `Range: bytes=0-0`, never downloaded whole), and episode 43 (only a page) fails naming what
the host serves. usage: python3 verdict.py WORK_DIR"""
import json
import re
import sys
from pathlib import Path

work = Path(sys.argv[1])
by_guid = {}
for path in (work / "proj" / "episodes").glob("*/episode.json"):
    record = json.loads(path.read_text())
    by_guid[record["guid"]] = (record, path.parent)
problems = []
record, folder = by_guid.get("untyped-case-42", ({}, None))
text = (folder / "transcript.txt").read_text() if folder and (folder / "transcript.txt").exists() else ""
words = set(re.findall(r"[a-z]+", text.lower()))
if record.get("status") != "transcribed" or not {"fellow", "americans", "country"} <= words:
    problems.append(f"episode 42 not transcribed from its audio: {record.get('status')} {record.get('error')}")
page = [line for line in (work / "requests.log").read_text().splitlines() if "/listen/42" in line]
if not page or any("bytes=0-0" not in line for line in page):
    problems.append(f"the web page was downloaded, not only asked about: {page}")
other = by_guid.get("untyped-case-43", ({}, None))[0]
if other.get("status") != "failed" or "text/html" not in str(other.get("error")):
    problems.append(f"episode 43 should fail naming text/html: {other.get('status')} {other.get('error')}")
print("\n".join(problems) or "both episodes as a listener expects")
print("FAIL" if problems else "PASS")
sys.exit(1 if problems else 0)
