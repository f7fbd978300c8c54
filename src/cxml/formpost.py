"""The browser form-post codec: how a PunchOutOrderMessage reaches the buyer's BrowserFormPost URL.

The cart never goes server to server. The supplier serves the user's browser a page with one
hidden field that posts itself to the buyer:

* ``cxml-urlencoded``: the XML itself, US-ASCII only (every other character as a numeric
  character reference, because the receiver must ignore the declared encoding), HTML-escaped
  into the attribute; the browser url-encodes it on submit;
* ``cxml-base64``: Base64 of the UTF-8 bytes (SAP Ariba's preferred form for non-ASCII text).

Buyers spell the field ``cXML-urlencoded``, ``cxml-urlencoded`` …; decoding ignores case.
"""

from __future__ import annotations

import base64
import binascii
import enum
import html
import re
from collections.abc import Mapping
from typing import Any

from cxml.errors import CxmlError
from cxml.models.envelope import Document
from cxml.parser import DEFAULT_MAX_BYTES, parse

__all__ = ["CartField", "decode_form", "encode_form", "field_value", "parse_form"]

_ENCODING_DECLARATION = re.compile(
    r"""^(\s*<\?xml[^>]*?)\s+encoding\s*=\s*(["'])[^"']*\2""", re.IGNORECASE
)


class CartField(enum.Enum):
    """The hidden field that carries the cart, by its conventional lower-case name."""

    URLENCODED = "cxml-urlencoded"
    BASE64 = "cxml-base64"


def field_value(xml: bytes, field: CartField) -> str:
    """The (unescaped) value of the hidden field for the serialized message ``xml``."""
    if field is CartField.BASE64:
        return base64.b64encode(xml).decode("ascii")
    return xml.decode("utf-8").encode("ascii", "xmlcharrefreplace").decode("ascii")


def encode_form(
    xml: bytes,
    action: str,
    *,
    field: CartField = CartField.URLENCODED,
    field_name: str | None = None,
    button_label: str = "Return cart to your procurement system",
    nonce: str | None = None,
) -> str:
    """An HTML page that posts ``xml`` to ``action`` by itself (a button when scripts are off).

    ``field_name`` overrides the spelling of the field (``cXML-urlencoded`` for a buyer that
    wants it); ``nonce`` goes on the script for a Content-Security-Policy with nonces.
    """
    name = html.escape(field_name or field.value, quote=True)
    value = html.escape(field_value(xml, field), quote=True)
    script_nonce = f' nonce="{html.escape(nonce, quote=True)}"' if nonce else ""
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        "<title>Returning your cart</title></head>\n"
        "<body>\n"
        f'<form id="cxml-cart" method="post" action="{html.escape(action, quote=True)}" '
        'enctype="application/x-www-form-urlencoded" accept-charset="UTF-8">\n'
        f'<input type="hidden" name="{name}" value="{value}">\n'
        f'<button type="submit">{html.escape(button_label)}</button>\n'
        "</form>\n"
        f"<script{script_nonce}>document.getElementById('cxml-cart').submit();</script>\n"
        "</body></html>\n"
    )


def decode_form(fields: Mapping[str, Any]) -> bytes:
    """The cXML bytes carried by a posted form (either field, any spelling of its name)."""
    for key, raw in fields.items():
        folded = str(key).casefold()
        if folded not in ("cxml-urlencoded", "cxml-base64"):
            continue
        value = _single(raw)
        if folded == "cxml-base64":
            return _from_base64(value)
        return _ENCODING_DECLARATION.sub(r"\1", value, count=1).encode("utf-8")
    raise CxmlError("the form holds no cXML-urlencoded or cXML-base64 field", 400)


def parse_form(fields: Mapping[str, Any], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Decode a posted form and parse the cXML document it carries."""
    return parse(decode_form(fields), max_bytes=max_bytes)


def _single(raw: Any) -> str:
    if isinstance(raw, (list, tuple)):
        raw = raw[0] if raw else ""
    if isinstance(raw, bytes):
        return raw.decode("utf-8", errors="replace")
    if not isinstance(raw, str):
        raise CxmlError(f"the cart field holds {type(raw).__name__}, not text", 400)
    return raw


def _from_base64(value: str) -> bytes:
    # Tolerate line breaks, lost padding, and '+' turned into spaces by a second url-decoding.
    compact = "".join(value.replace(" ", "+").split())
    compact += "=" * (-len(compact) % 4)
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise CxmlError("the cXML-base64 field is not valid Base64", 406) from exc
