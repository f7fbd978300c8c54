"""The "Manage procurement systems" pages: configuration, connections, purchase information,
and the audit log.

The services decide who may do what (a member account, or a user without the procurement
admin policy, gets the 403 page). Changes made here are audited with ``source="console"``.
A shared secret is shown on exactly one page, the answer to the POST that created or rotated
it: that answer is a page, not a redirect (a secret never goes in a URL), and it is marked
``no-store`` so that neither the browser nor a proxy keeps a copy.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, ConfigDict
from starlette.responses import Response

from marketplace.domain.accounts import Principal
from marketplace.domain.audit import AuditEvent, JsonValue
from marketplace.domain.errors import ConflictError, ValidationError
from marketplace.domain.policies import ACTIONS
from marketplace.domain.procurement import (
    DEFAULT_SUPPLIER_ANID,
    NETWORK_ID,
    CartReturnField,
    ProcurementConfiguration,
    ProcurementSystem,
)
from marketplace.services import accounts, procurement
from marketplace.services.ports import UnitOfWork
from marketplace.web.csrf import csrf_protect
from marketplace.web.deps import get_database, get_secret_box, get_settings, signed_in_user
from marketplace.web.pages import page_router
from marketplace.web.rendering import render

router = page_router()

SignedIn = Annotated[Principal, Depends(signed_in_user)]
Protected = [Depends(csrf_protect)]

HOME = "/procurement"
AUDIT_PAGE_SIZE = 50

SETTINGS_CHECKBOXES = (
    "enable_redirect",
    "test_mode",
    "preapprove_free",
    "preapprove_byol",
    "billing_integration",
)
"""The setup form's checkboxes; the form lists those it shows in its ``checkboxes`` field."""


@dataclass(frozen=True, slots=True)
class GraceChoice:
    """One answer to "how long does the old secret keep working" when rotating it."""

    value: str
    label: str
    grace: dt.timedelta


GRACE_CHOICES = (
    GraceChoice("none", "No time: the old secret stops working now", dt.timedelta(0)),
    GraceChoice("1h", "1 hour", dt.timedelta(hours=1)),
    GraceChoice("24h", "24 hours", dt.timedelta(hours=24)),
    GraceChoice("7d", "7 days", dt.timedelta(days=7)),
)
DEFAULT_GRACE = "24h"


class SettingsForm(BaseModel):
    """The setup form as posted (checkboxes: present when checked, absent otherwise)."""

    model_config = ConfigDict(extra="ignore")

    system: str = ""
    name: str = ""
    description: str = ""
    enable_redirect: str | None = None
    test_mode: str | None = None
    preapprove_free: str | None = None
    preapprove_byol: str | None = None
    billing_integration: str | None = None
    checkboxes: str = ""  # the names of the checkboxes the form showed, space-separated

    def change(self) -> procurement.ConfigurationChange:
        """The Put this form asks for: every checkbox the form showed is True or False."""
        shown = set(self.checkboxes.split()) & set(SETTINGS_CHECKBOXES)
        flags = {name: (getattr(self, name) is not None) for name in shown}
        return procurement.ConfigurationChange(
            system=self.system.strip().upper(),
            name=self.name,
            description=self.description,
            **flags,
        )


class ConnectionForm(BaseModel):
    """The new-connection form as posted (Coupa's fields and Ariba's)."""

    model_config = ConfigDict(extra="ignore")

    buyer_domain: str = ""
    buyer_identity: str = ""
    supplier_domain: str = ""
    supplier_identity: str = ""
    shared_secret: str = ""
    invoice_endpoint: str = ""
    approval_redirect_url: str = ""
    sellers_of_record: str = ""
    cart_field: str = CartReturnField.URLENCODED.value
    test_mode: str | None = None
    buyer_anid: str = ""
    supplier_anid: str = ""

    def request(self, system: ProcurementSystem) -> procurement.ConnectionRequest:
        """The connection this form asks for; blank optional fields are left to defaults."""
        sellers = [part.strip() for part in self.sellers_of_record.split(",") if part.strip()]
        test_mode = self.test_mode is not None
        if system is ProcurementSystem.ARIBA:
            return procurement.ConnectionRequest(
                buyer_anid=self.buyer_anid.strip(),
                supplier_anid=_blank_to_none(self.supplier_anid),
                sellers_of_record=sellers,
                test_mode=test_mode,
            )
        return procurement.ConnectionRequest(
            buyer_domain=self.buyer_domain.strip(),
            buyer_identity=self.buyer_identity.strip(),
            supplier_domain=_blank_to_none(self.supplier_domain),
            supplier_identity=_blank_to_none(self.supplier_identity),
            shared_secret=self.shared_secret or None,  # a secret is taken as typed
            invoice_endpoint=_blank_to_none(self.invoice_endpoint),
            approval_redirect_url=_blank_to_none(self.approval_redirect_url),
            sellers_of_record=sellers,
            cart_field=self.cart_field.strip() or None,
            test_mode=test_mode,
        )

    def shown_again(self) -> dict[str, Any]:
        """The values to put back in the form after an error: all but the secret."""
        return self.model_dump(exclude={"shared_secret"})


