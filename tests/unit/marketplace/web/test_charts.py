"""The server-drawn SVG chart of amounts by month and product: grouping, scale, drawing."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from marketplace.web.charts import (
    OTHERS,
    OTHERS_COLOUR,
    PALETTE,
    ChartEntry,
    MonthlyChart,
    month_label,
    monthly_amounts,
    nice_ticks,
    stacked_bar_svg,
    tick_labels,
)

SVG = "{http://www.w3.org/2000/svg}"


def entry(day: str, series: str, amount: str, currency: str = "USD") -> ChartEntry:
    return ChartEntry(dt.date.fromisoformat(day), series, currency, Decimal(amount))


def parse(svg: str) -> etree._Element:
    return etree.fromstring(svg.encode("utf-8"))


def segments(svg: str) -> list[tuple[str, float, float]]:
    """Each bar segment's tooltip, top and height."""
    root = parse(svg)
    return [
        (
            rect.findtext(f"{SVG}title") or "",
            float(rect.get("y", "")),
            float(rect.get("height", "")),
        )
        for rect in root.iter(f"{SVG}rect")
        if rect.find(f"{SVG}title") is not None
    ]


# -- grouping ---------------------------------------------------------------------------------


def test_amounts_are_summed_by_month_and_product_with_empty_months_kept() -> None:
    (chart,) = monthly_amounts(
        [
            entry("2026-01-05", "Alpha", "100"),
            entry("2026-01-20", "Alpha", "50"),
            entry("2026-01-09", "Beta", "300"),
            entry("2026-03-01", "Alpha", "10"),
        ]
    )

    assert chart.currency == "USD"
    assert chart.months == ("2026-01", "2026-02", "2026-03")
    assert chart.series == ("Beta", "Alpha")  # largest total first
    assert chart.amounts == (
        (Decimal(300), Decimal(150)),
        (Decimal(0), Decimal(0)),
        (Decimal(0), Decimal(10)),
    )
    assert chart.month_total(0) == Decimal(450)
    assert chart.series_total(1) == Decimal(160)
    assert chart.total == Decimal(460)


def test_beyond_the_top_five_products_the_rest_are_other_products() -> None:
    entries = [entry("2026-02-01", f"P{n}", str(n * 10)) for n in range(1, 9)]

    (chart,) = monthly_amounts(entries)

    assert chart.series == ("P8", "P7", "P6", "P5", "P4", OTHERS)
    assert chart.amounts[0][-1] == Decimal(10 + 20 + 30)


def test_exactly_five_products_need_no_others() -> None:
    entries = [entry("2026-02-01", f"P{n}", "1") for n in range(5)]

    (chart,) = monthly_amounts(entries)

    assert OTHERS not in chart.series
    assert len(chart.series) == 5


def test_each_currency_gets_its_own_chart() -> None:
    charts = monthly_amounts(
        [
            entry("2026-01-05", "Alpha", "100", "USD"),
            entry("2026-02-05", "Alpha", "90", "eur"),
        ]
    )

    assert [(c.currency, c.months, c.total) for c in charts] == [
        ("EUR", ("2026-02",), Decimal(90)),
        ("USD", ("2026-01",), Decimal(100)),
    ]


def test_only_the_latest_months_are_kept_and_the_rest_counted() -> None:
    entries = [entry(f"2025-{m:02d}-01", "Alpha", "1") for m in range(1, 13)]
    entries.append(entry("2026-03-15", "Alpha", "5"))

    (chart,) = monthly_amounts(entries, max_months=6)

    assert chart.months == ("2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03")
    assert chart.omitted_months == 9
    assert chart.total == Decimal(8)


def test_a_credit_memo_is_subtracted_from_its_product_and_month() -> None:
    (chart,) = monthly_amounts(
        [entry("2026-01-05", "Alpha", "1200"), entry("2026-01-25", "Alpha", "-400")]
    )

    assert chart.amounts == ((Decimal(800),),)


def test_no_entries_make_no_chart() -> None:
    assert monthly_amounts([]) == ()


# -- scale ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        ("0", "98765", ["0", "20000", "40000", "60000", "80000", "100000"]),
        ("0", "14400", ["0", "5000", "10000", "15000"]),
        ("0", "12000", ["0", "2500", "5000", "7500", "10000", "12500"]),
        ("-400", "1000", ["-500", "0", "500", "1000"]),
        ("0", "0.37", ["0", "0.1", "0.2", "0.3", "0.4"]),
        ("0", "0", ["0", "0.2", "0.4", "0.6", "0.8", "1"]),
    ],
)
def test_ticks_are_round_and_cover_the_data_and_zero(
    low: str, high: str, expected: list[str]
) -> None:
    ticks = nice_ticks(Decimal(low), Decimal(high))

    assert ticks == tuple(Decimal(e) for e in expected)


