"""Purchase orders in, agreements out: the intake of cXML ``OrderRequest`` documents.

:func:`receive_order` answers one authenticated OrderRequest with a cXML status code and text,
exactly once per payloadID:

1. the payloadID is claimed in the transaction (a concurrent duplicate waits for it, then
   gets the stored answer; a retry gets the stored answer);
2. everything is checked before anything is written; a rejection is a 4xx with a text that
   says what did not match (Coupa does not retry those):

   =====  ==============================================================================
   400    a line names no request, or differs from it (offer, currency, quantity, price)
   409    the request was already ordered, cancelled, or subscribed without approval; an
          update of a cancelled order
   417    the request does not exist; an update or delete of a purchase order never received
   =====  ==============================================================================

3. a new order creates one agreement per request (or finalises a server annual agreement
   with its second purchase order), an update changes them to the requests as they now stand
   (after an ``edit`` punchout), a delete cancels them; the order is recorded, the requesting
   users' e-mails go into the outbox, and the answer is stored with the receipt — all in the
   one transaction, committed before the 200 is returned. A test order (``deploymentMode``
   test, or a connection or organization in test mode) is recorded with its lines and
   creates nothing else.

The same order number and version again (a new payloadID for a document already processed)
changes nothing and is answered 200.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from cxml.models.envelope import Document
from cxml.models.order import OrderRequest
from marketplace.domain.agreements import (
    Agreement,
    AgreementStatus,
    end_date,
    payment_model_for,
)
from marketplace.domain.catalog import PricingModel
from marketplace.domain.errors import ConflictError
from marketplace.domain.orders import (
    OrderKind,
    OrderLine,
    PurchaseOrder,
    group_by_request,
    mismatches,
)
from marketplace.domain.punchout import RequestStatus, SubscriptionRequest
from marketplace.services.clock import utcnow
from marketplace.services.cxml_auth import CxmlCaller
from marketplace.services.notifications import agreement_email
from marketplace.services.ports import Clock, UnitOfWork

__all__ = ["OrderAnswer", "OrderRejectedError", "order_lines", "receive_order"]


@dataclass(frozen=True, slots=True)
class OrderAnswer:
    """The cXML status to answer with; ``repeated`` when it is a stored earlier answer."""

    status_code: int
    text: str
    repeated: bool = False
    order: PurchaseOrder | None = None


class OrderRejectedError(Exception):
    """A business rejection: the cXML status code and what did not match."""

    def __init__(self, status_code: int, text: str) -> None:
        super().__init__(text)
        self.status_code = status_code
        self.text = text


def receive_order(
    uow: UnitOfWork, caller: CxmlCaller, document: Document, *, clock: Clock = utcnow
) -> OrderAnswer:
    """Answer one OrderRequest (see the module docstring); errors other than rejections
    (the database, a bug) propagate, roll everything back, and deserve a 500 (retried).

    Two copies of one order under different payloadIDs may both find no earlier order and
    race to store it; the loser's insert breaks a unique constraint (``ConflictError``) once
    the winner commits. Its work is rolled back and it answers afresh, in a new transaction
    that sees the winner's order ("already received") — never a 4xx for an accepted order.
    """
    order = document.payload
    if not isinstance(order, OrderRequest):
        raise TypeError("receive_order takes OrderRequest documents")
    for attempt in range(_RACE_RETRIES):
        try:
            return _receive_once(uow, caller, document, order, clock())
        except ConflictError:
            if attempt == _RACE_RETRIES - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


_RACE_RETRIES = 3


def _receive_once(
    uow: UnitOfWork,
    caller: CxmlCaller,
    document: Document,
    order: OrderRequest,
    now: dt.datetime,
) -> OrderAnswer:
    test = caller.test or document.is_test
    with uow:
        if not uow.orders.claim_payload(document.payload_id, caller.connection.id, now):
            receipt = uow.orders.get_receipt(document.payload_id)
            if receipt is not None and receipt.connection_id != caller.connection.id:
                return OrderAnswer(409, "This payloadID was used by another sender's document.")
            if receipt is not None and receipt.status_code is not None:
                return OrderAnswer(receipt.status_code, receipt.response or "", repeated=True)
            return OrderAnswer(200, "This document was already received.", repeated=True)
        try:
            answer = _process(uow, caller, document, order, test, now)
        except OrderRejectedError as rejection:
            answer = OrderAnswer(rejection.status_code, rejection.text)
        uow.orders.complete_receipt(document.payload_id, answer.status_code, answer.text)
        uow.commit()
    return answer


def order_lines(order: OrderRequest) -> tuple[OrderLine, ...]:
    """The order's lines as the marketplace reads them (numbered from 1 where unnumbered)."""
    lines = []
    for index, item in enumerate(order.items, start=1):
        detail = item.item_detail
        lines.append(
            OrderLine(
                line_number=item.line_number or index,
                supplier_part_id=item.item_id.supplier_part_id.strip(),
                request_id=(item.item_id.supplier_part_auxiliary_id or "").strip() or None,
                quantity=item.quantity,
                unit_price=detail.unit_price.amount if detail else None,
                currency=detail.unit_price.currency if detail else None,
                description=detail.descriptions[0].text if detail and detail.descriptions else "",
            )
        )
    return tuple(lines)