# -- the overview ------------------------------------------------------------------------------


@router.get("/procurement", response_class=HTMLResponse)
def overview(request: Request, user: SignedIn) -> HTMLResponse:
    """Manage procurement systems: the settings and the portal connections, or the two
    set-up buttons before the first setup."""
    configuration = procurement.find_configuration(_uow(request), user)
    connections = (
        procurement.list_connections(_uow(request), user) if configuration is not None else ()
    )
    context = {"configuration": configuration, "connections": connections, **_abilities(user)}
    return render(request, "procurement.html", context)


# -- settings ----------------------------------------------------------------------------------


@router.get("/procurement/setup", response_class=HTMLResponse)
def setup_form(request: Request, user: SignedIn, system: str = "") -> HTMLResponse:
    """The setup form of the chosen system, filled in with the current settings if any."""
    configuration = procurement.find_configuration(_uow(request), user)
    chosen = _system(system, configuration)
    if configuration is not None:
        values = _settings_values(configuration)
    else:
        values = {"name": "", "description": "", "test_mode": True}
    values["system"] = chosen.value
    return _settings_page(request, chosen, values, configuration=configuration)


@router.post("/procurement/setup", response_class=HTMLResponse, dependencies=Protected)
def save_settings(
    request: Request, user: SignedIn, form: Annotated[SettingsForm, Form()]
) -> Response:
    """Save the settings (Put) and go back to the overview; errors show the form again."""
    change = form.change()
    try:
        procurement.put_configuration(_uow(request), user, change, source="console")
    except (ValidationError, ConflictError) as error:
        chosen = _system(change.system, None)
        values = {
            "system": chosen.value,
            "name": form.name,
            "description": form.description,
            **{name: getattr(form, name) is not None for name in SETTINGS_CHECKBOXES},
        }
        configuration = procurement.find_configuration(_uow(request), user)
        return _settings_page(request, chosen, values, configuration=configuration, error=error)
    return RedirectResponse(HOME, status_code=303)


# -- connections -------------------------------------------------------------------------------


@router.get("/procurement/connections/new", response_class=HTMLResponse)
def new_connection_form(request: Request, user: SignedIn) -> Response:
    """The form for a new connection of the configured system (set up the system first)."""
    configuration = procurement.find_configuration(_uow(request), user)
    if configuration is None:
        return RedirectResponse(HOME, status_code=303)
    values = ConnectionForm().shown_again()
    return _connection_form_page(request, configuration, values)


@router.post("/procurement/connections/new", response_class=HTMLResponse, dependencies=Protected)
def create_connection(
    request: Request, user: SignedIn, form: Annotated[ConnectionForm, Form()]
) -> Response:
    """Create the connection and show its shared secret, once; errors show the form again."""
    configuration = procurement.find_configuration(_uow(request), user)
    if configuration is None:
        return RedirectResponse(HOME, status_code=303)
    try:
        created = procurement.create_connection(
            _uow(request),
            user,
            form.request(configuration.system),
            box=get_secret_box(request),
            source="console",
        )
    except (ValidationError, ConflictError) as error:
        page_values = form.shown_again()
        page_values["secret_was_given"] = bool(form.shared_secret)
        return _connection_form_page(request, configuration, page_values, error=error)
    information = _purchase_information(request, user, created.connection.id)
    context = {
        "kind": "created",
        "connection": created.connection,
        "shared_secret": created.shared_secret,
        "previous_secret_expires_at": None,
        "information": information,
    }
    return _secret_page(request, context)


