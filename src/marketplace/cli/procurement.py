"""``marketplace procurement``: an organization's procurement integration, as the operator.

The same use cases as the "Manage procurement systems" pages and the JSON API, run without a
principal (so without permission checks) and audited as the command line. The operator is
also who takes an SAP Ariba integration out of test mode once the buyer's Ariba test realm
works (``marketplace procurement configure --org … --system ARIBA --name … --no-test-mode``).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from marketplace.cli.context import open_store, state
from marketplace.cli.errors import MarketplaceGroup
from marketplace.cli.output import emit_fields, emit_json, note
from marketplace.domain.procurement import PortalConnection, ProcurementConfiguration
from marketplace.services import procurement
from marketplace.services.procurement import (
    ConfigurationChange,
    ConnectionRequest,
    PurchaseInformation,
)
from marketplace.services.secret_box import FernetSecretBox

__all__ = ["procurement_group"]

F = TypeVar("F", bound=Callable[..., Any])

_ORG = click.option("--org", "organization_id", required=True, help="The organization's id (o-…).")
_JSON = click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
_SECRET_NOTE = "The shared secret is shown only this once: give it to the buyer's administrator."


def _flag(name: str, help_text: str) -> Callable[[F], F]:
    """An on/off option that is None when left out (the stored value stays)."""
    return click.option(f"--{name}/--no-{name}", default=None, help=help_text)


@click.group("procurement", cls=MarketplaceGroup)
def procurement_group() -> None:
    """An organization's procurement system integration (Coupa, SAP Ariba)."""


@procurement_group.command("configure")
@_ORG
@click.option(
    "--system", type=click.Choice(["COUPA", "ARIBA"], case_sensitive=False), required=True
)
@click.option("--name", required=True, help="The integration's name.")
@click.option("--description", default=None, help="Free text.")
@_flag("enable-redirect", "Send Request approval to the buyer's Coupa (Coupa only).")
@_flag("test-mode", "Orders create nothing billable [default for a new integration: on].")
@_flag("preapprove-free", "Subscribe to free products at once, without the buyer's system.")
@_flag("preapprove-byol", "Subscribe to BYOL products at once, without the buyer's system.")
@_flag("billing-integration", "Put purchase-order numbers on invoices.")
@_JSON
def configure(
    organization_id: str,
    system: str,
    name: str,
    description: str | None,
    enable_redirect: bool | None,
    test_mode: bool | None,
    preapprove_free: bool | None,
    preapprove_byol: bool | None,
    billing_integration: bool | None,
    as_json: bool,
) -> None:
    """Create or update the organization's procurement system configuration.

    Options left out keep their value (or the default on the first run: test mode on,
    everything else off).

    \b
    Example:
      marketplace procurement configure --org o-abc1234567 --system COUPA --name "Acme Coupa"
    """
    change = ConfigurationChange(
        system=system.upper(),
        name=name,
        description=description,
        enable_redirect=enable_redirect,
        test_mode=test_mode,
        preapprove_free=preapprove_free,
        preapprove_byol=preapprove_byol,
        billing_integration=billing_integration,
    )
    with open_store(state().database_url()) as database:
        configuration = procurement.put_configuration(
            database.unit_of_work(), None, change, organization_id=organization_id, source="cli"
        )
    _show_configuration(configuration, as_json)


@procurement_group.command("show")
@_ORG
@_JSON
def show(organization_id: str, as_json: bool) -> None:
    """Show the organization's configuration and its connections (never their secrets)."""
    with open_store(state().database_url()) as database:
        configuration = procurement.describe_configuration(
            database.unit_of_work(), None, organization_id=organization_id
        )
        connections = procurement.list_connections(
            database.unit_of_work(), None, organization_id=organization_id
        )
    if as_json:
        emit_json(
            {
                "configuration": _configuration_json(configuration),
                "connections": [_connection_json(c) for c in connections],
            }
        )
        return
    _show_configuration(configuration, as_json=False)
    for connection in connections:
        _show_connection(connection)


