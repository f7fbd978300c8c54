"""The e-mails the marketplace sends, as outbox messages (delivered by the worker over SMTP).

Written in the transaction of the change they report, so a committed agreement always has
its e-mail and a rolled-back one never does.
"""

from __future__ import annotations

import datetime as dt
import secrets

from marketplace.domain.accounts import User
from marketplace.domain.agreements import Agreement
from marketplace.domain.outbox import DeliveryStatus, MessageKind, OutboxMessage

__all__ = ["agreement_email"]


def agreement_email(agreement: Agreement, user: User, now: dt.datetime) -> OutboxMessage:
    """ "Your subscription is available": product, offer, dates and purchase order number."""
    ends = agreement.ends_on.isoformat() if agreement.ends_on else "until cancelled"
    lines = [
        f"Hello {user.name},",
        "",
        f"Your subscription to {agreement.product_title} is available.",
        "",
        f"Product:         {agreement.product_title} ({agreement.seller_name})",
        f"Offer:           {agreement.offer_name}",
        f"Payment:         {agreement.payment_model.label}",
        f"Starts:          {agreement.starts_on.isoformat()}",
        f"Ends:            {ends}",
        f"Purchase order:  {agreement.purchase_order_number or '-'}",
        f"Agreement:       {agreement.id}",
        "",
        "You will find it under Your software on the marketplace.",
    ]
    return OutboxMessage(
        id="msg-" + secrets.token_hex(8),
        kind=MessageKind.EMAIL,
        organization_id=agreement.organization_id,
        destination=user.email,
        subject=f"Your subscription to {agreement.product_title} is available",
        body="\n".join(lines) + "\n",
        status=DeliveryStatus.PENDING,
        next_attempt_at=now,
        created_at=now,
        reference=agreement.id,
    )
