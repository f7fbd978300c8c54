"""Small helpers the readers share: child lookup, required values, typed conversions."""

from __future__ import annotations

import datetime as dt
import enum
import functools
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, NoReturn, TypeAlias, TypeVar

from lxml import etree

from cxml.errors import CxmlError
from cxml.timestamps import parse_date, parse_datetime

if TYPE_CHECKING:
    from cxml.reading._speedups import Node

E = TypeVar("E", bound=enum.Enum)
# What readers read: an lxml element, or its C-level copy when cxml.reading._speedups is
# built (the parser picks one; the readers only use what both answer).
Element: TypeAlias = "etree._Element | Node"
Children = dict[str, list[Element]]

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DEFAULT_LANG = "en-US"


def tag_name(element: Element) -> str:
    """The element's tag as text (for messages)."""
    tag = element.tag
    return tag if isinstance(tag, str) else repr(tag)


def fail(element: Element, message: str, status_code: int = 406) -> NoReturn:
    """Raise a CxmlError whose path names ``element`` (computed only on failure)."""
    original = element if isinstance(element, etree._Element) else element.element()
    try:
        path = original.getroottree().getpath(original)
    except (ValueError, TypeError):  # pragma: no cover - getpath works on parsed trees
        path = str(original.tag)
    raise CxmlError(message, status_code, path=path)


def children(element: Element) -> Children:
    """The element children of ``element`` grouped by tag, in document order."""
    found: Children = {}
    for child in element.getchildren():
        tag: str = child.tag  # type: ignore[assignment]  # parsed trees have str tags
        bucket = found.get(tag)
        if bucket is None:
            found[tag] = [child]
        else:
            bucket.append(child)
    return found


def first(kids: Children, tag: str) -> Element | None:
    """The first child called ``tag``, or None."""
    bucket = kids.get(tag)
    return bucket[0] if bucket else None


def required(element: Element, kids: Children, tag: str) -> Element:
    """The first child called ``tag``; a CxmlError naming both elements when it is missing."""
    bucket = kids.get(tag)
    if not bucket:
        fail(element, f"{tag_name(element)} lacks the required {tag} element")
    return bucket[0]


def attr(element: Element, name: str) -> str:
    """A required attribute, stripped; a CxmlError when it is missing or blank."""
    value = element.get(name)
    if value is None or not value.strip():
        fail(element, f"{tag_name(element)} lacks the required {name} attribute")
    return value.strip()


def opt_attr(element: Element, name: str) -> str | None:
    """An optional attribute, stripped; None when missing or blank."""
    value = element.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def text(element: Element) -> str:
    """All text inside ``element`` (nested elements included), stripped."""
    if len(element):
        return "".join(element.itertext()).strip()
    return (element.text or "").strip()


def required_text(element: Element) -> str:
    """The text of ``element``; a CxmlError when it is empty."""
    value = text(element)
    if not value:
        fail(element, f"{tag_name(element)} is empty")
    return value


def child_text(kids: Children, tag: str) -> str | None:
    """The text of the first child called ``tag``, or None when absent or empty."""
    element = first(kids, tag)
    if element is None:
        return None
    return text(element) or None


def lang(element: Element) -> str:
    """The ``xml:lang`` of ``element``; en-US when the sender left it out."""
    value = element.get(XML_LANG)
    return value.strip() if value and value.strip() else DEFAULT_LANG


def opt_lang(element: Element) -> str | None:
    """The ``xml:lang`` of ``element``, or None."""
    value = element.get(XML_LANG)
    return value.strip() if value and value.strip() else None


def decimal(element: Element, value: str | None, what: str = "value") -> Decimal:
    """A finite Decimal; a CxmlError naming the element otherwise."""
    number = parse_number(value or "")
    if number is None:
        raw = (value or "").strip()
        fail(element, f"{tag_name(element)} {what} is not a number in range: {raw[:40]!r}")
    return number


@functools.lru_cache(maxsize=4096)
def parse_number(raw: str) -> Decimal | None:
    """A finite Decimal of sane size, or None (amounts repeat, so results are cached).

    The size bound keeps ``1E+100000000`` from becoming a 100 MB string when written out.
    """
    try:
        number = Decimal(raw.strip())
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or abs(number.adjusted()) > MAX_EXPONENT:
        return None
    if len(number.as_tuple().digits) > MAX_DIGITS:
        return None
    return number


MAX_EXPONENT = 30  # no amount, quantity or rate needs more than 30 digits either side
MAX_DIGITS = 60


def integer(element: Element, value: str | None, what: str) -> int:
    """An integer attribute value (``lineNumber``, ``orderVersion`` …)."""
    try:
        return int(value)  # type: ignore[arg-type]  # int() skips surrounding whitespace
    except (TypeError, ValueError):
        raw = (value or "").strip()
        fail(element, f"{tag_name(element)} {what} is not an integer: {raw[:40]!r}")


def opt_integer(element: Element, name: str) -> int | None:
    """An optional integer attribute."""
    raw = opt_attr(element, name)
    return None if raw is None else integer(element, raw, name)


def datetime_attr(element: Element, name: str) -> dt.datetime:
    """A required date-time attribute, read leniently."""
    raw = attr(element, name)
    try:
        return parse_datetime(raw)
    except ValueError:
        fail(element, f"{tag_name(element)} {name} is not a date-time: {raw[:40]!r}")


def opt_datetime_attr(element: Element, name: str) -> dt.datetime | None:
    """An optional date-time attribute."""
    return datetime_attr(element, name) if opt_attr(element, name) is not None else None


def opt_date_attr(element: Element, name: str) -> dt.date | None:
    """An optional ``%date`` attribute: a date, or a date-time when one is given."""
    raw = opt_attr(element, name)
    if raw is None:
        return None
    try:
        return parse_date(raw)
    except ValueError:
        fail(element, f"{tag_name(element)} {name} is not a date: {raw[:40]!r}")


def enum_attr(element: Element, name: str, kind: type[E], default: E | None = None) -> E:
    """An attribute holding one of an Enum's values (exact spelling, then any case)."""
    raw = opt_attr(element, name)
    if raw is None:
        if default is None:
            fail(element, f"{tag_name(element)} lacks the required {name} attribute")
        return default
    exact = kind._value2member_map_.get(raw)
    if exact is not None:
        return exact  # type: ignore[return-value]
    members = list(kind)
    for member in members:
        if str(member.value).casefold() == raw.casefold():
            return member
    allowed = ", ".join(str(member.value) for member in members)
    fail(element, f"{tag_name(element)} {name}={raw[:40]!r} is not one of {allowed}")
