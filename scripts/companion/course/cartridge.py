"""An IMS Common Cartridge 1.1 (`.imscc`) of web links and self-checks, for Moodle and Canvas.

The cartridge holds no course text, only links: a static site cannot host LTI, and links keep
one source of truth. Layout: `imsmanifest.xml` with a rooted organisation (folders for the
modules, the ready-made bundles and the self-checks), one `imswl_xmlv1p1` resource per link
(a small `webLink` XML file under `weblinks/`), and one QTI 1.2 assessment per module's
self-check under `selfchecks/` (`companion.course.qti`).

Links must be absolute: Moodle's importer replaces a relative one with
`http://invalidurldetected/`, so the course plugin builds no cartridge without `site_url`.

What the two importers require, from their code:

- Moodle (moodle/moodle backup/cc/cc112moodle.php, cc2moodle.php `create_instances`): the manifest's
  default namespace is imsccv1p1/imscp_v1p1; each child of the root item is a course section, its
  own `<title>` the section's name; an item's type is its resource's `type` (`imswl_xmlv1p1` a URL,
  `imsqti_xmlv1p2/imscc_xmlv1p1/assessment` a quiz), found by an XPath that quotes the identifier
  in `"`; an item with an empty `<title>` becomes a nameless activity.
- Moodle's web link (entity11.resource.class.php): the resource's first `file/@href`, then
  `/wl:webLink/wl:url/@href`, must pass `validateUrlSyntax($url, 's+')` (lib/validateurlsyntax.php,
  RFC 2396 ASCII only), or its `rawurldecode`; else the link becomes `http://invalidurldetected/`.
  So every URL is written as a URI (`w3lib.url.safe_url_string`, the IRI-to-URI mapping browsers
  use) and checked against that syntax before the cartridge is built (`MOODLE_URL`).
- Canvas (instructure/canvas-lms lib/cc/importer/standard/org_converter.rb, weblink_converter.rb):
  `organization > item > item` become modules titled by their `<title>`; a resource whose type
  starts `imswl` becomes a URL item from `webLink title` and `webLink url/@href`, dropped when
  that href is empty.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from w3lib.url import safe_url_string

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
# Moodle's `validateUrlSyntax($url, 's+')` (moodle/moodle lib/validateurlsyntax.php, RFC 2396):
# http(s) scheme required, optional user info, an IP or a domain whose last label starts with a
# letter, optional port, path segments of unreserved/escaped/`:@&=+$,` characters (so no `//`),
# query and fragment of reserved/unreserved/escaped characters. Case-insensitive, as its eregi.
_UNRESERVED = r"[a-z0-9_.!~*'()-]"
_ESCAPED = r"%[0-9a-f]{2}"
_RESERVED = r"[;/?:@&=+$,]"
_OCTET = r"(?:2(?:[0-4][0-9]|5[0-5])|[01]?[0-9]?[0-9])"
MOODLE_URL = re.compile(
    rf"^https?://"
    rf"(?:(?:{_UNRESERVED}|{_ESCAPED}|[;&=+$,])+(?::(?:{_UNRESERVED}|{_ESCAPED}|[;:&=+$,])+)?@)?"
    rf"(?:(?:{_OCTET}\.){{3}}{_OCTET}|(?:[a-z0-9](?:[a-z0-9-]{{0,62}}[a-z0-9])?\.)*[a-z](?:[a-z0-9-]*[a-z0-9])?)"
    rf"(?::[0-9]{{1,5}})?"
    rf"(?:/(?:;?(?:{_UNRESERVED}|{_ESCAPED}|[:@&=+$,])+/?)*)?"
    rf"(?:\?(?:{_RESERVED}|{_UNRESERVED}|{_ESCAPED})*)?"
    rf"(?:#(?:{_RESERVED}|{_UNRESERVED}|{_ESCAPED})*)?$", re.IGNORECASE)
# An identifier both importers can look up: an XML NCName without the characters that would end
# the quoted XPath literal Moodle builds around it (ASCII, to keep to what every LMS stores).
IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
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
    ident: str = ""     # a stable name ("modules"); the title's ASCII slug when not given

    @property
    def identifier(self) -> str:
        """The folder's item identifier, "folder_modules": named for the folder, never numbered by
        its place. Canvas keeps it as the module's migration id (lib/cc/importer/standard/
        org_converter.rb) and, when a newer cartridge is imported into the same course, updates the
        module holding that id: numbered folders renamed the wrong module once a folder came or
        went (canvas-lms#1175, a re-imported cartridge broke the module structure)."""
        name = self.ident or unicodedata.normalize("NFKD", self.title).encode("ascii", "ignore").decode()
        return f"folder_{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-') or 'untitled'}"


def _sub(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
    if text:
        element.text = xml_text(text)
    return element


def weblink_xml(link: Link) -> bytes:
    """A Common Cartridge 1.1 web link resource (imswl_xmlv1p1) for `link`, as UTF-8 XML bytes;
    the link opens in a new window (target="_blank"). The URL is written as a URI (`link_uri`),
    in the web-link namespace as the file's default namespace, as the CC 1.1 examples write it."""
    ET.register_namespace("", WL_NS)
    root = ET.Element(f"{{{WL_NS}}}webLink")
    _sub(root, f"{{{WL_NS}}}title", link.title)
    _sub(root, f"{{{WL_NS}}}url", href=link_uri(link.url), target="_blank")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def link_uri(url: str) -> str:
    """`url` as an ASCII URI: host IDNA-encoded, spaces, non-ASCII letters and characters RFC 2396
    excludes (`[ ] | { } ^`) percent-encoded, escapes already there kept (w3lib's
    `safe_url_string`, the mapping browsers use). Moodle refuses any other form of a URL."""
    return safe_url_string(url.strip())


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
    """Raise CartridgeError unless every entry would import whole into Moodle and Canvas: a title
    that is not blank, an identifier that is unique and `IDENT`-shaped, and for a web link an
    absolute http(s) URL whose URI form passes Moodle's URL syntax (`MOODLE_URL`)."""
    seen: set[str] = set()
    folder_ids: set[str] = set()
    for folder in (f for f in folders if f.links):
        if not folder.title.strip():
            raise CartridgeError("a folder of the cartridge has no title; Moodle and Canvas would "
                                 "import an unnamed section.")
        if folder.identifier in folder_ids:
            raise CartridgeError(f"{folder.title}: another folder has the identifier "
                                 f"{folder.identifier!r}; Canvas would merge the two modules.")
        folder_ids.add(folder.identifier)
        for entry in folder.links:
            if not entry.title.strip():
                raise CartridgeError(f"{entry.ident}: no title; Moodle would import a nameless "
                                     "activity.")
            if not IDENT.match(entry.ident) or entry.ident in seen:
                why = "is used twice" if entry.ident in seen else "is not a plain ASCII name"
                raise CartridgeError(f"{entry.title}: identifier {entry.ident!r} {why}; the importers "
                                     "look resources up by identifier.")
            seen.add(entry.ident)
            if not isinstance(entry, Link):
                continue
            if not entry.url.strip().startswith(("https://", "http://")):
                raise CartridgeError(f"{entry.title}: {entry.url!r} is not an absolute URL; Moodle "
                                     "would import it as http://invalidurldetected/ (set site_url).")
            try:
                uri = link_uri(entry.url)
            except ValueError:                  # w3lib: a port out of range, a host IDNA refuses
                uri = ""
            if not MOODLE_URL.match(uri):
                raise CartridgeError(f"{entry.title}: {entry.url!r} is not a URL Moodle accepts "
                                     "(RFC 2396: a host name, no empty path segment); Moodle would "
                                     "import it as http://invalidurldetected/.")


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
    for folder in (f for f in folders if f.links):
        group = _sub(top, cp("item"), identifier=folder.identifier)
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
