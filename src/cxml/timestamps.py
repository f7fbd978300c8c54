"""cXML date-times: emitted strictly (ISO 8601 with a numeric offset), read leniently.

The DTD asks for a time zone on every ``%datetime.tz`` value and the User's Guide forbids the
``Z`` designator, yet real buyers send ``Z``, no offset at all, and even Ruby's
``Mon May 19 18:29:48 +0000 2008``. Reading accepts all of those (no offset = UTC).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import re

__all__ = ["format_date", "format_datetime", "now", "parse_date", "parse_datetime"]

_UTC = dt.UTC
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FRACTION = re.compile(r"(\.\d{1,6})\d*")
_COMPACT_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")
_LOOSE_FORMATS = (
    "%a %b %d %H:%M:%S %z %Y",  # Ruby Time#to_s, seen in a real Coupa request
    "%Y-%m-%d %H:%M:%S %z",
    "%Y-%m-%d %H:%M:%S%z",
    "%Y/%m/%d %H:%M:%S %z",
)


def now() -> dt.datetime:
    """The current time, timezone-aware, to the second."""
    return dt.datetime.now(_UTC).astimezone().replace(microsecond=0)


@functools.lru_cache(maxsize=1024)
def parse_datetime(text: str) -> dt.datetime:
    """Read a cXML date-time leniently; raise ValueError when nothing fits.

    Results are cached: an order repeats the same dates on every line.
    """
    value = text.strip()
    if not value:
        raise ValueError("empty date-time")
    parsed = _parse_iso(value) or _parse_loose(value)
    if parsed is None:
        raise ValueError(f"not a date-time: {value[:40]!r}")
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=_UTC)


@functools.lru_cache(maxsize=1024)
def parse_date(text: str) -> dt.date:
    """Read a ``%date`` value: a plain date, or a date-time when one is given."""
    value = text.strip()
    if _ISO_DATE.match(value):
        return dt.date.fromisoformat(value)
    return parse_datetime(value)


def format_datetime(value: dt.datetime) -> str:
    """ISO 8601 with a numeric offset (never ``Z``); refuses naive date-times."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"date-time {value.isoformat()} has no time zone (cXML requires one)")
    return value.isoformat()


def format_date(value: dt.date) -> str:
    """A ``%date`` value: ``YYYY-MM-DD``, or a full date-time when one is given."""
    if isinstance(value, dt.datetime):
        return format_datetime(value)
    return value.isoformat()


def _parse_iso(value: str) -> dt.datetime | None:
    candidate = value[:-1] + "+00:00" if value[-1:] in ("Z", "z") else value
    candidate = _FRACTION.sub(r"\1", candidate, count=1)
    candidate = _COMPACT_OFFSET.sub(r"\1:\2", candidate) if "T" in candidate else candidate
    try:
        return dt.datetime.fromisoformat(candidate)
    except (ValueError, OverflowError):
        return None


def _parse_loose(value: str) -> dt.datetime | None:
    for pattern in _LOOSE_FORMATS:
        try:
            return dt.datetime.strptime(value, pattern)
        except (ValueError, OverflowError):
            continue
    try:
        return email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
