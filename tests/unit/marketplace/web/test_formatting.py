from decimal import Decimal

import pytest
import storage_builders as build
from hypothesis import given
from hypothesis import strategies as st

from marketplace.domain.catalog import Dimension, DimensionKind, Instalment, PricingModel
from marketplace.web.formatting import (
    format_count,
    format_durations,
    format_instalment_due,
    format_money,
    format_trial,
    offer_summary,
    unit_phrase,
    unit_price,
)


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        ("1200", "USD", "$1,200.00"),
        ("1200.5", "USD", "$1,200.50"),
        ("0.10", "USD", "$0.10"),
        ("0.0035", "USD", "$0.0035"),
        ("1234567.891", "EUR", "€1,234,567.891"),
        ("99", "GBP", "£99.00"),
        ("15", "CHF", "15.00 CHF"),
        ("-5", "USD", "-$5.00"),
        ("0", "USD", "$0.00"),
        ("12.5000", "USD", "$12.50"),
    ],
)
def test_money_reads_as_a_buyer_expects(amount: str, currency: str, shown: str) -> None:
    assert format_money(Decimal(amount), currency) == shown


@given(st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False))
def test_money_never_loses_a_cent(amount: Decimal) -> None:
    shown = format_money(amount, "USD")

    assert Decimal(shown.removeprefix("$").replace(",", "")) == amount


def test_contract_dimension_is_priced_per_unit_per_month() -> None:
    seats = Dimension(
        key="users", name="Users", unit="user", price=Decimal("1200"), kind=DimensionKind.CONTRACT
    )

    assert unit_price(seats, "USD") == "$1,200.00 per user / month"


def test_usage_dimension_is_priced_per_unit() -> None:
    data = Dimension(
        key="gb", name="Data", unit="GB", price=Decimal("0.10"), kind=DimensionKind.USAGE
    )

    assert unit_price(data, "USD") == "$0.10 per GB"


def test_durations_read_as_a_list() -> None:
    assert format_durations((12, 1, 36, 24)) == "1 month, 12 months, 24 months or 36 months"
    assert format_durations((12,)) == "12 months"
    assert format_durations(()) == ""


def test_instalments_say_when_they_are_due() -> None:
    assert format_instalment_due(Instalment(month_offset=0, amount=Decimal(1))) == (
        "At the start of the agreement"
    )
    assert format_instalment_due(Instalment(month_offset=1, amount=Decimal(1))) == (
        "1 month after the start"
    )
    assert format_instalment_due(Instalment(month_offset=12, amount=Decimal(1))) == (
        "12 months after the start"
    )


def test_trial_and_counts_read_naturally() -> None:
    assert format_trial(30) == "30-day free trial"
    assert format_count(1, "result") == "1 result"
    assert format_count(1234, "result") == "1,234 results"
    assert format_count(2, "policy", "policies") == "2 policies"


def test_offer_summary_names_the_lowest_price_or_the_schedule() -> None:
    contract = build.offer()
    free = build.offer(pricing_model=PricingModel.FREE, dimensions=())
    byol = build.offer(pricing_model=PricingModel.BYOL, dimensions=())
    schedule = build.offer(
        pricing_model=PricingModel.FLEXIBLE_PAYMENT,
        instalments=(
            Instalment(month_offset=0, amount=Decimal("1000")),
            Instalment(month_offset=12, amount=Decimal("500.50")),
        ),
    )

    assert offer_summary(contract) == "From $0.000123456789"
    assert offer_summary(free) == "Free"
    assert offer_summary(byol) == "Bring your own license"
    assert offer_summary(schedule) == "$1,500.50 in 2 instalments"


@pytest.mark.parametrize(
    ("unit", "phrase"),
    [
        ("Users", "user"),
        ("Repositories", "repository"),
        ("vCPUs", "vCPU"),
        ("TB", "TB"),
        ("GB-month", "GB-month"),
        ("Instance-years", "instance-year"),
        ("1,000 requests", "1,000 requests"),
        ("$10,000 of spend", "$10,000 of spend"),
        ("Million tokens", "million tokens"),
        ("seat", "seat"),
        ("Status", "status"),
    ],
)
def test_units_read_naturally_after_per(unit: str, phrase: str) -> None:
    assert unit_phrase(unit) == phrase


@pytest.mark.parametrize(
    ("unit", "kind", "shown"),
    [
        ("Users", DimensionKind.CONTRACT, "$10.00 per user / month"),
        ("Days", DimensionKind.CONTRACT, "$10.00 per day"),
        ("Instance-years", DimensionKind.CONTRACT, "$10.00 per instance-year"),
        ("Hours", DimensionKind.USAGE, "$10.00 per hour"),
        ("1,000 requests", DimensionKind.USAGE, "$10.00 per 1,000 requests"),
    ],
)
def test_a_unit_of_time_is_not_also_per_month(unit: str, kind: DimensionKind, shown: str) -> None:
    dimension = Dimension(key="k", name="K", unit=unit, price=Decimal(10), kind=kind)

    assert unit_price(dimension, "USD") == shown
