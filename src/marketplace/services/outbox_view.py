"""The outbox as the procurement administrator sees it (management account, with
``aws-marketplace:DescribeProcurementSystemConfiguration`` to look and
``aws-marketplace:PutProcurementSystemConfiguration`` to replay)."""

from __future__ import annotations

from collections.abc import Sequence

from marketplace.domain.accounts import Principal
from marketplace.domain.errors import NotFoundError
from marketplace.domain.outbox import DeliveryAttempt, MessageKind, OutboxMessage
from marketplace.domain.policies import ACTIONS
from marketplace.services.permissions import authorize
from marketplace.services.ports import UnitOfWork

__all__ = ["authorize_replay", "get_message", "list_messages"]


def list_messages(
    uow: UnitOfWork, principal: Principal, *, kind: MessageKind | None = None, limit: int = 200
) -> Sequence[OutboxMessage]:
    """The organization's messages, newest first."""
    authorize(principal, ACTIONS.DESCRIBE_PROCUREMENT_CONFIGURATION)
    with uow:
        return tuple(uow.outbox.list_messages(principal.organization.id, kind=kind, limit=limit))


def get_message(
    uow: UnitOfWork, principal: Principal, message_id: str
) -> tuple[OutboxMessage, tuple[DeliveryAttempt, ...]]:
    """One message of the organization and its attempts, oldest first."""
    authorize(principal, ACTIONS.DESCRIBE_PROCUREMENT_CONFIGURATION)
    with uow:
        message = uow.outbox.get(message_id)
        if message is None or message.organization_id != principal.organization.id:
            raise NotFoundError(f"There is no message {message_id}.")
        return message, tuple(uow.outbox.list_attempts(message_id))


def authorize_replay(principal: Principal) -> None:
    """Replaying a message changes the integration's state: the Put permission."""
    authorize(principal, ACTIONS.PUT_PROCUREMENT_CONFIGURATION)
