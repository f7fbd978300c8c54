"""The worker's daily billing: at start and when the UTC date changes, before delivering."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from billing_web import add_agreement
from fast_passwords import use_cheap_password_hashing
from web_support import FakeDatabase, make_people

import cxml
from marketplace.config import Settings
from marketplace.domain.billing import InvoiceKind
from marketplace.domain.outbox import AttemptOutcome, DeliveryStatus, MessageKind
from marketplace.services import procurement
from marketplace.services.billing import BillingReport
from marketplace.services.delivery import DeliveryReport
from marketplace.services.secret_box import FernetSecretBox
from marketplace.worker import runner
from marketplace.worker.runner import BILLING_RETRY, DailyBilling, Worker, billing_for
from marketplace.worker.senders import HttpDocumentSender

MONDAY = dt.date(2026, 3, 2)
TUESDAY = dt.date(2026, 3, 3)


class Calendar:
    """A settable UTC date and monotonic clock for the worker."""

    def __init__(self) -> None:
        self.day = MONDAY
        self.seconds = 1000.0

    def today(self) -> dt.date:
        return self.day

    def monotonic(self) -> float:
        return self.seconds


@pytest.fixture
def calendar() -> Calendar:
    return Calendar()


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """The billing runs and delivery rounds the worker made, in order (both faked)."""
    made: list[tuple[str, dict[str, Any]]] = []

    def run_billing(units: object, **options: Any) -> BillingReport:
        made.append(("bill", options))
        return BillingReport(agreements=1, invoices={InvoiceKind.UPFRONT: 1}, cxml_queued=1)

    def deliver_due(units: object, senders: object, **options: Any) -> DeliveryReport:
        made.append(("deliver", options))
        return DeliveryReport()

    monkeypatch.setattr(runner, "run_billing", run_billing)
    monkeypatch.setattr(runner, "deliver_due", deliver_due)
    return made


def worker(calendar: Calendar, billing: DailyBilling | None) -> Worker:
    return Worker(
        FakeDatabase().unit_of_work,
        {},
        billing=billing,
        today=calendar.today,
        monotonic=calendar.monotonic,
    )


BILLING = DailyBilling(host="market.example", tax_rate=Decimal("0.2"))


def test_the_worker_bills_as_of_today_before_it_delivers(
    calendar: Calendar, calls: list[tuple[str, dict[str, Any]]]
) -> None:
    worker(calendar, BILLING).run_once()

    assert [name for name, _ in calls] == ["bill", "deliver"]
    options = calls[0][1]
    assert options["as_of"] == MONDAY
    assert options["host"] == "market.example"
    assert options["tax_rate"] == Decimal("0.2")


def test_the_worker_bills_once_a_day_and_again_when_the_date_changes(
    calendar: Calendar, calls: list[tuple[str, dict[str, Any]]]
) -> None:
    subject = worker(calendar, BILLING)

    subject.run_once()
    subject.run_once()
    calendar.day = TUESDAY
    subject.run_once()
    subject.run_once()

    billed = [options["as_of"] for name, options in calls if name == "bill"]
    assert billed == [MONDAY, TUESDAY]
    assert [name for name, _ in calls].count("deliver") == 4


def test_without_billing_the_worker_only_delivers(
    calendar: Calendar, calls: list[tuple[str, dict[str, Any]]]
) -> None:
    subject = worker(calendar, None)

    assert subject.bill_if_due() is None
    subject.run_once()

    assert [name for name, _ in calls] == ["deliver"]


def test_a_failed_billing_run_is_logged_delivery_goes_on_and_it_is_retried_later(
    calendar: Calendar,
    calls: list[tuple[str, dict[str, Any]]],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    failures = [RuntimeError("database is away")]

    def flaky(units: object, **options: Any) -> BillingReport:
        calls.append(("bill", options))
        if failures:
            raise failures.pop()
        return BillingReport()

    monkeypatch.setattr(runner, "run_billing", flaky)
    subject = worker(calendar, BILLING)

    with caplog.at_level(logging.ERROR):
        subject.run_once()
    calendar.seconds += BILLING_RETRY - 1
    subject.run_once()
    calendar.seconds += 1
    subject.run_once()
    subject.run_once()

    assert [name for name, _ in calls] == [
        "bill", "deliver", "deliver", "bill", "deliver", "deliver",
    ]  # fmt: skip
    assert "the billing run as of 2026-03-02 failed" in caplog.text


def test_the_loop_bills_when_it_starts(
    calendar: Calendar, calls: list[tuple[str, dict[str, Any]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    subject = worker(calendar, BILLING)

    def deliver_then_stop(units: object, senders: object, **options: Any) -> DeliveryReport:
        calls.append(("deliver", options))
        subject.stop()
        return DeliveryReport()

    monkeypatch.setattr(runner, "deliver_due", deliver_then_stop)

    subject.run()

    assert [name for name, _ in calls] == ["bill", "deliver"]


def test_billing_for_takes_the_base_url_host_and_the_tax_rate(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "MARKETPLACE_VAR_DIR": str(tmp_path),
            "MARKETPLACE_SECRET_KEY": "k",
            "MARKETPLACE_BASE_URL": "https://market.example.com:8443/shop",
            "MARKETPLACE_TAX_RATE": "0.075",
        }
    )

    assert billing_for(settings) == DailyBilling("market.example.com", Decimal("0.075"))


def test_an_upfront_invoice_is_made_and_delivered_to_coupa_in_the_first_round(
    monkeypatch: pytest.MonkeyPatch, calendar: Calendar
) -> None:
    """Over the in-memory store, with a receiver that accepts every document."""
    use_cheap_password_hashing(monkeypatch)
    database = FakeDatabase()
    people = make_people(database)
    procurement.put_configuration(
        database.unit_of_work(),
        None,
        procurement.ConfigurationChange(system="COUPA", name="Coupa", test_mode=False),
        organization_id=people.organization_id,
        source="cli",
    )
    created = procurement.create_connection(
        database.unit_of_work(),
        None,
        procurement.ConnectionRequest(
            buyer_domain="DUNS",
            buyer_identity="acme",
            invoice_endpoint="https://acme.coupahost.example/cxml/invoices",
        ),
        box=FernetSecretBox(["worker-test"]),
        organization_id=people.organization_id,
        source="cli",
    )
    agreement = add_agreement(database, people.buyer_email, starts_on=MONDAY)
    with database.unit_of_work() as uow:
        uow.agreements.update(dataclasses.replace(agreement, connection_id=created.connection.id))
        uow.commit()
    received: list[bytes] = []

    def accept(request: httpx.Request) -> httpx.Response:
        received.append(request.content)
        return httpx.Response(200, content=cxml.serialize(cxml.status_response(200, "OK")))

    sender = HttpDocumentSender(httpx.Client(transport=httpx.MockTransport(accept)))
    subject = Worker(
        database.unit_of_work,
        {MessageKind.INVOICE: sender},
        billing=DailyBilling("market.example"),
        today=calendar.today,
    )

    report = subject.run_once()

    (invoice,) = database.factory.store.invoices.values()
    assert invoice.kind is InvoiceKind.UPFRONT
    assert invoice.cxml
    assert report.count(AttemptOutcome.DELIVERED) == 1
    assert len(received) == 1
    assert invoice.number.encode() in received[0]
    assert invoice.message_id is not None
    message = database.factory.store.outbox_messages[invoice.message_id]
    assert message.status is DeliveryStatus.DELIVERED
