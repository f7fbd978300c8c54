"""Billing over a real database (SQLite, and PostgreSQL where configured), with the buyer's
invoice endpoint played by a receiver on loopback (``billing_receiver``).

Agreements come the way a buyer makes them: a Coupa connection whose invoice endpoint is the
receiver, a request made in a punchout, and the purchase order Coupa sends for it, through
the services behind the order URL. Billing runs as of chosen days; the worker (as
``marketplace worker`` builds it, shared secrets put in as invoices leave) delivers.

What the buyer would notice: an upfront agreement gives one invoice, posted once, valid
against InvoiceDetail.dtd 1.2.020, carrying the connection's shared secret (which the
database never holds in plain text), the PO number and the PO line; a flexible payment
schedule gives one invoice per instalment on its date; usage gives monthly invoices in the
marketplace and never cXML; cancelling the PO gives a credit memo, posted as cXML; a second
``marketplace billing run`` makes nothing; test mode makes nothing, and a connection or an
organization switched to test mode gets no cXML.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal

import pytest
from billing_receiver import (
    CONTRACT,
    FLEXIBLE,
    METERED,
    CoupaBuyer,
    Delivery,
    Receiver,
    add_billing_catalog,
    coupa_buyer,
    order_subscription,
    place_order,
)
from click.testing import CliRunner
from orders_support import pending_request
from punchout_web import SECRET, official_dtds
from sqlalchemy import select

import cxml
from cxml.models.envelope import Document
from cxml.models.invoice import InvoiceDetailRequest, InvoicePurpose
from cxml.models.order import OrderType
from marketplace.cli import main
from marketplace.config import Settings
from marketplace.domain.billing import Invoice, InvoiceKind
from marketplace.domain.charges import OfferChoice
from marketplace.domain.outbox import AttemptOutcome, DeliveryStatus, MessageKind
from marketplace.services import metering
from marketplace.services.billing import run_billing
from marketplace.services.metering import UsageInput
from marketplace.services.procurement import ConfigurationChange, put_configuration
from marketplace.services.secret_box import FernetSecretBox
from marketplace.storage.database import Database
from marketplace.storage.tables import metadata
from marketplace.worker.runner import Worker, senders_for

pytestmark = pytest.mark.integration

PO = "PO-6112"
PO_LINE = 3  # the request's line is the third of the PO: the invoice must say 3, not 1
ORDERED_AT = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
START = ORDERED_AT.date()
TWO_USERS = OfferChoice(12, {"users": 2})  # $100 x 2 users x 12 months = $2,400 upfront
DOCTYPE = '<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.020/InvoiceDetail.dtd">'


# -- fixtures --------------------------------------------------------------------------------


@pytest.fixture
def worker(database: Database, settings: Settings) -> Worker:
    """The worker of ``marketplace worker`` (without its daily billing: tests pick days)."""
    return Worker(database.unit_of_work, senders_for(settings, database.unit_of_work))


# -- helpers ---------------------------------------------------------------------------------


def bill(database: Database, as_of: dt.date) -> dict[InvoiceKind, int]:
    return run_billing(database.unit_of_work, as_of=as_of, host="market.example").invoices


def invoices(database: Database, buyer: CoupaBuyer) -> list[Invoice]:
    """The organization's invoices, oldest first."""
    with database.unit_of_work() as uow:
        return sorted(
            uow.billing.list_invoices(buyer.organization_id),
            key=lambda i: (i.invoice_date, i.created_at, i.id),
        )


def invoice_messages(database: Database, buyer: CoupaBuyer) -> list[str]:
    with database.unit_of_work() as uow:
        found = uow.outbox.list_messages(buyer.organization_id, kind=MessageKind.INVOICE)
        return [m.id for m in found]


def read(delivery: Delivery) -> tuple[Document, InvoiceDetailRequest]:
    document = cxml.parse(delivery.body.encode("utf-8"))
    assert isinstance(document.payload, InvoiceDetailRequest)
    return document, document.payload


def assert_valid_invoice_detail(delivery: Delivery) -> None:
    """Valid against the official InvoiceDetail.dtd 1.2.020 itself, named on line 2."""
    assert delivery.body.splitlines()[1] == DOCTYPE
    result = official_dtds().validate(delivery.body.encode("utf-8"))
    assert result.valid, result.errors
    assert (result.version, result.dtd_file, result.exact) == ("1.2.020", "InvoiceDetail.dtd", True)