def _process(
    uow: UnitOfWork,
    caller: CxmlCaller,
    document: Document,
    order: OrderRequest,
    test: bool,
    now: dt.datetime,
) -> OrderAnswer:
    header = order.header
    number = header.order_id.strip()
    version = header.order_version or 1
    lines = order_lines(order)
    kind = OrderKind(header.type.value)
    previous = uow.orders.find_orders(caller.connection.id, number)
    if any(o.order_version == version and o.kind is kind for o in previous) or (
        kind is OrderKind.NEW and previous
    ):
        return OrderAnswer(200, f"Purchase order {number} was already received; nothing changed.")
    record = PurchaseOrder(
        id="po-" + secrets.token_hex(8),
        organization_id=caller.connection.organization_id,
        connection_id=caller.connection.id,
        order_number=number,
        order_version=version,
        kind=kind,
        payload_id=document.payload_id,
        order_date=header.order_date,
        total=header.total.amount,
        currency=header.total.currency,
        lines=lines,
        test=test,
        received_at=now,
    )
    if kind is not OrderKind.NEW:
        if not previous:
            raise OrderRejectedError(
                417, f"There is no purchase order {number} to {kind.value}: it was never received."
            )
        if version <= max(o.order_version for o in previous):
            return OrderAnswer(
                200, f"Version {version} of purchase order {number} is not newer; nothing changed."
            )
    if test:
        return _test_order(uow, record, lines, now)
    if kind is OrderKind.NEW:
        agreement_ids = _new_order(uow, caller, record, lines, now)
    elif kind is OrderKind.UPDATE:
        agreement_ids = _update_order(uow, caller, record, previous, lines, now)
    else:
        agreement_ids = _delete_order(uow, record, previous, now)
    stored = dataclasses.replace(record, agreement_ids=agreement_ids)
    uow.orders.add_order(stored)
    done = {OrderKind.NEW: "accepted", OrderKind.UPDATE: "updated", OrderKind.DELETE: "cancelled"}
    return OrderAnswer(
        200,
        f"Purchase order {number} {done[kind]}: agreement(s) {', '.join(agreement_ids) or 'none'}.",
        order=stored,
    )


def _test_order(
    uow: UnitOfWork, record: PurchaseOrder, lines: Sequence[OrderLine], now: dt.datetime
) -> OrderAnswer:
    """Record a test order; requests it matches are marked test-completed, nothing else."""
    for request_id, group in group_by_request(lines).items():
        request = uow.punchout.get_request(request_id) if request_id else None
        if (
            request is not None
            and request.organization_id == record.organization_id
            and request.status is RequestStatus.PENDING_APPROVAL
            and not mismatches(request, group)
        ):
            uow.punchout.update_request(
                dataclasses.replace(request, status=RequestStatus.TEST_COMPLETED, updated_at=now)
            )
    uow.orders.add_order(record)
    return OrderAnswer(
        200,
        f"Test order {record.order_number} recorded: test mode creates no agreement, no invoice "
        "and no e-mail.",
        order=record,
    )


