"""Parsing cXML bytes: a hardened lxml parser, then the envelope, then the payload.

Hard against attack, tolerant of real buyers:

* no network, no entity expansion, no DTD loaded from the document; a DOCTYPE whose internal
  subset declares entities is refused outright (legitimate cXML never needs one);
* a size cap (5 MiB by default) and an element cap (200,000) checked before parsing, and
  libxml2's depth cap of 256 (``huge_tree`` stays off);
* any 1.2.x version, any DOCTYPE host casing, children in any order.

Every failure is a :class:`~cxml.errors.CxmlError`; nothing else escapes :func:`parse`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from lxml import etree

from cxml.errors import CxmlError
from cxml.models.envelope import (
    DEFAULT_VERSION,
    Credential,
    DeploymentMode,
    Document,
    Envelope,
    Header,
    Party,
    Payload,
    Status,
)
from cxml.reading._fast import constructor
from cxml.reading._xml import (
    Element,
    attr,
    children,
    datetime_attr,
    enum_attr,
    fail,
    first,
    opt_attr,
    opt_lang,
    tag_name,
    text,
)
from cxml.reading.documents import READERS, read_status

if TYPE_CHECKING:
    from cxml.reading._speedups import Node

_copy_tree: Callable[[etree._Element], Node] | None
try:  # the C-level copy of the tree (setup.py builds it when a compiler is there)
    from cxml.reading._speedups import build as _copy_tree
except ImportError:  # pragma: no cover - the tests force _copy_tree = None to cover this
    _copy_tree = None

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_ELEMENTS",
    "MAX_DEPTH",
    "doctype_of",
    "parse",
    "parse_xml",
    "speedups",
]

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# A 5 MiB body of tiny elements would take seconds to read; no real document comes close.
DEFAULT_MAX_ELEMENTS = 200_000
MAX_DEPTH = 256  # libxml2's limit while huge_tree is off
_DOCTYPE = re.compile(r"/cxml/(\d+(?:\.\d+)+)/([A-Za-z]+\.dtd)\s*$", re.IGNORECASE)
_VERSION = re.compile(r"^1\.2\.\d{3}$")
_LITERAL = rb"""(?:"[^"]*"|'[^']*')"""
_INTERNAL_SUBSET = re.compile(
    rb"<!DOCTYPE\s+[^\s\[>]+(?:\s+(?:SYSTEM\s+"
    + _LITERAL
    + rb"|PUBLIC\s+"
    + _LITERAL
    + rb"\s+"
    + _LITERAL
    + rb"))?\s*\["
)
_XML_DECLARATION = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*\?>")
_ASCII_COMPATIBLE = frozenset(("UTF-8", "UTF8", "US-ASCII", "ASCII", "ISO-8859-1", "LATIN1"))
_local = threading.local()
_credential = constructor(Credential)
_party = constructor(Party)
_header = constructor(Header)
_document = constructor(Document)  # with the version filled in, as Document's own init does


def _parser() -> etree.XMLParser:
    parser: etree.XMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
            remove_blank_text=True,  # whitespace between elements carries nothing in cXML
            # collect_ids=False is left out on purpose: with lxml 6.1 / libxml2 2.14 it makes
            # the parser try to load the external DTD named in the DOCTYPE.
        )
        _local.parser = parser
    return parser


def parse_xml(
    data: bytes | str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_elements: int = DEFAULT_MAX_ELEMENTS,
) -> etree._ElementTree:
    """Parse bytes into an element tree with the hardened parser (no cXML checks)."""
    raw = _as_bytes(data)
    if len(raw) > max_bytes:
        raise CxmlError(f"document is {len(raw)} bytes; the limit is {max_bytes}", 406)
    # Every element takes at least four bytes (``<a/>``), so only a body longer than four
    # bytes per allowed element can hold too many.
    if len(raw) >= 4 * (max_elements + 1) and _element_bound(raw) > max_elements:
        raise CxmlError(f"document has more than {max_elements} elements", 406)
    if not raw[:4096].strip():
        raise CxmlError("empty document", 406)
    try:
        root = etree.fromstring(raw, _parser())
    except etree.XMLSyntaxError as exc:
        raise CxmlError(f"not well-formed XML: {_first_line(exc)}", 406) from exc
    except (etree.LxmlError, ValueError) as exc:
        raise CxmlError(f"unreadable XML: {_first_line(exc)}", 406) from exc
    tree = root.getroottree()
    _refuse_declarations(raw, tree)
    entity = next(root.iter(etree.Entity), None) if b"&" in raw else None
    if entity is not None:
        raise CxmlError(f"the document refers to the undeclared entity {entity.text}", 406)
    return tree


