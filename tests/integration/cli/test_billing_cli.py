"""``marketplace billing run`` and ``marketplace seller key create`` against a real database:
the invoices due are made once, however often the run goes."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
import storage_builders as build
from billing_web import add_agreement
from cli_support import Invoke

from marketplace.domain.agreements import PaymentModel
from marketplace.domain.catalog import Dimension, DimensionKind
from marketplace.services import metering
from marketplace.storage.database import Database

pytestmark = pytest.mark.integration


def run_json(run: Invoke, *args: str) -> dict[str, Any]:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


@pytest.fixture
def organization(run: Invoke, cli_database: Database) -> dict[str, Any]:
    """Acme (its administrator it@acme.example) and the Rich product, with a usage dimension."""
    offer = build.offer(
        "prod-rich",
        id="offer-contract",
        dimensions=(
            Dimension(
                key="gb",
                name="Data ingested",
                unit="GB",
                price=Decimal("0.10"),
                kind=DimensionKind.USAGE,
            ),
        ),
    )
    with cli_database.unit_of_work() as uow:
        uow.catalog.add_sellers([build.seller()])
        uow.catalog.add_products([build.product("prod-rich", offers=(offer,))])
        uow.commit()
    return run_json(run, "org", "create", "--name", "Acme Corp", "--admin-email", "it@acme.example")


def test_a_second_billing_run_makes_nothing_new(
    run: Invoke, cli_database: Database, organization: dict[str, Any]
) -> None:
    add_agreement(cli_database, "it@acme.example", starts_on=dt.date(2026, 1, 15))
    metered = add_agreement(
        cli_database,
        "it@acme.example",
        payment_model=PaymentModel.PAY_AS_YOU_GO,
        starts_on=dt.date(2026, 1, 1),
    )
    usage = metering.UsageInput(
        id="r-1",
        agreement_id=metered.id,
        dimension="gb",
        quantity=Decimal(250),
        timestamp=dt.datetime(2026, 1, 20, 10, 0, tzinfo=dt.UTC),
    )
    (result,) = metering.report_usage(cli_database.unit_of_work(), "seller-1", [usage])
    assert result.status == "accepted"

    first = run_json(run, "billing", "run", "--as-of", "2026-02-15")
    second = run_json(run, "billing", "run", "--as-of", "2026-02-15")

    assert first["agreements"] == 2
    assert first["by_kind"] == {"upfront": 1, "instalment": 0, "usage": 1, "credit_memo": 0}
    assert first["cxml_queued"] == 0  # no Coupa connection with an invoice endpoint
    assert second["agreements"] == 2
    assert second["invoices"] == 0
    with cli_database.unit_of_work() as uow:
        invoices = uow.billing.list_invoices(organization["organization_id"])
    assert sorted((i.kind.value, i.total) for i in invoices) == [
        ("upfront", Decimal("14400.00")),
        ("usage", Decimal("25.00")),
    ]


def test_billing_run_prints_a_summary_and_progress(
    run: Invoke, cli_database: Database, organization: dict[str, Any]
) -> None:
    add_agreement(cli_database, "it@acme.example", starts_on=dt.date(2026, 1, 15))

    result = run("billing", "run", "--as-of", "2026-02-15")

    assert result.exit_code == 0, result.output
    assert "Billed 1 agreement up to 2026-02-15" in result.stdout
    assert result.stdout.splitlines()[0].endswith(": 1 new invoice.")
    assert "Billing agreements: 1/1 agreements" in result.stderr


def test_a_seller_key_created_on_the_command_line_authenticates_the_seller(
    run: Invoke, cli_database: Database, organization: dict[str, Any]
) -> None:
    created = run_json(run, "seller", "key", "create", "--seller", "seller-1")

    assert set(created) == {"key_id", "api_key", "seller_id"}
    assert str(created["api_key"]).startswith("sk_")
    assert metering.authenticate_seller(cli_database.unit_of_work(), created["api_key"]) == (
        "seller-1"
    )
    unknown = run("seller", "key", "create", "--seller", "seller-nobody")
    assert unknown.exit_code == 1
    assert unknown.stderr == "error: There is no seller seller-nobody.\n"
