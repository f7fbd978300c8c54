"""Helpers for the tests of billing: agreements on the Rich product (``prod-rich``, whose team
contract ``offer-contract`` has a usage dimension ``gb``), and invoices with or without a cXML
message.

Everything goes straight into storage through the repositories (the in-memory fakes, or a real
database), so a test states exactly the invoices (and delivery states) it is about.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from typing import Protocol

from marketplace.domain.agreements import Agreement, AgreementStatus, PaymentModel
from marketplace.domain.billing import Invoice, InvoiceKind, InvoiceLine
from marketplace.domain.catalog import PricingModel
from marketplace.domain.charges import Charge, ChargeKind, OfferChoice
from marketplace.domain.line_items import cart_lines
from marketplace.domain.outbox import DeliveryStatus, MessageKind, OutboxMessage
from marketplace.domain.punchout import RequestStatus, SubscriptionRequest
from marketplace.services.ports import UnitOfWork

__all__ = ["NOW", "TODAY", "add_agreement", "add_invoice"]

NOW = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


class _Database(Protocol):
    def unit_of_work(self, *, all_or_nothing: bool = False) -> UnitOfWork: ...


def add_agreement(
    database: _Database,
    user_email: str,
    *,
    payment_model: PaymentModel = PaymentModel.UPFRONT,
    starts_on: dt.date = TODAY,
    ends_on: dt.date | None = dt.date(2099, 1, 1),
) -> Agreement:
    """An agreement of ``user_email``'s account on the Rich product's team contract."""
    with database.unit_of_work() as uow:
        user = uow.users.get_by_email(user_email)
        assert user is not None
        account = uow.accounts.get(user.account_id)
        assert account is not None
        charges = (Charge(ChargeKind.UPFRONT, "12-month contract", Decimal("14400.00")),)
        suffix = secrets.token_hex(4)
        request = SubscriptionRequest(
            id="sr-" + suffix,
            organization_id=account.organization_id,
            account_id=user.account_id,
            user_id=user.id,
            product_id="prod-rich",
            product_title="Observability Suite",
            seller_name="Northwind Software",
            offer_id="offer-contract",
            offer_name="Team contract",
            pricing_model=PricingModel.SAAS_CONTRACT,
            currency="USD",
            choice=OfferChoice(12, {"users": 1}),
            charges=charges,
            lines=cart_lines(charges),
            status=RequestStatus.AGREEMENT_CREATED,
            test=False,
            created_at=NOW,
            updated_at=NOW,
        )
        uow.punchout.add_request(request)
        agreement = Agreement(
            id="agmt-" + suffix,
            organization_id=account.organization_id,
            account_id=user.account_id,
            user_id=user.id,
            request_id=request.id,
            product_id="prod-rich",
            product_title="Observability Suite",
            seller_name="Northwind Software",
            offer_id="offer-contract",
            offer_name="Team contract",
            pricing_model=PricingModel.SAAS_CONTRACT,
            payment_model=payment_model,
            currency="USD",
            choice=request.choice,
            charges=charges,
            starts_on=starts_on,
            ends_on=ends_on,
            status=AgreementStatus.ACTIVE,
            created_at=NOW,
            updated_at=NOW,
            purchase_order_number="PO-6112",
            purchase_order_lines=(1,),
        )
        uow.agreements.add(agreement)
        uow.commit()
    return agreement


def add_invoice(
    database: _Database,
    agreement: Agreement,
    *,
    total: Decimal = Decimal("14400.00"),
    kind: InvoiceKind = InvoiceKind.UPFRONT,
    invoice_date: dt.date = TODAY,
    product_title: str | None = None,
    currency: str = "USD",
    message_status: DeliveryStatus | None = None,
) -> Invoice:
    """An invoice of ``agreement`` (a cXML one, with its outbox message in
    ``message_status``, when that is given)."""
    suffix = secrets.token_hex(4)
    line = InvoiceLine(
        number=1,
        description="Observability Suite - Team contract: 12-month contract",
        quantity=Decimal(1),
        unit_price=total,
        amount=total,
        supplier_part_id=agreement.offer_id,
        purchase_order_line=1,
    )
    message = None
    if message_status is not None:
        message = OutboxMessage(
            id="msg-" + suffix,
            kind=MessageKind.INVOICE,
            organization_id=agreement.organization_id,
            destination="https://acme.coupahost.example/cxml/invoices",
            subject=f"Invoice INV-{suffix} for PO 6112",
            body="<cXML/>",
            status=message_status,
            next_attempt_at=NOW,
            created_at=NOW,
            payload_id=f"{suffix}@market.example",
        )
    invoice = Invoice(
        id="inv-" + suffix,
        number=f"INV-{invoice_date:%Y%m}-{suffix.upper()}",
        organization_id=agreement.organization_id,
        account_id=agreement.account_id,
        agreement_id=agreement.id,
        billing_key=f"{kind.value}:{suffix}",
        kind=kind,
        invoice_date=invoice_date,
        period_start=invoice_date,
        period_end=invoice_date + dt.timedelta(days=365),
        currency=currency,
        lines=(line,),
        subtotal=total,
        tax_rate=Decimal(0),
        tax=Decimal("0.00"),
        total=total,
        product_id=agreement.product_id,
        product_title=product_title or agreement.product_title,
        created_at=NOW,
        purchase_order_number="PO-6112",
        cxml=message is not None,
        message_id=message.id if message is not None else None,
    )
    with database.unit_of_work() as uow:
        assert uow.billing.add_invoice(invoice)
        if message is not None:
            uow.outbox.add(message)
        uow.commit()
    return invoice