def tables_holding(database: Database, text: str) -> list[str]:
    """``table.column`` for every value in the database that contains ``text``."""
    found = []
    with database.engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(select(table)):
                for column, value in row._mapping.items():
                    if value is not None and text in str(value):
                        found.append(f"{table.name}.{column}")
    return found


# -- upfront ---------------------------------------------------------------------------------


def test_an_upfront_agreement_gets_one_invoice_posted_once_as_valid_cxml(
    database: Database, buyer: CoupaBuyer, receiver: Receiver, worker: Worker
) -> None:
    order_subscription(
        database.unit_of_work, buyer, CONTRACT, TWO_USERS, number=PO, at=ORDERED_AT,
        first_line=PO_LINE,
    )  # fmt: skip

    made = run_billing(database.unit_of_work, as_of=START, host="market.example")
    first = worker.run_once()
    again = worker.run_once()

    assert made.invoices == {InvoiceKind.UPFRONT: 1}
    assert made.cxml_queued == 1
    assert first.count(AttemptOutcome.DELIVERED) == 2  # the invoice, and the order's e-mail
    assert again.claimed == 0
    (delivery,) = receiver.deliveries
    assert delivery.answered == 200
    (invoice,) = invoices(database, buyer)
    assert (invoice.kind, invoice.total, invoice.currency) == (
        InvoiceKind.UPFRONT,
        Decimal("2400.00"),
        "USD",
    )
    assert invoice.purchase_order_number == PO
    assert invoice.lines[0].purchase_order_line == PO_LINE
    assert invoice.cxml
    assert invoice.message_id is not None
    with database.unit_of_work() as uow:
        message = uow.outbox.get(invoice.message_id)
        attempts = uow.outbox.list_attempts(invoice.message_id)
    assert message is not None
    assert (message.status, message.attempts, message.destination) == (
        DeliveryStatus.DELIVERED,
        1,
        receiver.url,
    )
    assert [(a.outcome, a.status_code) for a in attempts] == [(AttemptOutcome.DELIVERED, 200)]

    assert_valid_invoice_detail(delivery)
    document, request = read(delivery)
    assert document.payload_id == message.payload_id == delivery.payload_id
    assert document.header is not None
    assert document.header.sender.shared_secret == SECRET
    connection = buyer.connection
    assert document.header.to.find(connection.buyer_domain, connection.buyer_identity)
    assert document.header.from_.find(connection.supplier_domain, connection.supplier_identity)
    assert request.header.invoice_id == invoice.number
    assert request.header.purpose is InvoicePurpose.STANDARD
    (order,) = request.orders
    assert order.order_reference.order_id == PO
    assert order.order_reference.document_payload_id == PO
    (item,) = order.items
    assert item.reference.line_number == PO_LINE
    assert item.reference.item_id is not None
    assert item.reference.item_id.supplier_part_id == CONTRACT[1]
    assert item.unit_of_measure == "EA"
    assert item.subtotal is not None
    summary = request.summary
    assert item.subtotal.amount == summary.subtotal.amount == Decimal("2400.00")
    assert summary.net.amount == summary.subtotal.amount + summary.tax.money.amount
    assert summary.due is not None
    assert summary.due.amount == summary.net.amount

    assert tables_holding(database, SECRET) == []  # sealed, and put in only as it leaves


# -- flexible payment schedule ---------------------------------------------------------------