@procurement_group.command("connect")
@_ORG
@click.option("--buyer-domain", default=None, help="cXML From domain (Coupa), e.g. NetworkID.")
@click.option("--buyer-identity", default=None, help="cXML From identity (Coupa).")
@click.option("--supplier-domain", default=None, help="cXML To domain [default: NetworkID].")
@click.option("--supplier-identity", default=None, help="cXML To identity [default: generated].")
@click.option("--buyer-anid", default=None, help="The buyer's Ariba Network id (Ariba).")
@click.option("--supplier-anid", default=None, help="The marketplace's Ariba Network id (Ariba).")
@click.option("--invoice-endpoint", default=None, help="Where cXML invoices go (Coupa, https).")
@click.option("--redirect-url", default=None, help="Approval redirect URL (Coupa, same host).")
@click.option("--seller", "sellers", multiple=True, help="A seller of record (repeatable).")
@click.option(
    "--cart-field",
    type=click.Choice(["cxml-urlencoded", "cxml-base64"]),
    default=None,
    help="The form field the cart returns in [default: cxml-urlencoded].",
)
@click.option("--test-mode", is_flag=True, help="Force test mode for this connection.")
@click.option("--disabled", is_flag=True, help="Create it disabled.")
@click.option(
    "--secret-stdin",
    is_flag=True,
    help="Read the shared secret from the first line of stdin [default: generate one].",
)
@_JSON
def connect(
    organization_id: str,
    buyer_domain: str | None,
    buyer_identity: str | None,
    supplier_domain: str | None,
    supplier_identity: str | None,
    buyer_anid: str | None,
    supplier_anid: str | None,
    invoice_endpoint: str | None,
    redirect_url: str | None,
    sellers: Sequence[str],
    cart_field: str | None,
    test_mode: bool,
    disabled: bool,
    secret_stdin: bool,
    as_json: bool,
) -> None:
    """Create a connection and print its shared secret (once) and purchase information.

    \b
    Example:
      marketplace procurement connect --org o-abc1234567 \\
        --buyer-domain NetworkID --buyer-identity acme-coupa --json
    """
    secret = sys.stdin.readline().rstrip("\r\n") if secret_stdin else None
    request = ConnectionRequest(
        buyer_domain=buyer_domain,
        buyer_identity=buyer_identity,
        supplier_domain=supplier_domain,
        supplier_identity=supplier_identity,
        shared_secret=secret,
        invoice_endpoint=invoice_endpoint,
        approval_redirect_url=redirect_url,
        sellers_of_record=tuple(sellers),
        cart_field=cart_field,
        buyer_anid=buyer_anid,
        supplier_anid=supplier_anid,
        test_mode=test_mode,
        enabled=not disabled,
    )
    settings = state().settings()
    box = FernetSecretBox(settings.secret_keys())
    with open_store(state().database_url()) as database:
        created = procurement.create_connection(
            database.unit_of_work(),
            None,
            request,
            box=box,
            organization_id=organization_id,
            source="cli",
        )
        info = procurement.purchase_information(
            database.unit_of_work(),
            None,
            created.connection.id,
            base_url=settings.base_url,
            organization_id=organization_id,
        )
    if as_json:
        emit_json(
            {
                **_connection_json(created.connection),
                "shared_secret": created.shared_secret,
                "purchase_information": info.as_dict(),
            }
        )
        return
    _show_connection(created.connection)
    click.echo(f"  shared secret  {created.shared_secret}")
    _show_purchase_information(info)
    note(_SECRET_NOTE)


@procurement_group.command("enable")
@click.argument("connection_id")
@_ORG
def enable(connection_id: str, organization_id: str) -> None:
    """Enable a connection (its punchouts and orders are accepted again)."""
    with open_store(state().database_url()) as database:
        connection = procurement.enable_connection(
            database.unit_of_work(),
            None,
            connection_id,
            organization_id=organization_id,
            source="cli",
        )
    _show_connection(connection)


@procurement_group.command("disable")
@click.argument("connection_id")
@_ORG
def disable(connection_id: str, organization_id: str) -> None:
    """Disable a connection (reversible: `marketplace procurement enable`)."""
    with open_store(state().database_url()) as database:
        connection = procurement.disable_connection(
            database.unit_of_work(),
            None,
            connection_id,
            organization_id=organization_id,
            source="cli",
        )
    _show_connection(connection)


