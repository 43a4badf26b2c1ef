"""An IMS Common Cartridge 1.1 (`.imscc`) of web links and self-checks, for Moodle and Canvas.

The cartridge holds no course text, only links: a static site cannot host LTI, and links keep
one source of truth. Layout: `imsmanifest.xml` with a rooted organisation (folders for the
modules, the ready-made bundles and the self-checks), one `imswl_xmlv1p1` resource per link
(a small `webLink` XML file under `weblinks/`), and one QTI 1.2 assessment per module's
self-check under `selfchecks/` (`companion.course.qti`).

Links must be absolute: Moodle's importer replaces a relative one with
`http://invalidurldetected/`, so the course plugin builds no cartridge without `site_url`.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from companion.course.qti import ASSESSMENT_TYPE, Assessment, assessment_xml, xml_text
from companion.errors import CourseError

CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
LOM_NS = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest"
WL_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1"
WEBLINK_TYPE = "imswl_xmlv1p1"
SCHEMA = "IMS Common Cartridge"
SCHEMA_VERSION = "1.1.0"
MANIFEST = "imsmanifest.xml"
LANGUAGE = "en"
# Fixed timestamp for zip members, so the same course gives the same bytes on every build.
ZIP_TIME = (2020, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Link:
    ident: str      # unique, XML-name safe: "m3", "week-2"
    title: str
    url: str


@dataclass(frozen=True)
class Folder:
    title: str
    links: tuple[Link | Assessment, ...]


def _sub(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
    if text:
        element.text = xml_text(text)
    return element


def weblink_xml(link: Link) -> bytes:
    """A Common Cartridge 1.1 web link resource (imswl_xmlv1p1) for `link`, as UTF-8 XML bytes;
    the link opens in a new window (target="_blank")."""
    root = ET.Element(f"{{{WL_NS}}}webLink")
    _sub(root, f"{{{WL_NS}}}title", link.title)
    _sub(root, f"{{{WL_NS}}}url", href=link.url, target="_blank")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def weblink_path(link: Link) -> str:
    """Path of `link`'s web link file inside the cartridge: "weblinks/IDENT.xml"."""
    return f"weblinks/{link.ident}.xml"


def resource_path(entry: Link | Assessment) -> str:
    """Path inside the cartridge of a web link or a self-check (QTI assessment) resource."""
    return f"selfchecks/{entry.ident}.xml" if isinstance(entry, Assessment) else weblink_path(entry)


def resource_xml(entry: Link | Assessment) -> bytes:
    """The XML bytes of a web link or a self-check (QTI assessment) resource."""
    return assessment_xml(entry) if isinstance(entry, Assessment) else weblink_xml(entry)


class CartridgeError(CourseError, ValueError):
    """A cartridge that an LMS would import broken (the message says what and why)."""


def check_links(folders: list[Folder]) -> None:
    """Raise unless every web link is absolute http(s): relative ones break on import."""
    for folder in folders:
        for entry in folder.links:
            if isinstance(entry, Link) and not entry.url.startswith(("https://", "http://")):
                raise CartridgeError(f"{entry.title}: {entry.url!r} is not an absolute URL; Moodle "
                                     "would import it as http://invalidurldetected/ (set site_url).")


def cp(tag: str) -> str:
    """`tag` in the IMS Content Packaging namespace of the manifest ("{ns}tag", ElementTree's form)."""
    return f"{{{CP_NS}}}{tag}"


def lom(tag: str) -> str:
    """`tag` in the cartridge's LOM metadata namespace ("{ns}tag", ElementTree's form)."""
    return f"{{{LOM_NS}}}{tag}"


def manifest_xml(title: str, description: str, folders: list[Folder]) -> bytes:
    """imsmanifest.xml for a Common Cartridge 1.1 with `title` and `description` (LOM metadata) and
    one organisation item per folder, each holding its links and self-checks; empty folders are
    left out. UTF-8 XML bytes."""
    ET.register_namespace("", CP_NS)
    ET.register_namespace("lomimscc", LOM_NS)
    root = ET.Element(cp("manifest"), identifier="course_manifest")
    metadata = _sub(root, cp("metadata"))
    _sub(metadata, cp("schema"), SCHEMA)
    _sub(metadata, cp("schemaversion"), SCHEMA_VERSION)
    general = _sub(_sub(metadata, lom("lom")), lom("general"))
    _sub(_sub(general, lom("title")), lom("string"), title, language=LANGUAGE)
    _sub(_sub(general, lom("description")), lom("string"), description, language=LANGUAGE)
    organization = _sub(_sub(root, cp("organizations")), cp("organization"),
                        identifier="org_1", structure="rooted-hierarchy")
    top = _sub(organization, cp("item"), identifier="root")
    resources = _sub(root, cp("resources"))
    # An empty folder would import as an empty course section (no syllabus yet, no self-checks).
    for number, folder in enumerate((f for f in folders if f.links), start=1):
        group = _sub(top, cp("item"), identifier=f"folder_{number}")
        _sub(group, cp("title"), folder.title)
        for link in folder.links:
            item = _sub(group, cp("item"), identifier=f"item_{link.ident}",
                        identifierref=f"res_{link.ident}")
            _sub(item, cp("title"), link.title)
            kind = ASSESSMENT_TYPE if isinstance(link, Assessment) else WEBLINK_TYPE
            resource = _sub(resources, cp("resource"), identifier=f"res_{link.ident}", type=kind)
            _sub(resource, cp("file"), href=resource_path(link))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def build(title: str, description: str, folders: list[Folder]) -> bytes:
    """The `.imscc` file: a zip of the manifest, one web-link file per link and one QTI file
    per self-check. Raises CartridgeError for a relative link (see `check_links`)."""
    check_links(folders)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        members = [(MANIFEST, manifest_xml(title, description, folders))]
        members += [(resource_path(l), resource_xml(l)) for f in folders for l in f.links]
        for name, data in members:
            archive.writestr(zipfile.ZipInfo(name, ZIP_TIME), data)
    return buffer.getvalue()
