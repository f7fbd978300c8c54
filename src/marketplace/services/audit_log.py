"""Recording and reading the audit log of an organization's procurement integration.

Events are written by the use cases in the transaction of the change they describe, so the
log holds exactly the changes that were committed. Values of sensitive fields (secrets,
contacts) are masked before they are recorded, whichever use case records them.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from marketplace.domain.accounts import Principal
from marketplace.domain.audit import AuditEvent, FieldChange, JsonValue, mask
from marketplace.domain.errors import FieldError, ValidationError
from marketplace.services.ports import UnitOfWork

__all__ = ["AUDIT_PAGE_MAX", "AuditPage", "diff", "read_events", "record_event"]

AUDIT_PAGE_MAX = 200


@dataclass(frozen=True, slots=True)
class AuditPage:
    """A page of audit events, newest first; ``next_token`` fetches the next page."""

    events: tuple[AuditEvent, ...]
    next_token: str | None = None


def record_event(
    uow: UnitOfWork,
    actor: Principal | None,
    *,
    organization_id: str,
    event_name: str,
    resource_type: str,
    resource_id: str,
    occurred_at: dt.datetime,
    source: str,
    request_parameters: Mapping[str, JsonValue] | None = None,
    changes: tuple[FieldChange, ...] = (),
) -> AuditEvent:
    """Add an event (in the caller's transaction); sensitive values are masked here."""
    event = AuditEvent(
        id="ev-" + secrets.token_hex(8),
        organization_id=organization_id,
        occurred_at=occurred_at,
        event_name=event_name,
        resource_type=resource_type,
        resource_id=resource_id,
        account_id=None if actor is None else actor.account.id,
        actor_user_id=None if actor is None else actor.user.id,
        actor_email=None if actor is None else actor.user.email,
        source=source,
        request_parameters={k: mask(k, v) for k, v in (request_parameters or {}).items()},
        changes=tuple(
            FieldChange(c.field, mask(c.field, c.old), mask(c.field, c.new)) for c in changes
        ),
    )
    uow.audit.add(event)
    return event


def diff(
    old: Mapping[str, JsonValue], new: Mapping[str, JsonValue], prefix: str = ""
) -> tuple[FieldChange, ...]:
    """The fields whose values differ between ``old`` and ``new`` (keys of ``new``)."""
    return tuple(
        FieldChange(prefix + key, old.get(key), value)
        for key, value in new.items()
        if old.get(key) != value
    )


def read_events(
    uow: UnitOfWork, organization_id: str, *, limit: int, next_token: str | None
) -> AuditPage:
    """A page of the organization's events (run inside the caller's ``with uow``)."""
    problems = []
    if not 1 <= limit <= AUDIT_PAGE_MAX:
        problems.append(FieldError("limit", f"Use a limit from 1 to {AUDIT_PAGE_MAX}."))
    before = None
    if next_token is not None:
        before = _decode_token(next_token)
        if before is None:
            problems.append(FieldError("next_token", "Use the next_token of a previous page."))
    if problems:
        raise ValidationError("Some fields are invalid.", tuple(problems))
    found = tuple(uow.audit.list_for_organization(organization_id, limit=limit + 1, before=before))
    events = found[:limit]
    token = _encode_token(events[-1]) if len(found) > limit else None
    return AuditPage(events, token)


def _encode_token(event: AuditEvent) -> str:
    raw = json.dumps([event.occurred_at.isoformat(), event.id]).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _decode_token(token: str) -> tuple[dt.datetime, str] | None:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        occurred, event_id = json.loads(raw)
        when = dt.datetime.fromisoformat(occurred)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        return None
    if not isinstance(event_id, str) or when.tzinfo is None:
        return None
    return when.astimezone(dt.UTC), event_id
