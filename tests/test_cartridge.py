"""The IMS Common Cartridge: a zip whose manifest is well-formed XML in the CC 1.1 namespace,
lists every module and every syllabus week as a web link, and whose resource files exist."""

from __future__ import annotations

import io
import json
import zipfile

from lxml import etree

from companion import cartridge
from course_support import course_site, course_site_absolute, module_files  # noqa: F401

NS = {"cp": cartridge.CP_NS, "wl": cartridge.WL_NS, "lom": cartridge.LOM_NS}
SITE_URL = "https://course.example.org/"


def open_cartridge(site) -> tuple[zipfile.ZipFile, etree._Element, dict]:
    data = (site.site / "downloads" / "course.imscc").read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    manifest = etree.fromstring(archive.read(cartridge.MANIFEST))
    catalogue = json.loads((site.site / "cite" / "catalogue.json").read_text(encoding="utf-8"))
    return archive, manifest, catalogue


def weblinks(archive: zipfile.ZipFile, manifest: etree._Element) -> dict[str, tuple[str, str]]:
    """Item title -> (web-link title, URL), following item -> resource -> file."""
    resources = {r.get("identifier"): r for r in manifest.xpath("//cp:resource", namespaces=NS)}
    links = {}
    for item in manifest.xpath("//cp:item[@identifierref]", namespaces=NS):
        resource = resources[item.get("identifierref")]
        assert resource.get("type") == cartridge.WEBLINK_TYPE
        (href,) = resource.xpath("cp:file/@href", namespaces=NS)
        link = etree.fromstring(archive.read(href))
        assert link.tag == f"{{{cartridge.WL_NS}}}webLink"
        title = item.xpath("string(cp:title)", namespaces=NS)
        links[title] = (link.xpath("string(wl:title)", namespaces=NS),
                        link.xpath("string(wl:url/@href)", namespaces=NS))
    return links


def test_manifest_is_common_cartridge_1_1(course_site) -> None:  # noqa: F811
    archive, manifest, _ = open_cartridge(course_site)
    assert manifest.tag == f"{{{cartridge.CP_NS}}}manifest"
    assert manifest.xpath("string(cp:metadata/cp:schema)", namespaces=NS) == "IMS Common Cartridge"
    assert manifest.xpath("string(cp:metadata/cp:schemaversion)", namespaces=NS) == "1.1.0"
    (organization,) = manifest.xpath("//cp:organization", namespaces=NS)
    assert organization.get("structure") == "rooted-hierarchy"
    identifiers = manifest.xpath("//@identifier")
    assert len(identifiers) == len(set(identifiers))
    for href in manifest.xpath("//cp:resource/cp:file/@href", namespaces=NS):
        assert href in archive.namelist(), f"{href} is listed but not in the zip"


def test_every_module_and_week_is_a_weblink(course_site) -> None:  # noqa: F811
    archive, manifest, catalogue = open_cartridge(course_site)
    links = weblinks(archive, manifest)
    assert len(catalogue["modules"]) == len(module_files())
    for module in catalogue["modules"]:
        assert links[module["title"]] == (module["title"], module["url"])
    for week in catalogue["weeks"]:
        title, url = links[week["title"]]
        assert url == f"course/bundle/?{week['query']}"
    assert len(links) == len(catalogue["modules"]) + len(catalogue["weeks"])
    description = manifest.xpath("string(//lom:description/lom:string)", namespaces=NS)
    assert "relative" in description, "a cartridge without site_url says its links are relative"


def test_links_are_absolute_with_site_url(course_site_absolute) -> None:  # noqa: F811
    archive, manifest, _ = open_cartridge(course_site_absolute)
    urls = [url for _, url in weblinks(archive, manifest).values()]
    assert urls and all(u.startswith(SITE_URL) for u in urls)


def test_same_input_same_bytes() -> None:
    folders = [cartridge.Folder("Modules", (cartridge.Link("m1", "Module 1", "https://x/m1/"),))]
    assert cartridge.build("T", "D", folders) == cartridge.build("T", "D", folders)
