"""Date-times: read leniently (what buyers really send), written strictly (ISO 8601 + offset)."""

from __future__ import annotations

import datetime as dt

import pytest

import cxml
from cxml.timestamps import format_date, format_datetime, parse_date, parse_datetime

UTC = dt.UTC


def _offset(hours: int, minutes: int = 0) -> dt.timezone:
    sign = -1 if hours < 0 else 1
    return dt.timezone(dt.timedelta(hours=hours, minutes=sign * minutes))


@pytest.mark.parametrize(
    ("text", "instant", "offset"),
    [
        # ISO 8601 with an offset, as the DTD wants.
        ("2025-03-18T10:00:00-08:00", dt.datetime(2025, 3, 18, 18, tzinfo=UTC), -8 * 60),
        ("2025-03-18T10:00:00+05:30", dt.datetime(2025, 3, 18, 4, 30, tzinfo=UTC), 330),
        # The Z designator (Coupa's annotated sample), either case.
        ("2025-03-18T15:40:17Z", dt.datetime(2025, 3, 18, 15, 40, 17, tzinfo=UTC), 0),
        ("2025-03-18T15:40:17z", dt.datetime(2025, 3, 18, 15, 40, 17, tzinfo=UTC), 0),
        # No offset at all is read as UTC.
        ("2025-03-18T10:00:00", dt.datetime(2025, 3, 18, 10, tzinfo=UTC), 0),
        ("2025-03-18T10:00", dt.datetime(2025, 3, 18, 10, tzinfo=UTC), 0),
        # Compact offsets.
        ("2025-03-18T10:00:00+0100", dt.datetime(2025, 3, 18, 9, tzinfo=UTC), 60),
        ("2025-03-18T10:00:00-0530", dt.datetime(2025, 3, 18, 15, 30, tzinfo=UTC), -330),
        # RFC 2822.
        ("Tue, 18 Mar 2025 22:05:30 -0700", dt.datetime(2025, 3, 19, 5, 5, 30, tzinfo=UTC), -420),
        ("Tue, 18 Mar 2025 22:05:30 GMT", dt.datetime(2025, 3, 18, 22, 5, 30, tzinfo=UTC), 0),
        # Ruby's Time#to_s, found in a real Coupa request.
        ("Mon May 19 18:29:48 +0000 2008", dt.datetime(2008, 5, 19, 18, 29, 48, tzinfo=UTC), 0),
        ("Tue Mar 18 22:05:31 -0700 2025", dt.datetime(2025, 3, 19, 5, 5, 31, tzinfo=UTC), -420),
        # A space instead of the T.
        ("2025-03-18 10:00:00 +0100", dt.datetime(2025, 3, 18, 9, tzinfo=UTC), 60),
        # Surrounding whitespace.
        ("  2025-03-18T10:00:00Z\n", dt.datetime(2025, 3, 18, 10, tzinfo=UTC), 0),
    ],
)
def test_date_times_are_read_as_the_right_instant_with_their_offset(
    text: str, instant: dt.datetime, offset: int
) -> None:
    parsed = parse_datetime(text)
    assert parsed == instant
    assert parsed.utcoffset() == dt.timedelta(minutes=offset)


def test_the_parse_function_is_exported_at_the_top_level() -> None:
    assert cxml.parse_datetime("2025-03-18T10:00:00Z") == dt.datetime(2025, 3, 18, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "microsecond"),
    [
        ("2025-03-18T10:00:00.1234567891+01:00", 123456),
        ("2025-03-18T10:00:00.123456789Z", 123456),
        ("2025-03-18T10:00:00.9999999-0800", 999999),
        ("2025-03-18T10:00:00.5Z", 500000),
        ("2025-03-18T10:00:00.123+0100", 123000),
    ],
)
def test_fractional_seconds_of_any_length_are_read(text: str, microsecond: int) -> None:
    parsed = parse_datetime(text)
    assert parsed.microsecond == microsecond
    assert parsed.second == 0
    assert parsed.utcoffset() is not None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "garbage",
        "yesterday",
        "12345",
        "2025-13-40T00:00:00Z",
        "2025-03-18T25:00:00Z",
        "Mon Foo 99 18:29:48 +0000 2008",
        "Tue, 45 Mar 2025 22:05:30 -0700",
    ],
)
def test_text_that_is_no_date_time_raises_value_error(text: str) -> None:
    with pytest.raises(ValueError, match=r"date-time"):
        parse_datetime(text)


def test_writing_refuses_a_naive_date_time() -> None:
    with pytest.raises(ValueError, match="time zone"):
        format_datetime(dt.datetime(2025, 3, 18, 10, 0))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (dt.datetime(2025, 3, 18, 10, 0, tzinfo=UTC), "2025-03-18T10:00:00+00:00"),
        (dt.datetime(2025, 3, 18, 10, 0, tzinfo=_offset(-8)), "2025-03-18T10:00:00-08:00"),
        (dt.datetime(2025, 3, 18, 10, 0, 5, tzinfo=_offset(5, 30)), "2025-03-18T10:00:05+05:30"),
        (
            dt.datetime(2025, 3, 18, 10, 0, 0, 250000, tzinfo=UTC),
            "2025-03-18T10:00:00.250000+00:00",
        ),
    ],
)
def test_date_times_are_written_in_iso_8601_with_a_numeric_offset(
    value: dt.datetime, text: str
) -> None:
    assert format_datetime(value) == text
    assert "Z" not in format_datetime(value)
    assert parse_datetime(format_datetime(value)) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-04-01", dt.date(2025, 4, 1)),
        (" 2025-04-01 ", dt.date(2025, 4, 1)),
        ("2025-04-01T00:00:00+02:00", dt.datetime(2025, 3, 31, 22, tzinfo=UTC)),
        ("2025-04-01T09:30:00Z", dt.datetime(2025, 4, 1, 9, 30, tzinfo=UTC)),
    ],
)
def test_date_values_are_a_date_or_a_date_time_when_one_is_given(
    text: str, expected: dt.date
) -> None:
    parsed = parse_date(text)
    assert parsed == expected
    assert type(parsed) is type(expected)


def test_date_values_are_written_plain_or_with_an_offset() -> None:
    assert format_date(dt.date(2025, 4, 1)) == "2025-04-01"
    stamp = dt.datetime(2025, 4, 1, 9, 30, tzinfo=_offset(2))
    assert format_date(stamp) == "2025-04-01T09:30:00+02:00"
    with pytest.raises(ValueError, match="time zone"):
        format_date(dt.datetime(2025, 4, 1, 9, 30))


def test_a_date_that_is_not_a_date_raises_value_error() -> None:
    with pytest.raises(ValueError, match="date"):
        parse_date("first of April")


def test_now_is_timezone_aware_and_whole_seconds() -> None:
    current = cxml.now()
    assert current.utcoffset() is not None
    assert current.microsecond == 0
    assert abs(dt.datetime.now(UTC) - current) < dt.timedelta(minutes=1)
    assert parse_datetime(format_datetime(current)) == current