def _element_bound(raw: bytes) -> int:
    """An upper bound of the elements in ``raw``, counted in C before anything is parsed.

    Each element opens with one ``<`` not followed by ``/``, ``?`` or ``!``; end tags,
    processing instructions, comments and the DOCTYPE are subtracted (a ``<`` inside a
    comment or CDATA can only make the bound larger).
    """
    count = raw.count(b"<")
    return count - raw.count(b"</") - raw.count(b"<?") - raw.count(b"<!")


def _as_bytes(data: object) -> bytes:
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    if isinstance(data, str):  # tolerated although typed bytes: callers pass request text
        return data.encode("utf-8")
    raise CxmlError(f"a cXML document is bytes, not {type(data).__name__}", 406)


def _refuse_declarations(raw: bytes, tree: etree._ElementTree) -> None:
    # Legitimate cXML never carries an internal DTD subset. Entities in one are the classic
    # attacks; attribute defaults in one would silently change what the document says
    # (libxml2 applies them), and lxml does not list ATTLIST declarations, so the raw text
    # of the DOCTYPE is checked as well.
    internal = tree.docinfo.internalDTD
    if internal is None:
        return
    if any(True for _ in internal.iterentities()):
        raise CxmlError("the DOCTYPE declares entities; cXML documents never need them", 406)
    encoding = (tree.docinfo.encoding or "UTF-8").upper()
    try:
        text = raw if encoding in _ASCII_COMPATIBLE else raw.decode(encoding, "replace").encode()
    except LookupError:
        text = raw
    start = text.find(b"<!DOCTYPE")
    if start != -1 and b"<" not in _XML_DECLARATION.sub(b"", text[:start], count=1):
        # Nothing but the XML declaration comes first, so this is the document's one DOCTYPE
        # and nothing after it can declare anything: no need to scan the rest of the body.
        if _INTERNAL_SUBSET.match(text, start):
            raise CxmlError(
                "the DOCTYPE has an internal subset; cXML documents never need one", 406
            )
        return
    while start != -1:  # a comment or PI comes first: check every occurrence
        if _INTERNAL_SUBSET.match(text, start):
            raise CxmlError(
                "the DOCTYPE has an internal subset; cXML documents never need one", 406
            )
        start = text.find(b"<!DOCTYPE", start + 1)


def doctype_of(tree: etree._ElementTree) -> tuple[str, str] | None:
    """``(version, file)`` from a DOCTYPE like ``…/schemas/cXML/1.2.014/cXML.dtd``, or None."""
    match = _DOCTYPE.search(tree.docinfo.system_url or "")
    return (match.group(1), match.group(2)) if match else None


def parse(
    data: bytes | str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_elements: int = DEFAULT_MAX_ELEMENTS,
) -> Document:
    """Parse a cXML document into a :class:`~cxml.models.envelope.Document`."""
    tree = parse_xml(data, max_bytes=max_bytes, max_elements=max_elements)
    try:
        return _read_document(tree)
    except CxmlError:
        raise
    except (ValueError, TypeError, LookupError, ArithmeticError, etree.LxmlError) as exc:
        raise CxmlError(f"unreadable cXML: {_first_line(exc)}", 406) from exc


def speedups() -> bool:
    """Whether the readers read the C-level copy of the tree (cxml.reading._speedups)."""
    return _copy_tree is not None