def test_a_flexible_schedule_is_invoiced_one_instalment_at_a_time_on_its_dates(
    database: Database, buyer: CoupaBuyer, receiver: Receiver, worker: Worker
) -> None:
    order_subscription(
        database.unit_of_work, buyer, FLEXIBLE, OfferChoice(12, {"users": 1}), number=PO,
        at=ORDERED_AT, first_line=PO_LINE,
    )  # fmt: skip
    runs = [  # as of, the instalment that falls due
        (START, START),
        (dt.date(2026, 6, 1), None),
        (dt.date(2026, 6, 2), dt.date(2026, 6, 2)),
        (dt.date(2026, 9, 1), None),
        (dt.date(2026, 9, 2), dt.date(2026, 9, 2)),
        (dt.date(2027, 3, 2), None),
    ]

    for as_of, due in runs:
        made = bill(database, as_of)
        worker.run_once()
        assert made == ({InvoiceKind.INSTALMENT: 1} if due else {}), as_of
        if due:
            _, request = read(receiver.deliveries[-1])
            assert request.header.invoice_date.date() == due

    made_invoices = invoices(database, buyer)
    assert [(i.invoice_date, i.total) for i in made_invoices] == [
        (START, Decimal("3000.00")),
        (dt.date(2026, 6, 2), Decimal("3000.00")),
        (dt.date(2026, 9, 2), Decimal("3000.00")),
    ]
    deliveries = receiver.deliveries
    assert len(deliveries) == 3
    assert {d.answered for d in deliveries} == {200}
    assert len({d.payload_id for d in deliveries}) == 3
    assert [d.invoice_id for d in deliveries] == [i.number for i in made_invoices]
    for delivery in deliveries:
        assert_valid_invoice_detail(delivery)
        _, request = read(delivery)
        (order,) = request.orders
        assert order.order_reference.order_id == PO
        assert [item.reference.line_number for item in order.items] == [PO_LINE]


# -- usage -----------------------------------------------------------------------------------


def test_usage_is_invoiced_monthly_in_the_marketplace_and_never_as_cxml(
    database: Database, buyer: CoupaBuyer, receiver: Receiver, worker: Worker
) -> None:
    request = order_subscription(
        database.unit_of_work, buyer, METERED, OfferChoice(None, {}, Decimal("1000.00")),
        number=PO, at=ORDERED_AT,
    )  # fmt: skip
    with database.unit_of_work() as uow:
        agreement = uow.agreements.for_request(request.id)
    assert agreement is not None
    _, key = metering.issue_seller_key(database.unit_of_work(), "seller-1")
    seller = metering.authenticate_seller(database.unit_of_work(), key)

    def usage(record_id: str, gigabytes: str, day: dt.date) -> UsageInput:
        at = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
        return UsageInput(record_id, agreement.id, "gb", gigabytes, at)

    reported = metering.report_usage(
        database.unit_of_work(),
        seller,
        [
            usage("r-1", "100", dt.date(2026, 3, 10)),
            usage("r-2", "50", dt.date(2026, 3, 31)),
            usage("r-1", "100", dt.date(2026, 3, 10)),  # reported again: a duplicate
            usage("r-3", "30", dt.date(2026, 4, 5)),
        ],
    )

    assert [r.status for r in reported] == ["accepted", "accepted", "duplicate", "accepted"]
    assert bill(database, dt.date(2026, 3, 31)) == {}  # March has not ended
    assert bill(database, dt.date(2026, 4, 1)) == {InvoiceKind.USAGE: 1}
    assert bill(database, dt.date(2026, 5, 1)) == {InvoiceKind.USAGE: 1}
    assert bill(database, dt.date(2026, 5, 1)) == {}
    worker.run_once()

    made = invoices(database, buyer)
    assert [(i.kind, i.invoice_date, i.total) for i in made] == [
        (InvoiceKind.USAGE, dt.date(2026, 4, 1), Decimal("15.00")),  # 150 GB at $0.10
        (InvoiceKind.USAGE, dt.date(2026, 5, 1), Decimal("3.00")),
    ]
    assert [i.purchase_order_number for i in made] == [PO, PO]  # billing integration is on
    assert not any(i.cxml for i in made)
    assert invoice_messages(database, buyer) == []
    assert receiver.deliveries == []


# -- cancellation ----------------------------------------------------------------------------


def test_cancelling_the_po_gives_a_credit_memo_posted_as_cxml(
    database: Database, buyer: CoupaBuyer, receiver: Receiver, worker: Worker
) -> None:
    request = order_subscription(
        database.unit_of_work, buyer, CONTRACT, TWO_USERS, number=PO, at=ORDERED_AT,
        first_line=PO_LINE,
    )  # fmt: skip
    bill(database, START)
    worker.run_once()
    cancelled_at = dt.datetime(2026, 9, 1, 8, tzinfo=dt.UTC)
    place_order(
        database.unit_of_work, buyer, [request], number=PO, at=cancelled_at,
        first_line=PO_LINE, kind=OrderType.DELETE, version=2,
    )  # fmt: skip

    made = bill(database, cancelled_at.date())
    worker.run_once()

    assert made == {InvoiceKind.CREDIT_MEMO: 1}
    upfront, credit = invoices(database, buyer)
    # The unused part: 182 of the 365 days from 2026-03-02 to 2027-03-02.
    assert (credit.kind, credit.total) == (InvoiceKind.CREDIT_MEMO, Decimal("-1196.71"))
    assert credit.original_invoice_id == upfront.id
    assert credit.cxml
    first, second = receiver.deliveries
    assert (first.invoice_id, second.invoice_id) == (upfront.number, credit.number)
    assert second.answered == 200
    assert_valid_invoice_detail(second)
    document, memo = read(second)
    assert document.header is not None
    assert document.header.sender.shared_secret == SECRET
    assert memo.header.purpose is InvoicePurpose.CREDIT_MEMO
    assert memo.header.original_invoice_id == upfront.number
    (order,) = memo.orders
    assert order.order_reference.order_id == PO
    assert [item.reference.line_number for item in order.items] == [PO_LINE]
    assert memo.summary.net.amount == Decimal("-1196.71")