@router.get("/procurement/connections/{connection_id}", response_class=HTMLResponse)
def connection(request: Request, user: SignedIn, connection_id: str) -> HTMLResponse:
    """A connection: its details (never its secret), actions and purchase information."""
    details = procurement.get_connection(_uow(request), user, connection_id)
    information = _purchase_information(request, user, connection_id)
    context = {
        "details": details,
        "connection": details.connection,
        "information": information,
        "grace_choices": GRACE_CHOICES,
        "default_grace": DEFAULT_GRACE,
        **_abilities(user),
    }
    return render(request, "procurement_connection.html", context)


@router.post("/procurement/connections/{connection_id}/enable", dependencies=Protected)
def enable(
    request: Request, user: SignedIn, connection_id: str, return_to: Annotated[str, Form()] = ""
) -> RedirectResponse:
    """Enable the connection and go back to the page the button was on."""
    procurement.enable_connection(_uow(request), user, connection_id, source="console")
    return RedirectResponse(_back(return_to, connection_id), status_code=303)


@router.post("/procurement/connections/{connection_id}/disable", dependencies=Protected)
def disable(
    request: Request, user: SignedIn, connection_id: str, return_to: Annotated[str, Form()] = ""
) -> RedirectResponse:
    """Disable the connection (reversible) and go back to the page the button was on."""
    procurement.disable_connection(_uow(request), user, connection_id, source="console")
    return RedirectResponse(_back(return_to, connection_id), status_code=303)


@router.post(
    "/procurement/connections/{connection_id}/rotate-secret",
    response_class=HTMLResponse,
    dependencies=Protected,
)
def rotate_secret(
    request: Request, user: SignedIn, connection_id: str, grace: Annotated[str, Form()] = ""
) -> Response:
    """Give the connection a new shared secret and show it, once."""
    choice = next((c for c in GRACE_CHOICES if c.value == (grace or DEFAULT_GRACE)), None)
    if choice is None:
        message = "Choose how long the old secret keeps working."
        raise ValidationError(message, ())
    rotated = procurement.rotate_secret(
        _uow(request),
        user,
        connection_id,
        box=get_secret_box(request),
        grace=choice.grace,
        source="console",
    )
    context = {
        "kind": "rotated",
        "connection": rotated.connection,
        "shared_secret": rotated.shared_secret,
        "previous_secret_expires_at": rotated.previous_secret_expires_at,
        "grace": choice,
        "information": None,
    }
    return _secret_page(request, context)


# -- audit log ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One audit event as the audit page shows it."""

    event: AuditEvent
    who: str
    changes: tuple[tuple[str, str, str], ...]  # (field, old, new), already masked
    parameters: tuple[tuple[str, str], ...]  # the request's parameters, already masked


@router.get("/procurement/audit", response_class=HTMLResponse)
def audit_log(request: Request, user: SignedIn, next_token: str = "") -> HTMLResponse:
    """The audit log of configuration and connection changes, newest first."""
    found = procurement.list_audit_events(
        _uow(request), user, limit=AUDIT_PAGE_SIZE, next_token=next_token or None
    )
    rows = [_audit_row(event) for event in found.events]
    context = {"rows": rows, "next_token": found.next_token, "first_page": not next_token}
    return render(request, "procurement_audit.html", context)


def _audit_row(event: AuditEvent) -> AuditRow:
    if event.actor_email:
        who = event.actor_email
    elif event.source == "system":
        who = "The marketplace"
    else:
        who = "An operator (the marketplace command)"
    changes = tuple((c.field, _shown(c.old), _shown(c.new)) for c in event.changes)
    parameters = tuple((key, _shown(value)) for key, value in event.request_parameters.items())
    return AuditRow(event=event, who=who, changes=changes, parameters=parameters)


def _shown(value: JsonValue) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, list):
        return ", ".join(value) or "(none)"
    return str(value)


# -- helpers -----------------------------------------------------------------------------------


def _uow(request: Request) -> UnitOfWork:
    return get_database(request).unit_of_work()