def _read_document(tree: etree._ElementTree) -> Document:
    lxml_root = tree.getroot()
    root: Element = lxml_root if _copy_tree is None else _copy_tree(lxml_root)
    if root.tag != "cXML":
        raise CxmlError(f"the root element is {str(root.tag)[:40]!r}, not cXML", 406)
    kids = children(root)
    bodies = [tag for tag in ("Request", "Message", "Response") if tag in kids]
    if len(bodies) != 1 or len(kids[bodies[0]]) != 1:
        fail(root, "cXML must hold exactly one Request, Message or Response")
    body = kids[bodies[0]][0]
    envelope = Envelope(body.tag)
    header_element = first(kids, "Header")
    if envelope is not Envelope.RESPONSE and header_element is None:
        fail(root, f"cXML with a {envelope.value} lacks the required Header element")
    payload, status = _read_body(body, envelope)
    return _document(
        payload_id=attr(root, "payloadID"),
        timestamp=datetime_attr(root, "timestamp"),
        payload=payload,
        header=_read_header(header_element) if header_element is not None else None,
        status=status,
        deployment_mode=(
            enum_attr(body, "deploymentMode", DeploymentMode, DeploymentMode.PRODUCTION)
            if envelope is not Envelope.RESPONSE
            else DeploymentMode.PRODUCTION
        ),
        lang=opt_lang(root),
        version=_version(tree, payload) or DEFAULT_VERSION,
        in_reply_to=opt_attr(body, "inReplyTo") if envelope is Envelope.MESSAGE else None,
    )


def _read_body(body: Element, envelope: Envelope) -> tuple[Payload | None, Status | None]:
    kids = children(body)
    status_element = first(kids, "Status")
    if envelope is Envelope.RESPONSE and status_element is None:
        fail(body, "Response lacks the required Status element")
    status = read_status(status_element) if status_element is not None else None
    payloads = [
        child
        for child in body.getchildren()
        if isinstance(child.tag, str) and child.tag != "Status"
    ]
    if envelope is not Envelope.RESPONSE and len(payloads) != 1:
        names = ", ".join(str(p.tag) for p in payloads) or "none"
        fail(body, f"{tag_name(body)} must hold exactly one payload; found {names}")
    if len(payloads) > 1:
        fail(body, "Response holds more than one payload")
    if not payloads:
        return None, status
    element = payloads[0]
    reader = READERS.get(str(element.tag))
    if reader is None:
        fail(element, f"{tag_name(element)} is not supported", 450)
    payload = reader(element)
    if payload.envelope is not envelope:
        fail(element, f"{tag_name(element)} cannot travel in a {envelope.value}")
    return payload, status


def _read_header(element: Element) -> Header:
    parties: dict[str, Party] = {}
    user_agent = ""
    for child in element.getchildren():
        tag: str = child.tag  # type: ignore[assignment]  # parsed trees have str tags
        if tag in _PARTIES and tag not in parties:
            parties[tag] = _read_party(child)
            if tag == "Sender":
                agent = next((c for c in child.getchildren() if c.tag == "UserAgent"), None)
                user_agent = text(agent) if agent is not None else ""
    for tag in _PARTIES:
        if tag not in parties:
            fail(element, f"Header lacks the required {tag} element")
    return _header(parties["From"], parties["To"], parties["Sender"], user_agent)


_PARTIES = ("From", "To", "Sender")


def _read_party(element: Element) -> Party:
    credentials = [c for c in element.getchildren() if c.tag == "Credential"]
    if not credentials:
        fail(element, f"{tag_name(element)} lacks the required Credential element")
    return _party(tuple([_read_credential(c) for c in credentials]))


def _read_credential(element: Element) -> Credential:
    identity: str | None = None
    secret: str | None = None
    for child in element.getchildren():
        tag = child.tag
        if tag == "Identity":
            identity = text(child)
        elif tag == "SharedSecret":
            secret = "".join(child.itertext()).strip()
    if identity is None:
        fail(element, "Credential lacks the required Identity element")
    return _credential(attr(element, "domain"), identity, secret, opt_attr(element, "type"))


def _version(tree: etree._ElementTree, payload: Payload | None) -> str:
    doctype = doctype_of(tree)
    if doctype and _VERSION.match(doctype[0]):
        return doctype[0]
    declared = (tree.getroot().get("version") or "").strip()
    if _VERSION.match(declared):
        return declared
    return payload.default_version if payload is not None else ""


def _first_line(exc: BaseException) -> str:
    message = str(exc).strip().splitlines()
    return message[0][:200] if message else type(exc).__name__
