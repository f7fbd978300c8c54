"""The audit log: who changed what in an organization's procurement integration, and when.

Each :class:`AuditEvent` names the operation (as CloudTrail does:
``PutProcurementSystemConfiguration`` …), the actor, the resource, the request's parameters
and the fields it changed. Secrets and contacts never reach it: :func:`mask` replaces them
with :data:`HIDDEN`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "HIDDEN",
    "SENSITIVE_FIELDS",
    "AuditEvent",
    "AuditEventName",
    "FieldChange",
    "JsonValue",
    "mask",
]

HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS"
SENSITIVE_FIELDS = frozenset({"shared_secret", "contacts", "secret", "password"})

JsonValue = str | int | bool | None | list[str]


class AuditEventName:
    """The event names the marketplace records."""

    PUT_CONFIGURATION = "PutProcurementSystemConfiguration"
    CREATE_PURCHASE_ORDER_ROLE = "CreateServiceLinkedRole"
    CREATE_CONNECTION = "CreateProcurementPortalPreference"
    ENABLE_CONNECTION = "EnableProcurementPortalConnection"
    DISABLE_CONNECTION = "DisableProcurementPortalConnection"
    ROTATE_SECRET = "RotateProcurementPortalSharedSecret"


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field an operation changed: its name, old value and new value (masked)."""

    field: str
    old: JsonValue
    new: JsonValue


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditEvent:
    """One recorded change. ``actor_user_id`` None: the operator (the ``marketplace`` command)
    or the marketplace itself (``source == "system"``)."""

    id: str
    organization_id: str
    occurred_at: dt.datetime
    event_name: str
    resource_type: str  # "procurement-system-configuration" | "procurement-portal-connection"
    resource_id: str
    account_id: str | None
    actor_user_id: str | None
    actor_email: str | None
    source: str  # "api" | "console" | "cli" | "system"
    request_parameters: Mapping[str, JsonValue]
    changes: tuple[FieldChange, ...] = ()


def mask(field: str, value: JsonValue) -> JsonValue:
    """``value``, or :data:`HIDDEN` when the field holds a secret or contacts."""
    if value is not None and field.rsplit(".", 1)[-1] in SENSITIVE_FIELDS:
        return HIDDEN
    return value