def _abilities(user: Principal) -> dict[str, bool]:
    """Which buttons to show: a read-only user sees the settings without the controls that
    would only answer 403 (the services check again, whatever the page shows)."""
    return {
        "can_configure": accounts.is_allowed(user, ACTIONS.PUT_PROCUREMENT_CONFIGURATION),
        "can_create": accounts.is_allowed(user, ACTIONS.CREATE_PORTAL_PREFERENCE),
        "can_rotate": accounts.is_allowed(user, ACTIONS.PUT_PORTAL_PREFERENCE),
        "can_audit": accounts.is_allowed(user, ACTIONS.LOOKUP_AUDIT_EVENTS),
    }


def _blank_to_none(value: str) -> str | None:
    return value.strip() or None


def _system(value: str, configuration: ProcurementConfiguration | None) -> ProcurementSystem:
    """The system asked for in the query, else the configured one; else a 400 page."""
    if value.strip():
        try:
            return ProcurementSystem(value.strip().upper())
        except ValueError:
            pass
    elif configuration is not None:
        return configuration.system
    raise ValidationError(
        "Choose the procurement system to set up: Coupa or SAP Ariba.",
        (),
    )


def _settings_values(configuration: ProcurementConfiguration) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": configuration.name,
        "description": configuration.description,
    }
    for name in SETTINGS_CHECKBOXES:
        values[name] = bool(getattr(configuration, name))
    return values


def _settings_page(
    request: Request,
    system: ProcurementSystem,
    values: Mapping[str, Any],
    *,
    configuration: ProcurementConfiguration | None,
    error: ValidationError | ConflictError | None = None,
) -> HTMLResponse:
    checkboxes = [
        n
        for n in SETTINGS_CHECKBOXES
        if system is ProcurementSystem.COUPA or n != "enable_redirect"
    ]
    context = {
        "system": system,
        "values": values,
        "configuration": configuration,
        "checkboxes": " ".join(checkboxes),
        **_error_context(error, (*SETTINGS_CHECKBOXES, "system", "name", "description")),
    }
    return render(request, "procurement_setup.html", context, status_code=_status(error))


def _connection_form_page(
    request: Request,
    configuration: ProcurementConfiguration,
    values: Mapping[str, Any],
    *,
    error: ValidationError | ConflictError | None = None,
) -> HTMLResponse:
    context = {
        "configuration": configuration,
        "system": configuration.system,
        "values": values,
        "cart_fields": list(CartReturnField),
        "network_id": NETWORK_ID,
        "default_supplier_anid": DEFAULT_SUPPLIER_ANID,
        **_error_context(error, tuple(ConnectionForm.model_fields)),
    }
    template = "procurement_connection_form.html"
    return render(request, template, context, status_code=_status(error))


def _error_context(
    error: ValidationError | ConflictError | None, known_fields: Iterable[str]
) -> dict[str, Any]:
    """``errors``: each form field's messages; ``form_errors``: those of no field shown."""
    errors: dict[str, str] = {}
    form_errors: list[str] = []
    known = set(known_fields)
    if isinstance(error, ValidationError):
        for item in error.fields:
            name = _FIELD_ROOT.split(item.field, maxsplit=1)[0]
            if name in known:
                errors[name] = f"{errors[name]} {item.message}" if name in errors else item.message
            else:
                form_errors.append(item.message)
        if not error.fields:
            form_errors.append(error.message)
    elif error is not None:
        form_errors.append(error.message)
    return {"errors": errors, "form_errors": form_errors, "error_message": _summary(error)}


_FIELD_ROOT = re.compile(r"[.\[]")


def _summary(error: ValidationError | ConflictError | None) -> str:
    if isinstance(error, ConflictError):
        return "This cannot be saved as it stands"
    return "Correct the fields below" if error is not None else ""


def _status(error: ValidationError | ConflictError | None) -> int:
    if isinstance(error, ConflictError):
        return 409
    return 400 if error is not None else 200


def _purchase_information(
    request: Request, user: Principal, connection_id: str
) -> procurement.PurchaseInformation:
    return procurement.purchase_information(
        _uow(request), user, connection_id, base_url=get_settings(request).base_url
    )


def _secret_page(request: Request, context: Mapping[str, Any]) -> HTMLResponse:
    response = render(request, "procurement_secret.html", context)
    response.headers["Cache-Control"] = "no-store"
    return response


def _back(return_to: str, connection_id: str) -> str:
    """Where an Enable or Disable button goes back to: the overview or the connection."""
    return HOME if return_to == HOME else f"{HOME}/connections/{quote(connection_id, safe='')}"