def _matched_requests(
    uow: UnitOfWork, organization_id: str, lines: Sequence[OrderLine]
) -> list[tuple[SubscriptionRequest, list[OrderLine]]]:
    """Each request the lines order, with its lines; rejects what does not match."""
    matched = []
    problems: list[str] = []
    for request_id, group in group_by_request(lines).items():
        numbers = ", ".join(str(line.line_number) for line in group)
        if request_id is None:
            raise OrderRejectedError(
                400,
                f"Line(s) {numbers} name no request (SupplierPartAuxiliaryID): order what was "
                "requested through the marketplace's punchout.",
            )
        request = uow.punchout.get_request(request_id)
        if request is None or request.organization_id != organization_id:
            raise OrderRejectedError(
                417, f"Line(s) {numbers}: there is no request {request_id} in this organization."
            )
        problems.extend(mismatches(request, group))
        matched.append((request, group))
    if problems:
        raise OrderRejectedError(
            400, "The order does not match the request: " + "; ".join(problems)
        )
    return matched


def _new_order(
    uow: UnitOfWork,
    caller: CxmlCaller,
    record: PurchaseOrder,
    lines: Sequence[OrderLine],
    now: dt.datetime,
) -> tuple[str, ...]:
    matched = _matched_requests(uow, record.organization_id, lines)
    for request, _ in matched:
        _require_pending(uow, request)
    created = []
    for request, group in matched:
        agreement = _agreement_for(uow, caller, record, request, group, now)
        created.append(agreement.id)
        uow.punchout.update_request(
            dataclasses.replace(request, status=RequestStatus.AGREEMENT_CREATED, updated_at=now)
        )
        _notify(uow, agreement, now)
    return tuple(created)


def _require_pending(uow: UnitOfWork, request: SubscriptionRequest) -> None:
    if request.status is RequestStatus.PENDING_APPROVAL:
        return
    if request.status is RequestStatus.AGREEMENT_CREATED:
        agreement = uow.agreements.for_request(request.id)
        po = agreement.purchase_order_number if agreement else "another purchase order"
        raise OrderRejectedError(409, f"Request {request.id} was already ordered (PO {po}).")
    reasons = {
        RequestStatus.PREAPPROVED: "was subscribed without approval (pre-approved)",
        RequestStatus.CANCELLED: "was cancelled",
        RequestStatus.REJECTED: "was rejected",
        RequestStatus.TEST_COMPLETED: "was completed in test mode; request approval again",
        RequestStatus.PO_RECEIVED: "is being ordered already",
    }
    raise OrderRejectedError(409, f"Request {request.id} {reasons[request.status]}.")


def _agreement_for(
    uow: UnitOfWork,
    caller: CxmlCaller,
    record: PurchaseOrder,
    request: SubscriptionRequest,
    group: Sequence[OrderLine],
    now: dt.datetime,
) -> Agreement:
    start = record.received_at.date()
    line_numbers = tuple(line.line_number for line in group)
    if request.pricing_model is PricingModel.SERVER_ANNUAL and request.choice.annual:
        pending = uow.agreements.find_annual_pending(request.organization_id, request.offer_id)
        if pending is not None:  # the second approval makes the agreement final
            final = dataclasses.replace(
                pending,
                payment_model=payment_model_for(request.pricing_model, request.choice),
                choice=request.choice,
                charges=request.charges,
                ends_on=end_date(request.pricing_model, request.choice, start),
                purchase_order_number=record.order_number,
                purchase_order_lines=line_numbers,
                order_version=record.order_version,
                annual_pending=False,
                updated_at=now,
            )
            uow.agreements.update(final)
            return final
    trial_days = 0
    if request.pricing_model is PricingModel.FREE_TRIAL:  # only trials need the offer's terms
        product = uow.catalog.get_product(request.product_id)
        offers = product.offers if product is not None else ()
        trial_days = next((o.trial_days for o in offers if o.id == request.offer_id), 0)
    agreement = Agreement(
        id="agmt-" + secrets.token_hex(8),
        organization_id=request.organization_id,
        account_id=request.account_id,
        user_id=request.user_id,
        request_id=request.id,
        product_id=request.product_id,
        product_title=request.product_title,
        seller_name=request.seller_name,
        offer_id=request.offer_id,
        offer_name=request.offer_name,
        pricing_model=request.pricing_model,
        payment_model=payment_model_for(request.pricing_model, request.choice),
        currency=request.currency,
        choice=request.choice,
        charges=request.charges,
        starts_on=start,
        ends_on=end_date(request.pricing_model, request.choice, start, trial_days),
        status=AgreementStatus.ACTIVE,
        created_at=now,
        updated_at=now,
        connection_id=caller.connection.id,
        purchase_order_number=record.order_number,
        purchase_order_lines=line_numbers,
        order_version=record.order_version,
        annual_pending=request.pricing_model is PricingModel.SERVER_ANNUAL
        and not request.choice.annual,
    )
    uow.agreements.add(agreement)
    return agreement


