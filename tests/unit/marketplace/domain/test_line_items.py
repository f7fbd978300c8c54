"""Charges of configured offers, and the cart-line rule (UNSPSC, quantity, LineType)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.domain.catalog import Dimension, DimensionKind, Instalment, Offer, PricingModel
from marketplace.domain.charges import (
    DEFAULT_USAGE_BUDGET,
    SERVER_ANNUAL_PAYG_AMOUNT,
    Charge,
    ChargeKind,
    OfferChoice,
    charges_for,
    check_choice,
    default_choice,
)
from marketplace.domain.line_items import (
    UNSPSC_MATERIAL,
    UNSPSC_SERVICE,
    LineType,
    cart_lines,
    classify,
)

USERS = Dimension(
    key="users", name="Users", unit="user", price=Decimal("10.00"), kind=DimensionKind.CONTRACT
)
HOSTS = Dimension(
    key="hosts", name="Hosts", unit="host", price=Decimal("2.50"), kind=DimensionKind.CONTRACT
)
GB = Dimension(key="gb", name="GB", unit="GB", price=Decimal("0.10"), kind=DimensionKind.USAGE)


def offer(model: PricingModel, **fields: object) -> Offer:
    return Offer(id="of-1", product_id="prod-1", name="Standard", pricing_model=model, **fields)  # type: ignore[arg-type]


def lines_of(an_offer: Offer, choice: OfferChoice | None = None) -> list[tuple[str, int, Decimal]]:
    chosen = choice or default_choice(an_offer)
    assert check_choice(an_offer, chosen) == ()
    return [
        (line.line_type.value, line.quantity, line.unit_price)
        for line in cart_lines(charges_for(an_offer, chosen))
    ]


@pytest.mark.parametrize("model", [PricingModel.FREE, PricingModel.BYOL])
def test_free_and_byol_are_one_zero_dollar_service_line(model: PricingModel) -> None:
    assert lines_of(offer(model)) == [("Service", 1, Decimal("0.00"))]


def test_a_contract_is_one_service_line_at_its_whole_amount() -> None:
    contract = offer(PricingModel.SAAS_CONTRACT, dimensions=(USERS, HOSTS), durations=(12, 24))
    choice = OfferChoice(duration_months=24, quantities={"users": 5, "hosts": 2})

    # (10.00 x 5 + 2.50 x 2) x 24 months
    assert lines_of(contract, choice) == [("Service", 1, Decimal("1320.00"))]


def test_a_contract_that_also_meters_usage_is_one_material_line() -> None:
    contract = offer(PricingModel.SAAS_CONTRACT, dimensions=(USERS, GB), durations=(12,))
    choice = OfferChoice(12, {"users": 1}, Decimal("500.00"))

    # 120.00 upfront + 500.00 budget = 620.00 → 62,000 units at 0.01
    assert lines_of(contract, choice) == [("Material", 62000, Decimal("0.01"))]


def test_split_mode_gives_the_contract_a_service_line_and_usage_a_material_line() -> None:
    contract = offer(PricingModel.SAAS_CONTRACT, dimensions=(USERS, GB), durations=(12,))
    charges = charges_for(contract, OfferChoice(12, {"users": 1}, Decimal("500.00")))

    lines = cart_lines(charges, split=True)

    assert [(li.line_type, li.unspsc, li.quantity, li.unit_price) for li in lines] == [
        (LineType.SERVICE, UNSPSC_SERVICE, 1, Decimal("120.00")),
        (LineType.MATERIAL, UNSPSC_MATERIAL, 50000, Decimal("0.01")),
    ]


def test_pay_as_you_go_is_a_material_line_for_the_budget_estimate() -> None:
    subscription = offer(PricingModel.SAAS_SUBSCRIPTION, dimensions=(GB,))

    assert default_choice(subscription).usage_budget == DEFAULT_USAGE_BUDGET
    assert lines_of(subscription) == [("Material", 100000, Decimal("0.01"))]
    assert lines_of(subscription, OfferChoice(usage_budget=Decimal("1234.56"))) == [
        ("Material", 123456, Decimal("0.01"))
    ]


def test_a_flexible_payment_schedule_is_one_material_line_for_all_instalments() -> None:
    schedule = offer(
        PricingModel.FLEXIBLE_PAYMENT,
        dimensions=(USERS,),
        durations=(12,),
        instalments=(
            Instalment(month_offset=0, amount=Decimal("600.00")),
            Instalment(month_offset=6, amount=Decimal("634.56")),
        ),
    )

    charges = charges_for(schedule, default_choice(schedule))

    assert [c.kind for c in charges] == [ChargeKind.INSTALMENT, ChargeKind.INSTALMENT]
    assert [c.due_month for c in charges] == [0, 6]
    assert lines_of(schedule) == [("Material", 123456, Decimal("0.01"))]


def test_a_free_trial_is_a_zero_dollar_service_line_or_material_with_usage() -> None:
    trial = offer(PricingModel.FREE_TRIAL, trial_days=14)
    metered = offer(PricingModel.FREE_TRIAL, trial_days=14, dimensions=(GB,))

    assert lines_of(trial) == [("Service", 1, Decimal("0.00"))]
    assert lines_of(metered) == [("Material", 100000, Decimal("0.01"))]


def test_a_server_annual_offer_asks_for_10000_of_usage_first_then_the_annual_value() -> None:
    annual_dimension = Dimension(
        key="m5.large", name="m5.large", unit="year", price=Decimal("876.00"),
        kind=DimensionKind.CONTRACT,
    )  # fmt: skip
    hourly = Dimension(
        key="m5.large-hourly", name="m5.large", unit="hour", price=Decimal("0.10"),
        kind=DimensionKind.USAGE,
    )  # fmt: skip
    server = offer(PricingModel.SERVER_ANNUAL, dimensions=(hourly, annual_dimension))

    first = charges_for(server, default_choice(server))
    second = charges_for(server, OfferChoice(quantities={"m5.large": 3}, annual=True))

    assert first == (Charge(ChargeKind.USAGE, first[0].label, SERVER_ANNUAL_PAYG_AMOUNT),)
    assert lines_of(server) == [("Material", 1000000, Decimal("0.01"))]
    assert [line.line_type for line in cart_lines(second)] == [LineType.SERVICE]
    assert cart_lines(second)[0].unit_price == Decimal("2628.00")


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2))
def test_a_material_lines_quantity_times_its_unit_price_is_the_amount(amount: Decimal) -> None:
    (line,) = cart_lines([Charge(ChargeKind.USAGE, "usage", amount)])

    assert line.unit_price == Decimal("0.01")
    assert line.quantity == int(amount * 100)
    assert line.amount == amount


def test_one_charge_is_service_unless_it_is_usage() -> None:
    assert classify([Charge(ChargeKind.UPFRONT, "x", Decimal(0))]) is LineType.SERVICE
    assert classify([Charge(ChargeKind.INSTALMENT, "x", Decimal(5))]) is LineType.SERVICE
    assert classify([Charge(ChargeKind.USAGE, "x", Decimal(5))]) is LineType.MATERIAL
    two = [Charge(ChargeKind.UPFRONT, "x", Decimal(1)), Charge(ChargeKind.UPFRONT, "y", Decimal(1))]
    assert classify(two) is LineType.MATERIAL
    with pytest.raises(ValueError, match="at least one charge"):
        cart_lines([])


def test_every_default_choice_is_valid() -> None:
    for model in PricingModel:
        an_offer = offer(model, dimensions=(USERS, GB), durations=(12, 36), trial_days=7)
        assert check_choice(an_offer, default_choice(an_offer)) == (), model


def test_a_bad_choice_names_every_bad_field() -> None:
    contract = offer(PricingModel.SAAS_CONTRACT, dimensions=(USERS, GB), durations=(12,))
    choice = OfferChoice(
        duration_months=5,
        quantities={"users": -1, "nope": 1},
        usage_budget=Decimal("0.001"),
        annual=True,
    )

    fields = {problem.field for problem in check_choice(contract, choice)}

    assert fields == {
        "duration_months",
        "quantities.users",
        "quantities.nope",
        "usage_budget",
        "annual",
    }


def test_a_contract_needs_at_least_one_unit() -> None:
    contract = offer(PricingModel.SAAS_CONTRACT, dimensions=(USERS,), durations=(12,))

    (problem,) = check_choice(contract, OfferChoice(12, {"users": 0}))
    assert problem.field == "quantities"
