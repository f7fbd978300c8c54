"""Serializing documents: strict, UTF-8, DOCTYPE on line 2 naming the DTD that declares the payload.

The DOCTYPE names ``cXML.dtd``, ``Fulfill.dtd`` or ``InvoiceDetail.dtd`` (whichever declares the
payload) at the chosen version: ``serialize(doc, version=…)``, else ``doc.version``, which
defaults per document type (1.2.014 for punchout and orders as Coupa sends them, 1.2.020 for
InvoiceDetail, 1.2.050 for Fulfill). The ``version`` attribute repeats it, as the DTD advises.
"""

from __future__ import annotations

import re

from lxml import etree

from cxml.errors import CxmlError
from cxml.models.envelope import Document, Envelope, Header, Party
from cxml.writing._xml import Element, invalid, one_of, sub, when
from cxml.writing.documents import WRITERS, write_status

__all__ = ["doctype_url", "serialize"]

_XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
_VERSION = re.compile(r"^1\.2\.\d{3}$")
_CREDENTIAL_TYPES = frozenset(("marketplace",))


def doctype_url(version: str, dtd_file: str) -> str:
    """The canonical system identifier of a cXML DTD."""
    return f"http://xml.cxml.org/schemas/cXML/{version}/{dtd_file}"


def serialize(doc: Document, *, version: str | None = None) -> bytes:
    """The document as UTF-8 bytes, valid against its DTD; CxmlError(500) when it cannot be."""
    chosen = version or doc.version
    if not _VERSION.match(chosen):
        raise invalid(f"version {chosen!r} is not a cXML 1.2.xxx version")
    dtd_file = doc.payload.dtd_file if doc.payload is not None else "cXML.dtd"
    try:
        root = _build(doc, chosen)
        body = etree.tostring(root, encoding="UTF-8", xml_declaration=False, pretty_print=True)
    except CxmlError:
        raise
    except (ValueError, TypeError) as exc:
        raise invalid(str(exc)) from exc
    doctype = f'<!DOCTYPE cXML SYSTEM "{doctype_url(chosen, dtd_file)}">\n'.encode("ascii")
    return _XML_DECLARATION + doctype + body


def _build(doc: Document, version: str) -> Element:
    root = etree.Element("cXML")
    root.set("payloadID", doc.payload_id)
    root.set("timestamp", when(doc.timestamp))
    root.set("version", version)
    if doc.lang is not None:
        root.set("{http://www.w3.org/XML/1998/namespace}lang", doc.lang)
    envelope = doc.envelope
    if envelope is Envelope.RESPONSE:
        if doc.status is None:
            raise invalid("a Response needs a Status")
        body = sub(root, "Response")
        write_status(body, doc.status)
    else:
        if doc.header is None:
            raise invalid(f"a {envelope.value} needs a Header")
        _write_header(root, doc.header, envelope)
        attributes = {"deploymentMode": doc.deployment_mode.value}
        if envelope is Envelope.MESSAGE:
            attributes["inReplyTo"] = doc.in_reply_to  # type: ignore[assignment]
        elif doc.status is not None:
            raise invalid("a Request carries no Status")
        body = sub(root, envelope.value, **attributes)
        if doc.status is not None:
            write_status(body, doc.status)
    if doc.payload is not None:
        WRITERS[type(doc.payload)](body, doc.payload, version)
    return root


def _write_header(root: Element, header: Header, envelope: Envelope) -> None:
    # The DTD: "The authentication element should not be sent within Message documents
    # transported via an end user's browser" - a PunchOutOrderMessage never carries a secret.
    if envelope is Envelope.MESSAGE and any(
        party.shared_secret is not None for party in (header.from_, header.to, header.sender)
    ):
        raise invalid(
            "a Message travels through the browser; its Header must carry no SharedSecret"
        )
    element = sub(root, "Header")
    _write_party(element, "From", header.from_)
    _write_party(element, "To", header.to)
    sender = _write_party(element, "Sender", header.sender)
    sub(sender, "UserAgent", header.user_agent)


def _write_party(parent: Element, tag: str, party: Party) -> Element:
    if not party.credentials:
        raise invalid(f"{tag} needs at least one Credential")
    element = sub(parent, tag)
    for credential in party.credentials:
        kind = one_of(credential.type, _CREDENTIAL_TYPES, "Credential type")
        child = sub(element, "Credential", domain=credential.domain, type=kind)
        sub(child, "Identity", credential.identity)
        if credential.shared_secret is not None:
            sub(child, "SharedSecret", credential.shared_secret)
    return element
