"""The SQL repository of agreements (``services.ports.AgreementRepository``).

:class:`SqlAgreementRepository` works on the unit of work's connection. A write the
constraints refuse (a taken id or request id; an unknown organization, user, request or
connection) raises :class:`~marketplace.domain.errors.ConflictError` and leaves the
transaction usable (``storage.guarded``). The choice and charges are JSON text
(``punchout_records``), the purchase order line numbers too (``order_records``), so they come
back exactly: tuples, and every ``Decimal`` equal to, and written like, the one stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update

from marketplace.domain.agreements import Agreement, AgreementStatus, PaymentModel
from marketplace.domain.catalog import PricingModel
from marketplace.domain.errors import NotFoundError
from marketplace.storage import order_records
from marketplace.storage import punchout_records as records
from marketplace.storage.guarded import guarded_write
from marketplace.storage.records import AnyRow
from marketplace.storage.tables import agreements

__all__ = ["SqlAgreementRepository"]

# Built once: executed with each row's values as parameters, a statement is compiled once
# and found again in SQLAlchemy's cache by a key that costs nothing to work out.
_INSERT = insert(agreements)
_UPDATE = update(agreements).where(agreements.c.id == bindparam("by_id"))


class SqlAgreementRepository:
    """Agreements by id, by request (unique) and by organization."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, agreement: Agreement) -> None:
        """Store a new agreement; ``ConflictError`` for a taken id or request id, or an
        unknown organization, user, request or connection."""
        message = f"agreement {agreement.id} cannot be stored"
        guarded_write(self._connection, _INSERT, message, _row(agreement))

    def update(self, agreement: Agreement) -> None:
        """Replace the stored agreement (``NotFoundError`` when there is none)."""
        message = f"agreement {agreement.id} cannot be stored"
        parameters = {**_row(agreement), "by_id": agreement.id}
        if guarded_write(self._connection, _UPDATE, message, parameters) == 0:
            raise NotFoundError(f"agreement {agreement.id} does not exist")

    def get(self, agreement_id: str) -> Agreement | None:
        return self._first(agreements.c.id == agreement_id)

    def for_request(self, request_id: str) -> Agreement | None:
        """The agreement the request became (``request_id`` is unique)."""
        return self._first(agreements.c.request_id == request_id)

    def list_for_organization(
        self, organization_id: str, *, user_id: str | None = None, limit: int = 100
    ) -> Sequence[Agreement]:
        """The organization's agreements (only ``user_id``'s when given), newest first
        (``created_at``, then ``id``, both descending), at most ``limit``."""
        if limit <= 0:
            return ()
        statement = select(agreements).where(agreements.c.organization_id == organization_id)
        if user_id is not None:
            statement = statement.where(agreements.c.user_id == user_id)
        statement = statement.order_by(agreements.c.created_at.desc(), agreements.c.id.desc())
        return tuple(_agreement(row) for row in self._connection.execute(statement.limit(limit)))

    def list_page(self, *, after_id: str | None, limit: int) -> Sequence[Agreement]:
        """Up to ``limit`` agreements of every organization, by ``id`` (the primary key's
        order), strictly after ``after_id`` (from the first for None): billing walks them
        all a page at a time, each page found through the primary key."""
        if limit <= 0:
            return ()
        statement = select(agreements)
        if after_id is not None:
            statement = statement.where(agreements.c.id > after_id)
        statement = statement.order_by(agreements.c.id).limit(limit)
        return tuple(_agreement(row) for row in self._connection.execute(statement))

    def find_annual_pending(self, organization_id: str, offer_id: str) -> Agreement | None:
        """The organization's active agreement on ``offer_id`` waiting for its second
        approval (a cancelled one waits for nothing); the oldest when there are several."""
        statement = (
            select(agreements)
            .where(
                agreements.c.organization_id == organization_id,
                agreements.c.offer_id == offer_id,
                agreements.c.annual_pending.is_(True),
                agreements.c.status == AgreementStatus.ACTIVE.value,
            )
            .order_by(agreements.c.created_at, agreements.c.id)
            .limit(1)
        )
        row = self._connection.execute(statement).first()
        return None if row is None else _agreement(row)

    def count_by_status(self) -> Mapping[AgreementStatus, int]:
        """How many agreements are in each status (one ``GROUP BY``; empty ones left out)."""
        statement = select(agreements.c.status, func.count()).group_by(agreements.c.status)
        return {AgreementStatus(status): n for status, n in self._connection.execute(statement)}

    def _first(self, condition: Any) -> Agreement | None:
        row = self._connection.execute(select(agreements).where(condition)).first()
        return None if row is None else _agreement(row)


def _row(agreement: Agreement) -> dict[str, Any]:
    return {
        "id": agreement.id,
        "organization_id": agreement.organization_id,
        "account_id": agreement.account_id,
        "user_id": agreement.user_id,
        "request_id": agreement.request_id,
        "product_id": agreement.product_id,
        "product_title": agreement.product_title,
        "seller_name": agreement.seller_name,
        "offer_id": agreement.offer_id,
        "offer_name": agreement.offer_name,
        "pricing_model": agreement.pricing_model.value,
        "payment_model": agreement.payment_model.value,
        "currency": agreement.currency,
        "choice": records.choice_json(agreement.choice),
        "charges": records.charges_json(agreement.charges),
        "starts_on": agreement.starts_on,
        "ends_on": agreement.ends_on,
        "status": agreement.status.value,
        "created_at": agreement.created_at,
        "updated_at": agreement.updated_at,
        "connection_id": agreement.connection_id,
        "purchase_order_number": agreement.purchase_order_number,
        "purchase_order_lines": order_records.line_numbers_json(agreement.purchase_order_lines),
        "order_version": agreement.order_version,
        "annual_pending": agreement.annual_pending,
        "cancelled_at": agreement.cancelled_at,
    }


def _agreement(row: AnyRow) -> Agreement:
    values = row._asdict()
    values.update(
        pricing_model=PricingModel(row.pricing_model),
        payment_model=PaymentModel(row.payment_model),
        choice=records.choice_from_json(row.choice),
        charges=records.charges_from_json(row.charges),
        status=AgreementStatus(row.status),
        purchase_order_lines=order_records.line_numbers_from_json(row.purchase_order_lines),
    )
    return Agreement(**values)
