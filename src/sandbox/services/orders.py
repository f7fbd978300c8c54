"""Purchase orders: issued from approved requisitions, transmitted to the supplier as cXML
OrderRequests, resent after a failure, changed (``update``) and cancelled (``delete``).

Every transmission is recorded with the supplier's answer (and the document as sent, its
shared secret removed) before the page shows it. No database transaction is open while the
supplier is being called.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection

import cxml
from cxml.models.envelope import Document
from sandbox.documents.common import order_header, payload_host, without_secrets
from sandbox.documents.orders import order_request
from sandbox.domain import orders as rules
from sandbox.domain.errors import NotFoundError, RuleError
from sandbox.domain.orders import OrderType, Outcome, PoStatus, PurchaseOrder, Transmission
from sandbox.domain.people import find_user
from sandbox.domain.requisitions import Line, Requisition
from sandbox.domain.suppliers import Supplier
from sandbox.services.context import Sandbox
from sandbox.storage import orders as store
from sandbox.storage import suppliers as supplier_store

__all__ = [
    "PoView",
    "cancel",
    "change_quantities",
    "get_po",
    "issue",
    "list_pos",
    "replace_lines",
    "resend",
    "transmit",
]


@dataclass(frozen=True, slots=True)
class PoView:
    """A PO with its supplier and every transmission, oldest first."""

    po: PurchaseOrder
    supplier: Supplier
    transmissions: tuple[Transmission, ...]

    @property
    def last(self) -> Transmission | None:
        """The newest transmission, or None before the first."""
        return self.transmissions[-1] if self.transmissions else None

    @property
    def can_resend(self) -> bool:
        """True when the newest transmission failed (unreachable, 5xx): it may be resent."""
        return self.last is not None and self.last.outcome is Outcome.FAILED


def issue(conn: Connection, requisition: Requisition, supplier: Supplier) -> PurchaseOrder:
    """Issue the PO of an approved requisition (inside the approval's transaction)."""
    assert requisition.decided_at is not None
    po = PurchaseOrder(
        number=rules.next_po_number(store.highest_po_number(conn)),
        requisition_id=requisition.id,
        supplier_id=supplier.id,
        requester_email=requisition.requester_email,
        version=1,
        status=PoStatus.ISSUED,
        lines=requisition.lines,
        test=supplier.settings.test,
        created_at=requisition.decided_at,
        updated_at=requisition.decided_at,
    )
    store.add_purchase_order(conn, po)
    return po


def get_po(sandbox: Sandbox, number: int) -> PoView:
    """The PO with this number, or NotFoundError."""
    with sandbox.database.transaction() as conn:
        return _view(conn, sandbox, number)


def _view(conn: Connection, sandbox: Sandbox, number: int) -> PoView:
    po = store.get_purchase_order(conn, number)
    if po is None:
        raise NotFoundError(f"There is no purchase order {number}.")
    supplier = supplier_store.get_supplier(conn, sandbox.box, po.supplier_id)
    assert supplier is not None
    return PoView(po, supplier, tuple(store.list_transmissions(conn, number)))


def list_pos(sandbox: Sandbox) -> list[PurchaseOrder]:
    """The newest POs first."""
    with sandbox.database.transaction() as conn:
        return store.list_purchase_orders(conn)


def transmit(sandbox: Sandbox, number: int, order_type: OrderType) -> Transmission:
    """Send the PO's current version as an OrderRequest of ``order_type``; the record of it."""
    view = get_po(sandbox, number)
    previous = _reference(view.transmissions)
    now = sandbox.clock()
    document = order_request(
        view.supplier,
        view.po,
        find_user(view.po.requester_email),
        order_type=order_type,
        payload_id=cxml.new_payload_id(payload_host(sandbox.settings.base_url)),
        now=now,
        previous_payload_id=previous,
    )
    return _post(sandbox, view, document, order_type)


def _reference(transmissions: Sequence[Transmission]) -> str | None:
    """The payloadID of the most recent OrderRequest for the order (accepted ones first)."""
    accepted = [t for t in transmissions if t.outcome is Outcome.ACCEPTED]
    chosen = accepted or list(transmissions)
    return chosen[-1].payload_id if chosen else None


def _post(
    sandbox: Sandbox, view: PoView, document: Document, order_type: OrderType
) -> Transmission:
    body = cxml.serialize(document)
    sandbox.check_outbound(body)
    answer = sandbox.poster.post(view.supplier.settings.po_url, body)
    record = Transmission(
        id=0,
        po_number=view.po.number,
        version=view.po.version,
        order_type=order_type,
        payload_id=document.payload_id,
        sent_at=sandbox.clock(),
        outcome=answer.outcome,
        http_status=answer.http_status,
        status_code=answer.status_code,
        status_text=answer.status_text,
        detail=answer.detail,
        document=without_secrets(document),
    )
    with sandbox.database.transaction() as conn:
        return store.add_transmission(conn, record)


def resend(sandbox: Sandbox, number: int) -> Transmission:
    """Send the failed newest transmission again: the same document and payloadID (so the
    supplier can tell a retry), with the supplier's current credentials."""
    view = get_po(sandbox, number)
    last = view.last
    if last is None or last.outcome is not Outcome.FAILED:
        raise RuleError(f"PO {number} has no failed transmission to resend.")
    stored = cxml.parse(last.document.encode("utf-8"))
    document = dataclasses.replace(stored, header=order_header(view.supplier))
    return _post(sandbox, view, document, last.order_type)


def _save_version(sandbox: Sandbox, changed: PurchaseOrder) -> None:
    with sandbox.database.transaction() as conn:
        current = store.get_purchase_order(conn, changed.number)
        if current is None or current.version != changed.version - 1:
            raise RuleError(f"PO {changed.number} changed meanwhile; reload it and try again.")
        store.save_purchase_order(conn, changed)


def change_quantities(
    sandbox: Sandbox, number: int, quantities: Mapping[int, Decimal]
) -> Transmission:
    """Save the next version with new quantities and send it as ``type="update"``."""
    view = get_po(sandbox, number)
    changed = rules.change_quantities(view.po, quantities, sandbox.clock())
    _save_version(sandbox, changed)
    return transmit(sandbox, number, OrderType.UPDATE)


def replace_lines(sandbox: Sandbox, number: int, lines: Sequence[Line]) -> Transmission:
    """Save the next version with the lines an ``edit`` punchout returned and send it as
    ``type="update"``. A returned line keeps the number of the PO line with the same
    SupplierPartAuxiliaryID; new lines are numbered after the highest one."""
    view = get_po(sandbox, number)
    if view.po.status is PoStatus.CANCELLED:
        raise RuleError(f"PO {number} is cancelled; it cannot be changed.")
    by_aux = {
        line.supplier_part_auxiliary_id: line.line_number
        for line in view.po.lines
        if line.supplier_part_auxiliary_id
    }
    next_number = max((line.line_number for line in view.po.lines), default=0)
    numbered = []
    for line in lines:
        known = by_aux.get(line.supplier_part_auxiliary_id or "")
        if known is None:
            next_number += 1
            known = next_number
        numbered.append(dataclasses.replace(line, line_number=known))
    changed = dataclasses.replace(
        view.po,
        lines=tuple(sorted(numbered, key=lambda line: line.line_number)),
        version=view.po.version + 1,
        updated_at=sandbox.clock(),
    )
    _save_version(sandbox, changed)
    return transmit(sandbox, number, OrderType.UPDATE)


def cancel(sandbox: Sandbox, number: int) -> Transmission:
    """Cancel the PO (next version) and send it as ``type="delete"``."""
    view = get_po(sandbox, number)
    _save_version(sandbox, rules.cancel(view.po, sandbox.clock()))
    return transmit(sandbox, number, OrderType.DELETE)