@procurement_group.command("rotate-secret")
@click.argument("connection_id")
@_ORG
@click.option(
    "--grace-hours",
    type=click.IntRange(0, 720),
    default=24,
    show_default=True,
    help="How long the current secret keeps working.",
)
@_JSON
def rotate_secret(
    connection_id: str, organization_id: str, grace_hours: int, as_json: bool
) -> None:
    """Give a connection a new shared secret; the old one works for the grace period."""
    settings = state().settings()
    box = FernetSecretBox(settings.secret_keys())
    with open_store(state().database_url()) as database:
        rotated = procurement.rotate_secret(
            database.unit_of_work(),
            None,
            connection_id,
            box=box,
            grace=dt.timedelta(hours=grace_hours),
            organization_id=organization_id,
            source="cli",
        )
    expires = rotated.previous_secret_expires_at.isoformat()
    if as_json:
        emit_json({"shared_secret": rotated.shared_secret, "previous_secret_expires_at": expires})
        return
    emit_fields(
        f"New shared secret for {connection_id}",
        [("shared secret", rotated.shared_secret), ("old secret works until", expires)],
    )
    note(_SECRET_NOTE)


@procurement_group.command("audit")
@_ORG
@click.option("--limit", type=click.IntRange(1, 200), default=50, show_default=True)
@_JSON
def audit(organization_id: str, limit: int, as_json: bool) -> None:
    """The newest changes to the organization's procurement integration."""
    with open_store(state().database_url()) as database:
        page = procurement.list_audit_events(
            database.unit_of_work(), None, limit=limit, organization_id=organization_id
        )
    if as_json:
        emit_json(
            {
                "items": [
                    {
                        "id": e.id,
                        "occurred_at": e.occurred_at.isoformat(),
                        "event_name": e.event_name,
                        "resource_id": e.resource_id,
                        "actor_email": e.actor_email,
                        "source": e.source,
                        "request_parameters": dict(e.request_parameters),
                        "changes": [
                            {"field": c.field, "old": c.old, "new": c.new} for c in e.changes
                        ],
                    }
                    for e in page.events
                ]
            }
        )
        return
    for event in page.events:
        who = event.actor_email or event.source
        changed = ", ".join(f"{c.field}: {c.old} → {c.new}" for c in event.changes)
        click.echo(
            f"{event.occurred_at:%Y-%m-%d %H:%M:%S}  {event.event_name}  {event.resource_id}  "
            f"{who}" + (f"  ({changed})" if changed else "")
        )


def _configuration_json(configuration: ProcurementConfiguration) -> dict[str, object]:
    return {
        "organization_id": configuration.organization_id,
        "system": configuration.system.value,
        "name": configuration.name,
        "description": configuration.description,
        "enable_redirect": configuration.enable_redirect,
        "test_mode": configuration.test_mode,
        "preapprove_free": configuration.preapprove_free,
        "preapprove_byol": configuration.preapprove_byol,
        "billing_integration": configuration.billing_integration,
        "purchase_order_role": configuration.purchase_order_role,
    }


def _connection_json(connection: PortalConnection) -> dict[str, object]:
    return {
        "id": connection.id,
        "system": connection.system.value,
        "buyer_domain": connection.buyer_domain,
        "buyer_identity": connection.buyer_identity,
        "supplier_domain": connection.supplier_domain,
        "supplier_identity": connection.supplier_identity,
        "invoice_endpoint": connection.invoice_endpoint,
        "approval_redirect_url": connection.approval_redirect_url,
        "sellers_of_record": list(connection.sellers_of_record),
        "cart_field": connection.cart_field.value,
        "status": connection.status.value,
        "test_mode": connection.test_mode,
    }


def _show_configuration(configuration: ProcurementConfiguration, as_json: bool) -> None:
    if as_json:
        emit_json(_configuration_json(configuration))
        return
    values = _configuration_json(configuration)
    emit_fields(
        f"{configuration.system.display_name} integration {configuration.name!r} "
        f"of {configuration.organization_id}",
        [
            (key.replace("_", " "), _text(value))
            for key, value in values.items()
            if key not in ("organization_id", "system", "name")
        ],
    )


def _show_connection(connection: PortalConnection) -> None:
    emit_fields(
        f"Connection {connection.id} ({connection.status.value.lower()})",
        [
            ("buyer (From)", f"{connection.buyer_domain}/{connection.buyer_identity}"),
            ("supplier (To)", f"{connection.supplier_domain}/{connection.supplier_identity}"),
            ("invoice endpoint", connection.invoice_endpoint or "-"),
            ("redirect URL", connection.approval_redirect_url or "-"),
            ("sellers of record", ", ".join(connection.sellers_of_record) or "all"),
            ("test mode", _text(connection.test_mode)),
        ],
    )


def _show_purchase_information(info: PurchaseInformation) -> None:
    emit_fields(
        "Purchase information",
        [(item.label, item.value) for item in info.items],
    )


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return "-" if value in (None, "") else str(value)
