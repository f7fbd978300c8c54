"""Small helpers the writers share: element creation, text cleaning, value formatting."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from lxml import etree

from cxml.errors import CxmlError
from cxml.timestamps import format_date, format_datetime

Element = etree._Element

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Characters XML 1.0 cannot carry at all; they are dropped rather than emitted invalid.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean(value: str) -> str:
    """``value`` without the characters XML 1.0 forbids."""
    return _NOT_XML.sub("", value)


def sub(
    parent: Element, tag: str, content: str | None = None, /, **attributes: str | None
) -> Element:
    """Append a child ``tag`` with text ``content`` and the attributes that are not None."""
    element = etree.SubElement(parent, tag)
    for name, value in attributes.items():
        if value is not None:
            element.set(XML_LANG if name == "lang" else name, clean(value))
    if content is not None:
        element.text = clean(content)
    return element


def invalid(message: str) -> CxmlError:
    """The error for a document that cannot be serialized validly."""
    return CxmlError(f"cannot serialize: {message}", 500)


def number(value: Decimal | int) -> str:
    """A number in plain notation (never ``1E+2``), of a size a reader will accept."""
    if isinstance(value, Decimal):
        if not value.is_finite() or abs(value.adjusted()) > MAX_EXPONENT:
            raise invalid(f"{value} is not a finite number of at most {MAX_EXPONENT} digits")
        return format(value, "f")
    return str(value)


MAX_EXPONENT = 30  # the bound the reader applies too


def nmtoken(value: str | None, what: str) -> str | None:
    """``value`` when it is an XML NMTOKEN (no spaces, no punctuation but ``.-_:``)."""
    if value is not None and not _NMTOKEN.fullmatch(value):
        raise invalid(f"{what} {value!r} must be a single word (an XML NMTOKEN)")
    return value


def one_of(value: str | None, allowed: frozenset[str], what: str) -> str | None:
    """``value`` when the DTD of the chosen version allows it."""
    if value is not None and value not in allowed:
        raise invalid(f"{what} {value!r} is not one of {', '.join(sorted(allowed))}")
    return value


_NMTOKEN = re.compile(r"[\w.\-:\u00b7\u0300-\u036f\u203f\u2040]+")


def when(value: dt.datetime) -> str:
    """A date-time with its offset; a CxmlError for naive values."""
    try:
        return format_datetime(value)
    except ValueError as exc:
        raise invalid(str(exc)) from exc


def day(value: dt.date) -> str:
    """A ``%date`` value."""
    try:
        return format_date(value)
    except ValueError as exc:
        raise invalid(str(exc)) from exc


def yes(flag: bool) -> str | None:
    """``"yes"`` for true flags; None (attribute left out) otherwise."""
    return "yes" if flag else None


def version_tuple(version: str) -> tuple[int, ...]:
    """``"1.2.050"`` → ``(1, 2, 50)``; unknown shapes sort as the oldest version."""
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        return (0,)
