"""``marketplace billing run`` and ``marketplace seller key create``, with the services faked."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from cli_support import FakeStorage, Invoke

from marketplace.domain.billing import InvoiceKind, SellerKey
from marketplace.domain.errors import NotFoundError
from marketplace.services.billing import BillingReport

KEY = "sk_abcdefabcdef_" + "x" * 32
SELLER_KEY = SellerKey(
    id="sk-0123456789abcdef",
    seller_id="seller-1",
    prefix="abcdefabcdef",
    key_hash="f" * 64,
    created_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
)
REPORT = BillingReport(
    agreements=700,
    invoices={InvoiceKind.UPFRONT: 3, InvoiceKind.USAGE: 2, InvoiceKind.CREDIT_MEMO: 1},
    cxml_queued=4,
)


@pytest.fixture
def run_billing(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replace the billing run by a fake that walks 700 agreements in pages of 500."""
    calls: list[dict[str, Any]] = []

    def fake(units: Callable[[], Any], **options: Any) -> BillingReport:
        calls.append(options)
        options["progress"](500)
        options["progress"](200)
        return REPORT

    monkeypatch.setattr("marketplace.services.billing.run_billing", fake)
    monkeypatch.setattr("marketplace.cli.billing.count_agreements", lambda database: 700)
    return calls


def test_billing_run_passes_the_day_the_host_and_the_tax_rate(
    invoke: Invoke, run_billing: list[dict[str, Any]], storage: FakeStorage
) -> None:
    env = {"MARKETPLACE_BASE_URL": "https://market.example.com", "MARKETPLACE_TAX_RATE": "0.2"}

    result = invoke("billing", "run", "--as-of", "2026-03-31", env=env)

    assert result.exit_code == 0, result.output
    (call,) = run_billing
    assert call["as_of"] == dt.date(2026, 3, 31)
    assert call["host"] == "market.example.com"
    assert call["tax_rate"] == Decimal("0.2")
    assert storage.databases[0].disposed


def test_billing_run_prints_the_invoices_by_kind_and_the_cxml_queued(
    invoke: Invoke, run_billing: list[dict[str, Any]]
) -> None:
    result = invoke("billing", "run", "--as-of", "2026-03-31")

    lines = result.stdout.splitlines()
    assert lines[0].startswith("Billed 700 agreements up to 2026-03-31 in ")
    assert lines[0].endswith(": 6 new invoices.")
    fields = [line.split() for line in lines[1:]]
    assert fields[:3] == [["upfront", "3"], ["instalment", "0"], ["usage", "2"]]
    assert fields[3] == ["credit", "memo", "1"]
    assert lines[5].split()[:3] == ["cXML", "queued", "4"]


def test_billing_run_json_prints_one_object(
    invoke: Invoke, run_billing: list[dict[str, Any]]
) -> None:
    result = invoke("billing", "run", "--as-of", "2026-03-31", "--json")

    document = json.loads(result.stdout)
    assert result.stdout.count("\n") == 1
    assert document["as_of"] == "2026-03-31"
    assert document["agreements"] == 700
    assert document["invoices"] == 6
    assert document["by_kind"] == {"upfront": 3, "instalment": 0, "usage": 2, "credit_memo": 1}
    assert document["cxml_queued"] == 4


def test_billing_run_reports_progress_over_the_agreements_on_stderr(
    invoke: Invoke, run_billing: list[dict[str, Any]]
) -> None:
    result = invoke("billing", "run", "--as-of", "2026-03-31", "--json")

    lines = result.stderr.splitlines()
    assert lines[0].startswith("Billing agreements: 500/700 agreements (")
    assert lines[-1].startswith("Billing agreements: 700/700 agreements (")


@pytest.mark.parametrize("args", [(), ("--as-of", "31/03/2026"), ("--as-of", "2026-02-30")])
def test_billing_run_needs_a_day_spelled_yyyy_mm_dd(
    invoke: Invoke, run_billing: list[dict[str, Any]], args: tuple[str, ...]
) -> None:
    result = invoke("billing", "run", *args)

    assert result.exit_code == 2
    assert "--as-of" in result.stderr
    assert not run_billing


def test_billing_run_after_today_says_what_it_does(
    invoke: Invoke, run_billing: list[dict[str, Any]]
) -> None:
    later = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=40)

    result = invoke("billing", "run", "--as-of", later.isoformat())

    assert result.exit_code == 0
    assert "is after today" in result.stderr


def test_billing_run_refuses_a_database_that_needs_migrating(
    invoke: Invoke, run_billing: list[dict[str, Any]], storage: FakeStorage
) -> None:
    storage.up_to_date = False

    result = invoke("billing", "run", "--as-of", "2026-03-31")

    assert result.exit_code == 1
    assert "marketplace db upgrade" in result.stderr
    assert not run_billing


@pytest.fixture
def issue(monkeypatch: pytest.MonkeyPatch, record: Callable[..., Any]) -> Callable[..., Any]:
    def replace(result: object = None, error: BaseException | None = None) -> Any:
        fake = record(result, error)
        monkeypatch.setattr("marketplace.services.metering.issue_seller_key", fake)
        return fake

    return replace


def test_seller_key_create_json_prints_the_key_once(
    invoke: Invoke, issue: Callable[..., Any]
) -> None:
    fake = issue((SELLER_KEY, KEY))

    result = invoke("seller", "key", "create", "--seller", "seller-1", "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "key_id": SELLER_KEY.id,
        "api_key": KEY,
        "seller_id": "seller-1",
    }
    assert fake.calls[0][0][1] == "seller-1"


def test_seller_key_create_shows_the_key_and_warns_it_is_shown_once(
    invoke: Invoke, issue: Callable[..., Any]
) -> None:
    issue((SELLER_KEY, KEY))

    result = invoke("seller", "key", "create", "--seller", "seller-1")

    assert f"Created metering key {SELLER_KEY.id} for seller seller-1" in result.stdout
    assert KEY in result.stdout
    assert "shown only this once" in result.stderr


def test_seller_key_create_for_an_unknown_seller_is_one_error_line(
    invoke: Invoke, issue: Callable[..., Any]
) -> None:
    issue(error=NotFoundError("There is no seller seller-x."))

    result = invoke("seller", "key", "create", "--seller", "seller-x")

    assert result.exit_code == 1
    assert result.stderr == "error: There is no seller seller-x.\n"