def _update_order(
    uow: UnitOfWork,
    caller: CxmlCaller,
    record: PurchaseOrder,
    previous: Sequence[PurchaseOrder],
    lines: Sequence[OrderLine],
    now: dt.datetime,
) -> tuple[str, ...]:
    current = _order_agreements(uow, previous)
    if current and all(a.status is AgreementStatus.CANCELLED for a in current):
        raise OrderRejectedError(
            409, f"Purchase order {record.order_number} was cancelled; it cannot be updated."
        )
    by_request = {a.request_id: a for a in current}
    kept = []
    for request, group in _matched_requests(uow, record.organization_id, lines):
        agreement = by_request.get(request.id)
        if agreement is None:
            _require_pending(uow, request)
            agreement = _agreement_for(uow, caller, record, request, group, now)
            uow.punchout.update_request(
                dataclasses.replace(request, status=RequestStatus.AGREEMENT_CREATED, updated_at=now)
            )
            _notify(uow, agreement, now)
        else:
            agreement = dataclasses.replace(
                agreement,
                choice=request.choice,
                charges=request.charges,
                ends_on=end_date(request.pricing_model, request.choice, agreement.starts_on),
                purchase_order_lines=tuple(line.line_number for line in group),
                order_version=record.order_version,
                updated_at=now,
            )
            uow.agreements.update(agreement)
            if request.status is not RequestStatus.AGREEMENT_CREATED:  # an edit reopened it
                uow.punchout.update_request(
                    dataclasses.replace(
                        request, status=RequestStatus.AGREEMENT_CREATED, updated_at=now
                    )
                )
        kept.append(agreement.id)
    for agreement in current:
        if agreement.id not in kept and agreement.status is AgreementStatus.ACTIVE:
            _cancel(uow, agreement, record, now)
    return tuple(kept)


def _delete_order(
    uow: UnitOfWork, record: PurchaseOrder, previous: Sequence[PurchaseOrder], now: dt.datetime
) -> tuple[str, ...]:
    cancelled = []
    for agreement in _order_agreements(uow, previous):
        if agreement.status is AgreementStatus.ACTIVE:
            _cancel(uow, agreement, record, now)
        cancelled.append(agreement.id)
    return tuple(cancelled)


def _order_agreements(uow: UnitOfWork, previous: Sequence[PurchaseOrder]) -> list[Agreement]:
    ids = dict.fromkeys(i for order in previous for i in order.agreement_ids)
    found = (uow.agreements.get(agreement_id) for agreement_id in ids)
    return [agreement for agreement in found if agreement is not None]


def _cancel(uow: UnitOfWork, agreement: Agreement, record: PurchaseOrder, now: dt.datetime) -> None:
    uow.agreements.update(
        dataclasses.replace(
            agreement,
            status=AgreementStatus.CANCELLED,
            cancelled_at=now,
            order_version=record.order_version,
            updated_at=now,
        )
    )


def _notify(uow: UnitOfWork, agreement: Agreement, now: dt.datetime) -> None:
    user = uow.users.get(agreement.user_id)
    if user is not None:
        uow.outbox.add(agreement_email(agreement, user, now))
