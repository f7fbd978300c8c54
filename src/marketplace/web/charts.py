"""Charts drawn by the server as inline SVG: pure functions, no I/O, no JavaScript.

The invoices page shows amounts invoiced **by month and by product** as stacked bars:

1. :func:`monthly_amounts` sums :class:`ChartEntry` values into one :class:`MonthlyChart` per
   currency (amounts in different currencies never share an axis): consecutive months (at
   most ``max_months``, the latest), and the ``top`` series with the largest totals, the
   rest summed as "Other products".
2. :func:`nice_ticks` picks round axis values (steps of 1, 2, 2.5 or 5 times a power of ten)
   that cover the data and zero; :func:`tick_labels` writes them short, in one unit (``5k``).
3. :func:`stacked_bar_svg` draws the chart: a bar per month, a colour per series (positive
   amounts stacked up from zero, credit memos' negative ones down from it), gridlines, axis
   labels and a legend. The ``<svg>`` is ``role="img"`` named by its ``<title>`` and
   ``<desc>``; every segment has a ``<title>`` (a tooltip) with its exact amount. The page
   puts the same numbers in a table beneath, for screen readers and for reading exactly.

Only SVG presentation attributes are used (no ``style``): the site's Content-Security-Policy
allows no inline styles. The colours (first five) are distinguishable for the common colour
blindnesses and have at least 3:1 contrast on white (WCAG 1.4.11); "Other products" is grey.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from markupsafe import Markup, escape

from marketplace.web.formatting import format_money

__all__ = [
    "OTHERS",
    "PALETTE",
    "ChartEntry",
    "MonthlyChart",
    "describe",
    "month_label",
    "monthly_amounts",
    "nice_ticks",
    "series_colour",
    "stacked_bar_svg",
    "tick_labels",
]

OTHERS = "Other products"
PALETTE = ("#0b57d0", "#c25400", "#1e7e34", "#8e24aa", "#00796b")
OTHERS_COLOUR = "#6b7280"
_TEXT = "#1b1f24"
_MUTED = "#4d5661"
_GRID = "#dde1e6"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))
_ZERO = Decimal(0)
_ABBREVIATIONS = (
    (Decimal(10**9), Decimal(10**9), "B"),
    (Decimal(10**6), Decimal(10**6), "M"),
    (Decimal(10**3), Decimal(10**4), "k"),
)


@dataclass(frozen=True, slots=True)
class ChartEntry:
    """An amount (negative for a credit) of one series (a product), on a day, in a currency."""

    day: dt.date
    series: str
    currency: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class MonthlyChart:
    """Amounts in one currency by month (``"2026-03"``, oldest first, consecutive) and
    series (largest total first, :data:`OTHERS` last): ``amounts[month][series]``."""

    currency: str
    months: tuple[str, ...]
    series: tuple[str, ...]
    amounts: tuple[tuple[Decimal, ...], ...]
    omitted_months: int = 0  # earlier months with amounts, left out of the chart

    def month_total(self, index: int) -> Decimal:
        """The net amount of one month."""
        return sum(self.amounts[index], _ZERO)

    def series_total(self, index: int) -> Decimal:
        """The net amount of one series over the months shown."""
        return sum((row[index] for row in self.amounts), _ZERO)

    @property
    def total(self) -> Decimal:
        """The net amount of the whole chart."""
        return sum((self.month_total(i) for i in range(len(self.months))), _ZERO)


def month_label(month: str) -> str:
    """``"2026-03"`` → ``"Mar 2026"``."""
    return f"{_MONTHS[int(month[5:7]) - 1]} {month[:4]}"


def _month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _month_range(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while (key := f"{year:04d}-{month:02d}") <= last:
        months.append(key)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def monthly_amounts(
    entries: Iterable[ChartEntry], *, top: int = 5, max_months: int = 12
) -> tuple[MonthlyChart, ...]:
    """One chart per currency (by code): see the module docstring."""
    by_currency: dict[str, list[ChartEntry]] = {}
    for entry in entries:
        by_currency.setdefault(entry.currency.upper(), []).append(entry)
    return tuple(
        _chart(currency, by_currency[currency], top, max_months) for currency in sorted(by_currency)
    )


def _chart(currency: str, entries: list[ChartEntry], top: int, max_months: int) -> MonthlyChart:
    all_months = _month_range(
        min(_month_key(e.day) for e in entries), max(_month_key(e.day) for e in entries)
    )
    months = all_months[-max_months:]
    shown = [e for e in entries if _month_key(e.day) >= months[0]]
    omitted = len({_month_key(e.day) for e in entries} - set(months))
    totals: dict[str, Decimal] = {}
    for entry in shown:
        totals[entry.series] = totals.get(entry.series, _ZERO) + entry.amount
    ranked = sorted(totals, key=lambda name: (-abs(totals[name]), name))
    named = ranked if len(ranked) <= top else ranked[:top]
    series = (*named, OTHERS) if len(ranked) > len(named) else tuple(named)
    column = {name: series.index(name) if name in named else len(series) - 1 for name in ranked}
    index = {month: i for i, month in enumerate(months)}
    grid = [[_ZERO] * len(series) for _ in months]
    for entry in shown:
        grid[index[_month_key(entry.day)]][column[entry.series]] += entry.amount
    return MonthlyChart(
        currency=currency,
        months=tuple(months),
        series=series,
        amounts=tuple(tuple(row) for row in grid),
        omitted_months=omitted,
    )


def nice_ticks(low: Decimal, high: Decimal, target: int = 5) -> tuple[Decimal, ...]:
    """Round values from at most ``low`` (or 0) to at least ``high`` (or 0), about ``target``
    steps apart, each step 1, 2, 2.5 or 5 times a power of ten."""
    low, high = min(low, _ZERO), max(high, _ZERO)
    if low == high:
        high = Decimal(1)
    raw = (high - low) / max(target, 1)
    magnitude = Decimal(1).scaleb(raw.adjusted())
    step = next(s * magnitude for s in _STEPS if s * magnitude >= raw)
    start = (low / step).to_integral_value(ROUND_FLOOR)
    end = (high / step).to_integral_value(ROUND_CEILING)
    return tuple((start + i) * step for i in range(int(end - start) + 1))


def tick_labels(ticks: Sequence[Decimal]) -> tuple[str, ...]:
    """Short axis labels in one unit, chosen by the largest: ``(0, 5000, 10000)`` →
    ``("0", "5k", "10k")``; ``(0, 2500, 5000, 7500)`` → ``("0", "2,500", "5,000", "7,500")``
    (below 10,000 thousands are spelled out); millions ``M``, billions ``B``."""
    largest = max((abs(t) for t in ticks), default=_ZERO)
    for divisor, threshold, suffix in _ABBREVIATIONS:
        if largest >= threshold:
            return tuple(f"{_plain(t / divisor)}{suffix}" if t else "0" for t in ticks)
    return tuple(_plain(t) for t in ticks)


def _plain(value: Decimal) -> str:
    text = f"{value.normalize():,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def series_colour(chart: MonthlyChart, index: int) -> str:
    """The colour of series ``index`` (grey for :data:`OTHERS`)."""
    if chart.series[index] == OTHERS:
        return OTHERS_COLOUR
    return PALETTE[index % len(PALETTE)]


@dataclass(frozen=True, slots=True)
class _Frame:
    """Where the plot sits in the drawing, and how amounts map to heights."""

    left: float
    top: float
    width: float
    height: float
    low: Decimal
    high: Decimal

    def y(self, value: Decimal) -> float:
        share = float((value - self.low) / (self.high - self.low))
        return self.top + self.height * (1 - share)


_WIDTH = 760
_PLOT_HEIGHT = 240
_LEFT = 76
_RIGHT = 16
_TOP = 16
_LEGEND_COLUMNS = 3
_LEGEND_ROW = 22
_LABEL_CHARS = 30


def stacked_bar_svg(chart: MonthlyChart, *, chart_id: str, title: str) -> Markup:
    """The chart as an inline ``<svg>`` (see the module docstring); ``chart_id`` prefixes its
    element ids, so that several charts can share a page."""
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", chart_id)
    ticks = nice_ticks(*_extent(chart))
    frame = _Frame(_LEFT, _TOP, _WIDTH - _LEFT - _RIGHT, _PLOT_HEIGHT, ticks[0], ticks[-1])
    legend_rows = -(-len(chart.series) // _LEGEND_COLUMNS)
    legend_top = frame.top + frame.height + 64
    height = int(legend_top + legend_rows * _LEGEND_ROW + 8)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="{prefix}-title {prefix}-desc" '
        f'class="chart" font-size="12" fill="{_TEXT}">',
        f'<title id="{prefix}-title">{escape(title)}</title>',
        f'<desc id="{prefix}-desc">{escape(describe(chart))}</desc>',
        *_grid(frame, ticks),
        *_bars(chart, frame),
        *_axes(chart, frame),
        *_legend(chart, legend_top),
        "</svg>",
    ]
    return Markup("\n".join(parts))


def describe(chart: MonthlyChart) -> str:
    """A sentence or two saying what the chart shows, for its ``<desc>``."""
    if not chart.months:
        return "No amounts."
    first, last = month_label(chart.months[0]), month_label(chart.months[-1])
    busiest = max(range(len(chart.months)), key=chart.month_total)
    return (
        f"Stacked bars of the amounts invoiced in {chart.currency} each month from {first} "
        f"to {last}, one colour per product: {', '.join(chart.series)}. The largest month is "
        f"{month_label(chart.months[busiest])} with "
        f"{format_money(chart.month_total(busiest), chart.currency)}; "
        f"{format_money(chart.total, chart.currency)} in all. "
        "The table below the chart gives every amount."
    )


def _extent(chart: MonthlyChart) -> tuple[Decimal, Decimal]:
    """The lowest and highest ends of the stacks (negatives stack down from zero)."""
    low = high = _ZERO
    for row in chart.amounts:
        high = max(high, sum((a for a in row if a > 0), _ZERO))
        low = min(low, sum((a for a in row if a < 0), _ZERO))
    return low, high


def _n(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _grid(frame: _Frame, ticks: Sequence[Decimal]) -> list[str]:
    right = frame.left + frame.width
    parts = ['<g aria-hidden="true">']
    for tick, label in zip(ticks, tick_labels(ticks), strict=True):
        y = _n(frame.y(tick))
        colour = _MUTED if tick == 0 else _GRID
        parts.append(
            f'<line x1="{_n(frame.left)}" x2="{_n(right)}" y1="{y}" y2="{y}" stroke="{colour}"/>'
        )
        parts.append(
            f'<text x="{_n(frame.left - 8)}" y="{y}" text-anchor="end" '
            f'dominant-baseline="middle" fill="{_MUTED}">{escape(label)}</text>'
        )
    parts.append("</g>")
    return parts


def _bars(chart: MonthlyChart, frame: _Frame) -> list[str]:
    slot = frame.width / max(len(chart.months), 1)
    bar = min(slot * 0.6, 56.0)
    parts = ["<g>"]
    for m, month in enumerate(chart.months):
        x = frame.left + m * slot + (slot - bar) / 2
        up = down = _ZERO
        for s, amount in enumerate(chart.amounts[m]):
            if amount == 0:
                continue
            start = up if amount > 0 else down
            end = start + amount
            if amount > 0:
                up = end
            else:
                down = end
            top, bottom = frame.y(max(start, end)), frame.y(min(start, end))
            label = (
                f"{chart.series[s]}, {month_label(month)}: {format_money(amount, chart.currency)}"
            )
            parts.append(
                f'<rect x="{_n(x)}" y="{_n(top)}" width="{_n(bar)}" '
                f'height="{_n(max(bottom - top, 0.5))}" fill="{series_colour(chart, s)}" '
                f'stroke="#ffffff" stroke-width="1"><title>{escape(label)}</title></rect>'
            )
    parts.append("</g>")
    return parts


def _axes(chart: MonthlyChart, frame: _Frame) -> list[str]:
    slot = frame.width / max(len(chart.months), 1)
    bottom = frame.top + frame.height
    parts = ['<g aria-hidden="true">']
    for m, month in enumerate(chart.months):
        x = _n(frame.left + m * slot + slot / 2)
        name = _MONTHS[int(month[5:7]) - 1]
        parts.append(f'<text x="{x}" y="{_n(bottom + 18)}" text-anchor="middle">{name}</text>')
        if m == 0 or month.endswith("-01"):
            parts.append(
                f'<text x="{x}" y="{_n(bottom + 33)}" text-anchor="middle" '
                f'fill="{_MUTED}">{month[:4]}</text>'
            )
    middle = _n(frame.top + frame.height / 2)
    parts.append(
        f'<text x="14" y="{middle}" text-anchor="middle" '
        f'transform="rotate(-90 14 {middle})">Amount invoiced ({escape(chart.currency)})</text>'
    )
    parts.append(
        f'<text x="{_n(frame.left + frame.width / 2)}" y="{_n(bottom + 52)}" '
        'text-anchor="middle">Month</text>'
    )
    parts.append("</g>")
    return parts


def _legend(chart: MonthlyChart, top: float) -> list[str]:
    column = (_WIDTH - _LEFT - _RIGHT) / _LEGEND_COLUMNS
    parts = ['<g aria-hidden="true">']
    for s, name in enumerate(chart.series):
        x = _LEFT + (s % _LEGEND_COLUMNS) * column
        y = top + (s // _LEGEND_COLUMNS) * _LEGEND_ROW
        shown = name if len(name) <= _LABEL_CHARS else name[: _LABEL_CHARS - 1] + "…"
        parts.append(
            f"<g><title>{escape(name)}</title>"
            f'<rect x="{_n(x)}" y="{_n(y)}" width="12" height="12" '
            f'fill="{series_colour(chart, s)}"/>'
            f'<text x="{_n(x + 18)}" y="{_n(y + 10)}">{escape(shown)}</text></g>'
        )
    parts.append("</g>")
    return parts
