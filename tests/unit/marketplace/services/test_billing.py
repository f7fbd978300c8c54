"""Billing runs: invoices made once, cXML invoices queued only where they belong, metering."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from account_builders import principal_of
from fake_uow import FakeUnitOfWorkFactory
from storage_builders import offer, product

import cxml
from marketplace.domain.accounts import Principal
from marketplace.domain.agreements import Agreement, AgreementStatus, PaymentModel
from marketplace.domain.billing import InvoiceKind
from marketplace.domain.catalog import Dimension, DimensionKind, PricingModel
from marketplace.domain.charges import Charge, ChargeKind, OfferChoice
from marketplace.domain.errors import AuthenticationError
from marketplace.domain.line_items import cart_lines
from marketplace.domain.outbox import MessageKind
from marketplace.domain.punchout import RequestStatus, SubscriptionRequest
from marketplace.services import metering, procurement
from marketplace.services.accounts import NewOrganization
from marketplace.services.billing import run_billing
from marketplace.services.invoice_delivery import secret_inserter
from marketplace.services.invoice_documents import SHARED_SECRET_PLACEHOLDER
from marketplace.services.metering import UsageInput
from marketplace.services.procurement import ConfigurationChange, ConnectionRequest
from marketplace.services.secret_box import FernetSecretBox

BOX = FernetSecretBox(["test secret key"])
SECRET = "billing-secret-1"
START = dt.date(2026, 1, 15)
NOW = dt.datetime(2026, 1, 15, 9, tzinfo=dt.UTC)
DTDS = cxml.DtdCatalog(Path(__file__).resolve().parents[5] / "shared" / "cxml-dtd")
GB = Dimension(key="gb", name="GB", unit="GB", price=Decimal("0.10"), kind=DimensionKind.USAGE)


@pytest.fixture
def admin(factory: FakeUnitOfWorkFactory, acme: NewOrganization) -> Principal:
    principal = principal_of(factory, acme.user)
    procurement.put_configuration(
        factory(),
        principal,
        ConfigurationChange("COUPA", "Acme Coupa", test_mode=False, billing_integration=True),
    )
    with factory() as uow:
        uow.catalog.add_products(
            [
                product("prod-1"),
                product("prod-payg", offers=(offer("prod-payg", dimensions=(GB,)),)),
            ]
        )
        uow.commit()
    return principal


def connection_id(factory: FakeUnitOfWorkFactory, admin: Principal, **fields: object) -> str:
    request = ConnectionRequest(
        **{  # type: ignore[arg-type]
            "buyer_domain": "NetworkID",
            "buyer_identity": f"acme-{len(factory.store.connections)}",
            "shared_secret": SECRET,
            "invoice_endpoint": "https://acme.coupahost.example/cxml/invoices",
            **fields,
        }
    )
    return procurement.create_connection(factory(), admin, request, box=BOX).connection.id


def add_agreement(
    factory: FakeUnitOfWorkFactory,
    admin: Principal,
    connection: str | None,
    *,
    model: PaymentModel = PaymentModel.UPFRONT,
    charges: tuple[Charge, ...] = (
        Charge(ChargeKind.UPFRONT, "12-month contract", Decimal("1200.00")),
    ),
    agreement_id: str = "agmt-1",
    product_id: str = "prod-1",
) -> Agreement:
    agreement = Agreement(
        id=agreement_id,
        organization_id=admin.organization.id,
        account_id=admin.account.id,
        user_id=admin.user.id,
        request_id="sr-" + agreement_id,
        product_id=product_id,
        product_title="Observability Suite",
        seller_name="Northwind Software",
        offer_id=f"offer-{product_id}",
        offer_name="Standard contract",
        pricing_model=PricingModel.SAAS_CONTRACT,
        payment_model=model,
        currency="USD",
        choice=OfferChoice(12, {"seats": 1}),
        charges=charges,
        starts_on=START,
        ends_on=dt.date(2027, 1, 15),
        status=AgreementStatus.ACTIVE,
        created_at=NOW,
        updated_at=NOW,
        connection_id=connection,
        purchase_order_number="6112",
        purchase_order_lines=(1,),
    )
    request = SubscriptionRequest(
        id=agreement.request_id,
        organization_id=agreement.organization_id,
        account_id=agreement.account_id,
        user_id=agreement.user_id,
        product_id=product_id,
        product_title=agreement.product_title,
        seller_name=agreement.seller_name,
        offer_id=agreement.offer_id,
        offer_name=agreement.offer_name,
        pricing_model=agreement.pricing_model,
        currency="USD",
        choice=agreement.choice,
        charges=charges,
        lines=cart_lines(charges),
        status=RequestStatus.AGREEMENT_CREATED,
        test=False,
        created_at=NOW,
        updated_at=NOW,
    )
    with factory() as uow:
        uow.punchout.add_request(request)
        uow.agreements.add(agreement)
        uow.commit()
    return agreement


def bill(factory: FakeUnitOfWorkFactory, as_of: dt.date) -> dict[InvoiceKind, int]:
    return run_billing(factory, as_of=as_of, host="market.example").invoices


def test_an_upfront_invoice_is_made_once_and_goes_out_as_valid_cxml(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    add_agreement(factory, admin, connection_id(factory, admin))

    first = bill(factory, START)
    second = bill(factory, START + dt.timedelta(days=40))

    assert first == {InvoiceKind.UPFRONT: 1}
    assert second == {}
    (invoice,) = factory.store.invoices.values()
    assert invoice.purchase_order_number == "6112"
    assert invoice.cxml
    assert invoice.total == Decimal("1200.00")
    (message,) = factory.store.outbox_messages.values()
    assert message.kind is MessageKind.INVOICE
    assert message.destination == "https://acme.coupahost.example/cxml/invoices"
    assert SECRET not in message.body  # sealed away until it is sent
    assert SHARED_SECRET_PLACEHOLDER in message.body
    result = DTDS.validate(message.body.encode("utf-8"))
    assert result.valid, result
    document = cxml.parse(message.body.encode("utf-8"))
    assert document.version == "1.2.020"
    sent = secret_inserter(factory, BOX)(message)
    assert SECRET in sent
    assert SHARED_SECRET_PLACEHOLDER not in sent


def test_no_cxml_without_an_invoice_endpoint_or_in_test_mode(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    add_agreement(factory, admin, connection_id(factory, admin, invoice_endpoint=None))
    add_agreement(
        factory, admin, connection_id(factory, admin, test_mode=True), agreement_id="agmt-2"
    )

    assert bill(factory, START) == {InvoiceKind.UPFRONT: 2}
    assert not any(i.cxml for i in factory.store.invoices.values())
    assert factory.store.outbox_messages == {}


def test_usage_is_invoiced_but_never_as_cxml(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    agreement = add_agreement(
        factory,
        admin,
        connection_id(factory, admin),
        model=PaymentModel.PAY_AS_YOU_GO,
        charges=(Charge(ChargeKind.USAGE, "Usage (budget estimate)", Decimal("1000.00")),),
        product_id="prod-payg",
    )
    _, key = metering.issue_seller_key(factory(), "seller-1")
    seller = metering.authenticate_seller(factory(), key)
    results = metering.report_usage(
        factory(),
        seller,
        [
            UsageInput("r-1", agreement.id, "gb", "120", dt.datetime(2026, 1, 20, tzinfo=dt.UTC)),
            UsageInput("r-1", agreement.id, "gb", "120", dt.datetime(2026, 1, 20, tzinfo=dt.UTC)),
            UsageInput("r-2", agreement.id, "cpu", "1", dt.datetime(2026, 1, 20, tzinfo=dt.UTC)),
        ],
    )

    assert [r.status for r in results] == ["accepted", "duplicate", "rejected"]
    assert bill(factory, dt.date(2026, 2, 2)) == {InvoiceKind.USAGE: 1}
    (invoice,) = factory.store.invoices.values()
    assert invoice.total == Decimal("12.00")
    assert not invoice.cxml
    assert factory.store.outbox_messages == {}


def test_a_cancellation_sends_a_credit_memo(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    agreement = add_agreement(factory, admin, connection_id(factory, admin))
    bill(factory, START)
    with factory() as uow:
        uow.agreements.update(
            dataclasses.replace(
                agreement,
                status=AgreementStatus.CANCELLED,
                cancelled_at=dt.datetime(2026, 7, 16, tzinfo=dt.UTC),
            )
        )
        uow.commit()

    made = bill(factory, dt.date(2026, 8, 1))

    assert made == {InvoiceKind.CREDIT_MEMO: 1}
    credit = next(i for i in factory.store.invoices.values() if i.kind is InvoiceKind.CREDIT_MEMO)
    assert credit.total == Decimal("-601.64")
    message = factory.store.outbox_messages[credit.message_id or ""]
    assert 'purpose="creditMemo"' in message.body
    assert DTDS.validate(message.body.encode("utf-8")).valid


def test_without_billing_integration_invoices_carry_no_po(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    procurement.put_configuration(
        factory(),
        admin,
        ConfigurationChange("COUPA", "Acme Coupa", billing_integration=False),
    )
    add_agreement(factory, admin, None)

    bill(factory, START)

    (invoice,) = factory.store.invoices.values()
    assert invoice.purchase_order_number is None
    assert invoice.lines[0].purchase_order_line is None


def test_a_tax_rate_is_applied(factory: FakeUnitOfWorkFactory, admin: Principal) -> None:
    add_agreement(factory, admin, None)

    run_billing(factory, as_of=START, host="m", tax_rate=Decimal("0.2"))

    (invoice,) = factory.store.invoices.values()
    assert (invoice.subtotal, invoice.tax, invoice.total) == (
        Decimal("1200.00"),
        Decimal("240.00"),
        Decimal("1440.00"),
    )


def test_a_bad_metering_key_is_refused(factory: FakeUnitOfWorkFactory) -> None:
    with pytest.raises(AuthenticationError):
        metering.authenticate_seller(factory(), "sk_nothing_here")