@given(
    st.decimals(min_value=-(10**9), max_value=0, places=2),
    st.decimals(min_value=0, max_value=10**9, places=2),
)
def test_ticks_always_cover_the_range_in_equal_round_steps(low: Decimal, high: Decimal) -> None:
    ticks = nice_ticks(low, high)

    assert ticks[0] <= low
    assert ticks[-1] >= high
    assert Decimal(0) in ticks
    steps = {b - a for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1
    (step,) = steps
    assert step.normalize().as_tuple().digits in {(1,), (2,), (2, 5), (5,)}
    assert 2 <= len(ticks) <= 12


@pytest.mark.parametrize(
    ("ticks", "labels"),
    [
        (["0", "0.5", "1"], ["0", "0.5", "1"]),
        (["0", "2500", "5000", "7500"], ["0", "2,500", "5,000", "7,500"]),
        (["0", "5000", "10000", "15000"], ["0", "5k", "10k", "15k"]),
        (["-20000", "0", "20000"], ["-20k", "0", "20k"]),
        (["0", "1250000", "2500000"], ["0", "1.25M", "2.5M"]),
        (["0", "3000000000"], ["0", "3B"]),
    ],
)
def test_tick_labels_are_short_and_in_one_unit(ticks: list[str], labels: list[str]) -> None:
    assert tick_labels([Decimal(t) for t in ticks]) == tuple(labels)


def test_month_labels_name_the_month_and_year() -> None:
    assert month_label("2026-03") == "Mar 2026"
    assert month_label("2025-12") == "Dec 2025"


# -- drawing ----------------------------------------------------------------------------------


@pytest.fixture
def chart() -> MonthlyChart:
    (made,) = monthly_amounts(
        [
            entry("2025-12-03", "Observability <Suite>", "14400"),
            entry("2026-01-03", "Observability <Suite>", "1200"),
            entry("2026-01-03", "Data Lake", "600"),
            entry("2026-01-20", "Data Lake", "-900"),
        ]
    )
    return made


def test_the_svg_is_well_formed_and_named_for_assistive_technology(chart: MonthlyChart) -> None:
    svg = stacked_bar_svg(chart, chart_id="chart-usd", title="Invoiced by month")

    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-usd-title chart-usd-desc"
    assert root.findtext(f"{SVG}title") == "Invoiced by month"
    description = root.findtext(f"{SVG}desc") or ""
    assert "from Dec 2025 to Jan 2026" in description
    assert "Observability <Suite>, Data Lake" in description
    assert "table below" in description


def test_every_text_is_escaped(chart: MonthlyChart) -> None:
    svg = stacked_bar_svg(chart, chart_id="c", title="<b>Amounts</b>")

    assert "<Suite>" not in svg
    assert "&lt;Suite&gt;" in svg
    assert "<b>" not in svg


def test_the_svg_uses_no_script_and_no_style(chart: MonthlyChart) -> None:
    svg = stacked_bar_svg(chart, chart_id="c", title="t")

    assert "<script" not in svg
    assert "style=" not in svg
    assert "<style" not in svg
    assert "on" not in {
        attribute[:2] for element in parse(svg).iter() for attribute in element.attrib
    }


def test_each_segment_has_its_amount_and_a_height_in_proportion(chart: MonthlyChart) -> None:
    found = segments(stacked_bar_svg(chart, chart_id="c", title="t"))

    tooltips = [tooltip for tooltip, _, _ in found]
    assert tooltips == [
        "Observability <Suite>, Dec 2025: $14,400.00",
        "Observability <Suite>, Jan 2026: $1,200.00",
        "Data Lake, Jan 2026: -$300.00",
    ]
    heights = {tooltip.partition(",")[2]: height for tooltip, _, height in found}
    assert heights[" Dec 2025: $14,400.00"] == pytest.approx(
        12 * heights[" Jan 2026: $1,200.00"], rel=0.02
    )


def test_a_negative_segment_hangs_below_the_zero_line(chart: MonthlyChart) -> None:
    svg = stacked_bar_svg(chart, chart_id="c", title="t")
    (_, credit_top, _) = next(s for s in segments(svg) if "Data Lake" in s[0])
    (_, positive_top, positive_height) = next(
        s for s in segments(svg) if "Jan 2026: $1,200" in s[0]
    )

    assert credit_top == pytest.approx(positive_top + positive_height, abs=0.2)


def test_axes_and_legend_are_labelled(chart: MonthlyChart) -> None:
    root = parse(stacked_bar_svg(chart, chart_id="c", title="t"))

    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "Amount invoiced (USD)" in texts
    assert "Month" in texts
    assert {"Dec", "Jan", "2025", "2026"} <= set(texts)
    assert {"Observability <Suite>", "Data Lake"} <= set(texts)
    assert "15k" in texts


def test_colours_follow_the_palette_and_others_are_grey() -> None:
    entries = [entry("2026-02-01", f"P{n}", str(n)) for n in range(1, 8)]
    (chart,) = monthly_amounts(entries)

    svg = stacked_bar_svg(chart, chart_id="c", title="t")

    fills = re.findall(r'<rect [^>]*fill="(#[0-9a-f]{6})"[^>]*><title>', svg)
    assert fills == [*PALETTE, OTHERS_COLOUR]


def test_long_product_names_are_shortened_in_the_legend_only() -> None:
    name = "An Extremely Long Product Name For Enterprise Observability"
    (chart,) = monthly_amounts([entry("2026-02-01", name, "5")])

    svg = stacked_bar_svg(chart, chart_id="c", title="t")

    root = parse(svg)
    legend_texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert any(text.endswith("…") and len(text) <= 30 for text in legend_texts)
    assert f"<title>{name}</title>" in svg


def test_chart_ids_are_made_safe_for_attributes(chart: MonthlyChart) -> None:
    svg = stacked_bar_svg(chart, chart_id='x" onload="alert(1)', title="t")

    assert parse(svg).get("aria-labelledby") == "x--onload--alert-1--title x--onload--alert-1--desc"