# -- running twice ---------------------------------------------------------------------------


def test_a_second_billing_run_makes_nothing_new(
    database: Database,
    buyer: CoupaBuyer,
    receiver: Receiver,
    worker: Worker,
    environ: dict[str, str],
) -> None:
    order_subscription(database.unit_of_work, buyer, CONTRACT, TWO_USERS, number=PO, at=ORDERED_AT)
    order_subscription(
        database.unit_of_work, buyer, FLEXIBLE, OfferChoice(12, {"users": 1}), number="PO-6113",
        at=ORDERED_AT,
    )  # fmt: skip

    def billing_run() -> dict[str, object]:
        result = CliRunner(env=environ).invoke(
            main, ["billing", "run", "--as-of", "2026-06-02", "--json"], prog_name="marketplace"
        )
        assert result.exit_code == 0, result.output
        answer: dict[str, object] = json.loads(result.stdout)
        return answer

    first = billing_run()
    worker.run_once()
    second = billing_run()
    worker.run_once()

    assert (first["invoices"], first["cxml_queued"]) == (3, 3)  # upfront, instalments 1 and 2
    assert (second["invoices"], second["cxml_queued"]) == (0, 0)
    assert len(invoices(database, buyer)) == 3
    assert sorted(receiver.accepted().values()) == [1, 1, 1]
    assert len(receiver.deliveries) == 3


# -- test mode -------------------------------------------------------------------------------


def test_an_organization_in_test_mode_is_never_invoiced(
    database: Database, box: FernetSecretBox, receiver: Receiver, worker: Worker
) -> None:
    add_billing_catalog(database.unit_of_work)
    testing = coupa_buyer(database.unit_of_work, box, receiver.url, secret=SECRET, test_mode=True)
    request = pending_request(
        database.unit_of_work, box, testing.connection_fields, TWO_USERS,
        product_id=CONTRACT[0], offer_id=CONTRACT[1],
    )  # fmt: skip
    answer = place_order(database.unit_of_work, testing, [request], number=PO, at=ORDERED_AT)

    made = run_billing(database.unit_of_work, as_of=dt.date(2027, 3, 2), host="market.example")
    worker.run_once()

    assert "test mode creates no agreement" in answer.text
    assert (made.agreements, made.total, made.cxml_queued) == (0, 0, 0)
    assert invoices(database, testing) == []
    assert receiver.deliveries == []


@pytest.mark.parametrize("switched", ["connection", "organization"])
def test_a_buyer_switched_to_test_mode_gets_no_cxml_invoice(
    database: Database, buyer: CoupaBuyer, receiver: Receiver, worker: Worker, switched: str
) -> None:
    order_subscription(database.unit_of_work, buyer, CONTRACT, TWO_USERS, number=PO, at=ORDERED_AT)
    if switched == "connection":  # no service changes it yet: straight into storage
        with database.unit_of_work() as uow:
            uow.procurement.update_connection(dataclasses.replace(buyer.connection, test_mode=True))
            uow.commit()
    else:
        change = ConfigurationChange("COUPA", "Coupa", test_mode=True)
        put_configuration(
            database.unit_of_work(), None, change, organization_id=buyer.organization_id
        )

    made = bill(database, START)
    worker.run_once()

    assert made == {InvoiceKind.UPFRONT: 1}  # the marketplace still bills it
    (invoice,) = invoices(database, buyer)
    assert not invoice.cxml
    assert invoice_messages(database, buyer) == []
    assert receiver.deliveries == []
