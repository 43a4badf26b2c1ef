"""Build tests: strict build with hostile episodes, literal rendering, help on every page, downloads."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest
import yaml

from site_support import HOSTILE_SEGMENTS, HOSTILE_TITLE, REPO, SharedSite, build, copy_project, shared_site, write_episode


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> SharedSite:
    return shared_site(tmp_path_factory)


def read(site: SharedSite, path: str) -> str:
    return (site.www / path).read_text(encoding="utf-8")


@pytest.mark.network
def test_strict_build_passes_and_generates_every_episode(site: SharedSite) -> None:
    for slug in ("001-sonnet-1", "002-sonnet-2", "003-sonnet-3", "004-hostile", "005-coming-soon", "006-pc20-example"):
        assert (site.www / "episodes" / slug / "index.html").is_file(), slug
    assert not list((site.project / "docs").rglob("episodes/*/index.md")), "no generated Markdown on disk"
    assert (site.www / "pagefind" / "pagefind.js").is_file()


@pytest.mark.network
def test_hostile_feed_text_renders_literally(site: SharedSite) -> None:
    page = read(site, "episodes/004-hostile/index.html")
    body = page[page.index("data-pagefind-body"):]
    assert html.escape(HOSTILE_TITLE).replace("{", "&#123;").replace("}", "&#125;") in body
    for segment in HOSTILE_SEGMENTS:
        assert html.escape(segment).replace("{", "&#123;").replace("}", "&#125;") in body
    # Nothing was evaluated by Jinja (6*7, 7*7, the loop) and nothing became markup. URLs are left
    # out of the search: the test server's random port may hold "49" or "012".
    without_urls = re.sub(r"https?://[^\s\"'<>]+", "", body)
    for evaluated in (">42<", "49", "012", "Fall From Grace — Companion and Course yes"):
        assert evaluated not in without_urls
    tree = lxml.html.fromstring(page)
    for script in tree.iter("script"):                # JSON data blocks may quote the title; code may not
        if script.get("type", "text/javascript") not in ("application/json", "application/ld+json"):
            assert "alert(" not in (script.text or ""), script.text
    for element in tree.iter():
        assert not [a for a in element.attrib if a.lower().startswith("on")], lxml.html.tostring(element)[:200]
    assert "<img" not in body and "tracker.invalid" not in body
    assert 'href="javascript:' not in body
    assert "<strong>bold</strong>" not in body and "<h1>Not a heading" not in body
    assert 'href="https://example.org/" rel="noopener noreferrer nofollow"' in body
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "<script>" not in title and "&lt;script&gt;" in title


READS_SLUGS = [f"00{n}-ep-{n}" for n in (1, 2, 3)] + ["004-why-no"]


@pytest.fixture(scope="module")
def reads_build(tmp_path_factory) -> tuple[Path, dict[str, dict[str, int]]]:
    """One project, built once for two tests (a build is half a minute): three episodes that a
    page names by listen(), episode_card() and episode_list() many times over, and a page of
    listen() boxes for a fourth. Built by tests/build_reads.py, which counts every file opened
    under episodes/: `mkdocs build --strict` into site/, and `companion build`'s generate step.
    The site folder and, for "build" and "staged", the opens ("<slug>/<file>" -> times)."""
    root = tmp_path_factory.mktemp("reads")
    project = copy_project(root / "project")
    for n in (1, 2, 3):     # a year each: the fourth's citation stays "(Bailey, 2025, ...)", no letter
        write_episode(project / "episodes", f"00{n}-ep-{n}", title=f"Ep {n}", number=n,
                      date=f"202{n}-01-01", duration=1800, audio_url=f"http://127.0.0.1:9/{n}.mp3",
                      segments=[{"startTime": 0, "endTime": 5, "body": f"hello {n}"}])
    (project / "docs" / "course" / "zz-reads.md").write_text(
        "# Reads\n\n" + "".join(f'{{{{ listen({n}, "0:01", "0:04") }}}}\n\n{{{{ listen("00{n}-ep-{n}", 2) }}}}\n\n'
                                 for n in (1, 2, 3))
        + '{{ episode_card("002-ep-2") }}\n\n{{ episode_list() }}\n\n{{ episode_list(2) }}\n', encoding="utf-8")
    write_episode(project / "episodes", "004-why-no", title="Why a <machine> can't say no", number=4,
                  date="2025-02-01", duration=1800, audio_url="http://127.0.0.1:9/a.mp3",
                  segments=[{"startTime": 0, "endTime": 5, "body": "hello"}])
    (project / "docs" / "course" / "zz-listen-test.md").write_text(
        "# Listen test\n\n"
        '{{ listen(4, "08:00", "15:30", "The host on <refusal>") }}\n\n'
        '{{ listen("004-why-no", 750) }}\n\n'
        '{{ listen(99, "1:02:03", "1:05:00", "Not yet") }}\n\n'
        '{{ listen() }}\n'
    )
    runner = Path(__file__).resolve().parent / "build_reads.py"
    opens = {}
    for mode, extra in (("build", []), ("staged", ["--staged"])):
        out = subprocess.run([sys.executable, str(runner), str(project), str(root / mode), *extra],
                             capture_output=True, text=True, timeout=600)
        assert out.returncode == 0, out.stderr[-3000:]
        opens[mode] = json.loads(out.stdout.strip().splitlines()[-1])["opens"]
    return root / "build", opens


@pytest.mark.subprocess
@pytest.mark.parametrize("mode", ["build", "staged"])
def test_each_episode_file_is_read_once_per_build(reads_build, mode: str) -> None:
    """Issue 22: the site plugin's catalogue is the only reader of episodes/ in a build: every
    episode.json is opened once, however many listen(), episode_card() and episode_list() calls
    name it, in `mkdocs build` and in `companion build`'s generate step. A transcript is parsed
    once; the second open is the byte copy published as its download. Counted by an audit hook
    (tests/build_reads.py), so every open counts, whoever makes it."""
    opens = reads_build[1][mode]
    records = {k: v for k, v in opens.items() if k.endswith("/episode.json")}
    assert records == {f"{slug}/episode.json": 1 for slug in READS_SLUGS}, opens
    assert all(v <= 2 for k, v in opens.items() if k.endswith("/transcript.json")), opens
    assert {k for k in opens if k.endswith("/transcript.json")} == {f"{slug}/transcript.json" for slug in READS_SLUGS}


@pytest.mark.subprocess
def test_listen_macro_links_to_the_moment_or_degrades(reads_build) -> None:
    out = (reads_build[0] / "course" / "zz-listen-test" / "index.html").read_text()
    assert 'href="../../episodes/004-why-no/#t=8:00,15:30"' in out
    assert "Why a &lt;machine&gt; can&#x27;t say no, 8:00–15:30</a> (7 min 30 s)" in out
    assert "The host on &lt;refusal&gt;" in out
    assert 'href="../../episodes/004-why-no/#t=12:30"' in out
    # Each box cites its stretch as every other place does (course/moment.py); built without
    # site_url, the link works from the page and lecturer.js shows the address absolute.
    assert "In text: (Bailey, 2025, 8:00–15:30)" in out and "In text: (Bailey, 2025, 12:30)" in out
    assert ('Stretch 8:00–15:30: <a href="../../episodes/004-why-no/#t=8:00,15:30">'
            "episodes/004-why-no/#t=8:00,15:30</a>") in out
    assert 'data-cite-url="episodes/004-why-no/" data-cite-relative="true"' in out
    # An unpublished episode, or no episode at all: the neutral box, with nothing invented about it.
    pending = out.count("A listening suggestion will appear here once the episode is published.")
    assert pending == 2, pending
    assert "Not yet" not in out and "episode 99" not in out and "1:02:03" not in out


@pytest.mark.subprocess
def test_listen_stretch_past_the_end_of_an_episode_fails_the_strict_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    write_episode(project / "episodes", "003-short", title="Short", number=3, date="2025-02-01",
                  duration=600, audio_url="http://127.0.0.1:9/a.mp3",
                  segments=[{"startTime": 0, "endTime": 5, "body": "hello"}])
    page = project / "docs" / "course" / "zz-listen-test.md"
    page.write_text('# Listen test\n\n{{ listen(3, "08:00", "15:30", "Too long") }}\n')
    with pytest.raises(AssertionError) as failure:
        build(project, tmp_path / "site")
    assert "runs past the end of episode 3 (10:00 long)" in str(failure.value)


@pytest.mark.network
def test_a_hand_written_listen_box_that_is_wrong_is_named_at_its_line(tmp_path: Path) -> None:
    """A typo'd slug rendered the "will appear here" box with no word (a slug exists only once
    its episode does, so it waits for ever); `12.30` was read as 12.3 seconds; a failing macro
    named its page but not its line."""
    from companion.site.generate import GenerateError, generate
    project = copy_project(tmp_path / "project")
    write_episode(project / "episodes", "003-short", title="Short", number=3, date="2025-02-01",
                  duration=600, audio_url="http://127.0.0.1:9/a.mp3",
                  segments=[{"startTime": 0, "endTime": 5, "body": "hello"}])
    page = project / "docs" / "course" / "zz-listen-test.md"
    page.write_text('---\ntitle: Listen test\n---\n# Listen test\n\n{{ listen("003-shrot", "1:00", "2:00") }}\n\n'
                    '{{ listen(3, "08:00", "15:30", "Too long") }}\n\n{{ listen(7, "1:00", "2:00") }}\n')
    said = "\n".join(generate(project, tmp_path / "stage").warnings)
    assert ("docs/course/zz-listen-test.md:6: listen('003-shrot', ...): no episode has the slug "
            "'003-shrot' (did you mean '003-short'?)") in said, said
    assert "docs/course/zz-listen-test.md:8: listen(3, '08:00', '15:30'): the stretch" in said, said
    assert "listen(7" not in said            # a number may be an episode to come: it waits quietly
    page.write_text('# Listen test\n\nText.\n\n{{ listen(3, "2.30", "4.00") }}\n')
    with pytest.raises(GenerateError, match=r"zz-listen-test.md:5: a macro failed: '2.30' is ambiguous: write 2:30"):
        generate(project, tmp_path / "stage2")


@pytest.mark.network
def test_every_page_carries_help_block_and_footer_line(site: SharedSite) -> None:
    help_data = yaml.safe_load((REPO / "data" / "help.yml").read_text())
    pages = site.pages()
    assert len(pages) >= 8
    for page in pages:
        text = page.read_text(encoding="utf-8")
        where = page.relative_to(site.www)
        assert text.count("data-ffg-help") == 1, where
        assert "education, not therapy" in text, where
        for service in [help_data["emergency"], *[s for s in help_data["services"] if s.get("bar")]]:
            assert f">{service['phone']}</a>" in text, (where, service["name"])
        assert "findahelpline.com" in text, where


def test_the_crisis_lines_file_is_read_as_the_maintainer_typed_it(tmp_path: Path) -> None:
    """data/help.yml edited by hand: `phone: 000` without quotes was YAML 1.1's number 0, so every
    page offered to call 0 for an emergency; a phone given twice kept the last silently; a tab was
    a traceback. Now the text stays "000" and each fault is named at its line."""
    from mkdocs.exceptions import PluginError
    from companion.site.site_plugin import load_help
    original = (REPO / "data" / "help.yml").read_text(encoding="utf-8")
    path = tmp_path / "help.yml"
    path.write_bytes(("\ufeff" + original.replace('phone: "000"', "phone: 000")).replace("\n", "\r\n").encode())
    assert load_help(path, "data/help.yml")["emergency"]["phone"] == "000"
    assert load_help(path)["services"][0]["bar"] is True
    path.write_text(original.replace("    bar: true", "    bar: no", 1).replace("    bar: true", "    bar: Yes", 1), encoding="utf-8")
    services = load_help(path)["services"]            # YAML 1.1's spellings keep their meaning
    assert (services[0]["bar"], services[1]["bar"]) == (False, True)
    for text, says in ((original.replace('    phone: "13 11 14"', '    phone: "13 11 14"\n    phone: "13 11 15"'),
                        r"data/help.yml:\d+:5: key 'phone' is given twice"),
                       (original.replace("  name: Emergency", "\tname: Emergency"),
                        r"data/help.yml:\d+:1: not valid YAML: .*indent with spaces, not tabs"),
                       (original.replace('    phone: "13 11 14"\n', "", 1),
                        r"data/help.yml: services entry 1 needs a name and a phone number")):
        path.write_text(text, encoding="utf-8")
        with pytest.raises(PluginError, match=says):
            load_help(path, "data/help.yml")


@pytest.mark.network
def test_get_help_page_lists_every_line_from_the_data_file(site: SharedSite) -> None:
    text = read(site, "get-help/index.html")
    body = text[text.index("data-pagefind-body"):]
    help_data = yaml.safe_load((REPO / "data" / "help.yml").read_text())
    for service in help_data["services"]:
        assert service["name"] in body and service["phone"] in body
    assert "0477 13 11 14" in body and 'href="tel:000"' in body


@pytest.mark.network
def test_episode_page_has_player_downloads_and_chapters(site: SharedSite) -> None:
    text = read(site, "episodes/001-sonnet-1/index.html")
    assert f'<audio controls preload="none" src="{site.url}media/sonnet001.mp3"' in text
    for suffix in ("vtt", "srt", "json", "txt"):
        assert f'href="transcript.{suffix}" download' in text
        assert (site.www / "episodes" / "001-sonnet-1" / f"transcript.{suffix}").is_file()
    assert (site.www / "episodes/001-sonnet-1/chapters.json").is_file()
    assert '<h3 id="chapter-1" class="ffg-chapter"' in text
    assert "The middle &lt;em&gt;lines&lt;/em&gt; &#123;&#123; 1+1 &#125;&#125;" in text
    assert "Hidden chapter" not in text
    assert text.count('class="ffg-seg"') == 15
    assert 'id="t-3000"' in text and 'href="#t=0:03"' in text


@pytest.mark.network
def test_episode_without_transcript_still_has_a_page(site: SharedSite) -> None:
    text = read(site, "episodes/005-coming-soon/index.html")
    assert "The transcript is not available yet." in text and "<audio" in text


@pytest.mark.network
def test_speakers_from_podcasting20_json(site: SharedSite) -> None:
    text = read(site, "episodes/006-pc20-example/index.html")
    assert text.count('class="ffg-seg__speaker"') == 2  # names shown when the speaker changes
    assert ">Darth Vader<" in text and ">Luke<" in text


@pytest.mark.network
def test_episodes_index_newest_first(site: SharedSite) -> None:
    text = read(site, "episodes/index.html")
    order = [text.index(f'href="{slug}/"') for slug in ("005-coming-soon", "004-hostile", "003-sonnet-3", "006-pc20-example")]
    assert order == sorted(order)
    assert "53 s" in text


@pytest.mark.network
def test_material_search_is_off_and_no_google_fonts(site: SharedSite) -> None:
    config = yaml.load((REPO / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
    names = [p if isinstance(p, str) else next(iter(p)) for p in config["plugins"]]
    assert "search" not in names
    assert not (site.www / "search" / "search_index.json").exists()
    for page in site.pages():
        assert "fonts.googleapis" not in page.read_text(encoding="utf-8")


@pytest.mark.network
def test_pagefind_indexes_transcript_segments_and_course(site: SharedSite) -> None:
    entry = json.loads(read(site, "pagefind/pagefind-entry.json"))
    pages = sum(language["page_count"] for language in entry["languages"].values())
    # every page except 404 and the print page (it repeats every module; nothing outside data-pagefind-body)
    assert pages >= len(site.pages()) - 2
    assert "data-pagefind-body" not in read(site, "course/print/index.html")
    assert 'data-pagefind-filter="section:Episodes"' in read(site, "episodes/001-sonnet-1/index.html")
    assert 'data-pagefind-filter="section:Course"' in read(site, "course/syllabus/index.html")


@pytest.mark.network
def test_listings_leave_titles_to_their_pages_and_vocabulary_is_written(site: SharedSite) -> None:
    """Episode cards are out of the index (a title is indexed on its own page); listing pages carry
    the `listing` meta; the build writes the vocabulary the search dialog corrects spelling from."""
    from companion.site.vocabulary import read_fragment

    fragments = {f["url"]: f for f in map(read_fragment, (site.www / "pagefind" / "fragment").glob("*.pf_fragment"))}
    home = fragments["/"]                                 # Pagefind's URLs are from the site folder's root
    listed = fragments["/episodes/"]
    episode = fragments["/episodes/010-staying-with-the-hard-days/"]
    for listing in (home, listed):
        assert "Staying with the hard days" not in listing["content"]
        assert listing["meta"].get("listing") == "1"
    assert "Staying with the hard days" in episode["content"] and "listing" not in episode["meta"]
    vocabulary = json.loads(read(site, "pagefind/vocabulary.json"))
    words = dict(zip(vocabulary["words"], vocabulary["counts"]))
    assert {"grandmother", "behaviour", "email", "mail", "its", "maori", "cannot"} - set(words) <= {"cannot"}
    assert "e" not in words and vocabulary["counts"] == sorted(vocabulary["counts"], reverse=True)
    assert {"2", "3"} <= set(words)      # one letter is no word, but one digit is ("seven" -> "7")
    assert "xqzvwk" not in words


@pytest.mark.network
def test_episode_pages_mark_the_episodes_tab(site: SharedSite) -> None:
    text = read(site, "episodes/001-sonnet-1/index.html")
    tabs = text[text.index('class="md-tabs"'):text.index("</nav>", text.index('class="md-tabs"'))]
    active = re.findall(r'md-tabs__item md-tabs__item--active">\s*<a href="([^"]+)"', tabs)
    assert active == ["../"], active
    assert '<meta name="description" content="A LibriVox reading of Shakespeare&#x27;s sonnet 1.">' in text
