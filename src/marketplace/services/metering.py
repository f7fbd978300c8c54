"""Metering: sellers report the usage of pay-as-you-go agreements, which billing then invoices.

A seller authenticates with a **metering key** (``sk_<prefix>_<secret>``, issued by the operator
with ``marketplace seller key``; only its SHA-256 is kept). Each usage record names the
agreement, a usage dimension of its offer, a quantity and when the usage happened, and has the
seller's own record id: a record reported again is a duplicate and changes nothing. Records are
answered one by one (``accepted``, ``duplicate`` or ``rejected`` with the reason), as AWS's
BatchMeterUsage does, so a batch with one bad record loses nothing else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import string
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from marketplace.domain.agreements import AgreementStatus
from marketplace.domain.billing import SellerKey, UsageRecord
from marketplace.domain.catalog import DimensionKind, Product
from marketplace.domain.errors import AuthenticationError, ConflictError, NotFoundError
from marketplace.services.clock import utcnow
from marketplace.services.ports import Clock, UnitOfWork
from marketplace.services.security import same_hash

__all__ = [
    "MAX_RECORDS",
    "RecordResult",
    "UsageInput",
    "authenticate_seller",
    "issue_seller_key",
    "report_usage",
]

MAX_RECORDS = 1000
MAX_QUANTITY = Decimal("1E12")
_MARK = "sk"
_PREFIX_LENGTH = 12
_ALPHABET = string.ascii_lowercase + string.digits
_BAD_KEY = "Send a valid metering key: Authorization: Bearer sk_…"
_FUTURE_SLACK = dt.timedelta(minutes=5)
_DECOY = hashlib.sha256(b"no such metering key").hexdigest()


@dataclass(frozen=True, slots=True)
class UsageInput:
    """One record as the seller sent it."""

    id: str
    agreement_id: str
    dimension: str
    quantity: object
    timestamp: dt.datetime | None


@dataclass(frozen=True, slots=True)
class RecordResult:
    """What became of one record: ``accepted``, ``duplicate`` or ``rejected`` (and why)."""

    id: str
    status: str
    message: str = ""


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def issue_seller_key(
    uow: UnitOfWork, seller_id: str, *, clock: Clock = utcnow
) -> tuple[SellerKey, str]:
    """A new metering key for ``seller_id`` (the operator's): the key is shown only now."""
    prefix = "".join(secrets.choice(_ALPHABET) for _ in range(_PREFIX_LENGTH))
    key = f"{_MARK}_{prefix}_{secrets.token_urlsafe(24)}"
    stored = SellerKey(
        id="sk-" + secrets.token_hex(8),
        seller_id=seller_id,
        prefix=prefix,
        key_hash=_hash(key),
        created_at=clock(),
    )
    with uow:
        try:
            uow.billing.add_seller_key(stored)
        except ConflictError as exc:
            raise NotFoundError(f"There is no seller {seller_id}.") from exc
        uow.commit()
    return stored, key


def authenticate_seller(uow: UnitOfWork, key: str) -> str:
    """The seller id a metering key belongs to (AuthenticationError otherwise)."""
    mark, _, rest = key.strip().partition("_")
    prefix = rest.partition("_")[0]
    with uow:
        stored = uow.billing.get_seller_key(prefix) if mark == _MARK and prefix else None
    matches = same_hash(stored.key_hash if stored else _DECOY, _hash(key.strip()))
    if stored is None or not matches or stored.revoked_at is not None:
        raise AuthenticationError(_BAD_KEY)
    return stored.seller_id


def report_usage(
    uow: UnitOfWork, seller_id: str, records: Sequence[UsageInput], *, clock: Clock = utcnow
) -> tuple[RecordResult, ...]:
    """Store the seller's usage records (see the module docstring); one result per record."""
    if len(records) > MAX_RECORDS:
        raise ConflictError(f"Send at most {MAX_RECORDS:,} records at a time.")
    now = clock()
    results = []
    products: dict[str, Product | None] = {}
    with uow:
        for record in records:
            problem, usage = _check(uow, seller_id, record, now, products)
            if usage is None:
                results.append(RecordResult(record.id, "rejected", problem))
            elif uow.billing.add_usage(usage, seller_id):
                results.append(RecordResult(record.id, "accepted"))
            else:
                results.append(RecordResult(record.id, "duplicate", "Reported before."))
        uow.commit()
    return tuple(results)


def _check(
    uow: UnitOfWork,
    seller_id: str,
    record: UsageInput,
    now: dt.datetime,
    products: dict[str, Product | None],
) -> tuple[str, UsageRecord | None]:
    record_id = record.id.strip()
    if not record_id or len(record_id) > 128 or any(c.isspace() for c in record_id):
        return "The record id is 1 to 128 characters without spaces.", None
    agreement = uow.agreements.get(record.agreement_id)
    if agreement is not None and agreement.product_id not in products:
        products[agreement.product_id] = uow.catalog.get_product(agreement.product_id)
    product = products.get(agreement.product_id) if agreement else None
    if agreement is None or product is None or product.seller.id != seller_id:
        return f"There is no agreement {record.agreement_id} for your products.", None
    offer = next((o for o in product.offers if o.id == agreement.offer_id), None)
    usage_keys = (
        {d.key for d in offer.dimensions if d.kind is DimensionKind.USAGE} if offer else set()
    )
    if record.dimension not in usage_keys:
        known = ", ".join(sorted(usage_keys)) or "none"
        return f"{record.dimension!r} is not a usage dimension of the offer ({known}).", None
    try:
        quantity = Decimal(str(record.quantity))
    except InvalidOperation:
        quantity = Decimal(-1)
    if (
        isinstance(record.quantity, bool)
        or not quantity.is_finite()
        or not 0 < quantity <= MAX_QUANTITY
    ):
        return "The quantity is a number above 0 (at most 10^12).", None
    when = record.timestamp
    if when is None or when.tzinfo is None:
        return "The timestamp needs a time zone (e.g. 2026-03-01T10:00:00Z).", None
    if when > now + _FUTURE_SLACK:
        return "The timestamp is in the future.", None
    if when.date() < agreement.starts_on:
        return "The usage happened before the agreement started.", None
    if (
        agreement.status is AgreementStatus.CANCELLED
        and agreement.cancelled_at
        and when > agreement.cancelled_at
    ):
        return "The usage happened after the agreement was cancelled.", None
    usage = UsageRecord(
        id=record_id,
        agreement_id=agreement.id,
        dimension=record.dimension,
        quantity=quantity,
        occurred_at=when.astimezone(dt.UTC),
        reported_at=now,
    )
    return "", usage
