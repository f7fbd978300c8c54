"""The demo buyer organization wired to the buyer sandbox: a Coupa procurement configuration
and one connection whose cXML invoices go to the sandbox's inbox.

:func:`wire_demo_procurement` is idempotent. The configuration is made once, **out of test
mode** with billing integration and redirect on, so that the demo's purchase orders create
agreements and its agreements send cXML invoices; an administrator's later changes stay. The
demo connection is the organization's connection with :data:`DEMO_BUYER_IDENTITY`; it is
created once (its shared secret is shown then only), and given a new secret only when asked
(``new_secret``: the sandbox lost the one it had).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from marketplace.domain.procurement import PortalConnection, ProcurementConfiguration
from marketplace.services import connections, procurement
from marketplace.services.clock import utcnow
from marketplace.services.connections import ConnectionRequest
from marketplace.services.ports import Clock, SecretBox, UnitOfWorkFactory
from marketplace.services.procurement import ConfigurationChange
from marketplace.services.purchase_information import PurchaseInformation

__all__ = [
    "DEMO_BUYER_DOMAIN",
    "DEMO_BUYER_IDENTITY",
    "DEMO_INTEGRATION_NAME",
    "DEMO_SUPPLIER_NAME",
    "DemoWiring",
    "find_demo_connection",
    "sandbox_endpoints",
    "wire_demo_procurement",
]

DEMO_INTEGRATION_NAME = "Demo Coupa (buyer sandbox)"
DEMO_BUYER_DOMAIN = "DUNS"
DEMO_BUYER_IDENTITY = "demo-buyer-coupa"
DEMO_SUPPLIER_NAME = "Software Marketplace"
"""The supplier's name in the sandbox (its Shop Online tile says "Shop at …")."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoWiring:
    """The demo's configuration and connection; ``shared_secret`` is set only when this call
    created the connection or gave it a new secret (the one time it can be shown)."""

    configuration: ProcurementConfiguration
    connection: PortalConnection
    purchase_information: PurchaseInformation
    shared_secret: str | None
    created: bool


def sandbox_endpoints(sandbox_url: str) -> tuple[str, str]:
    """The sandbox's invoice inbox and the approval redirect URL (its home page, where the
    Shop Online tile is), on one host as Coupa's are."""
    base = sandbox_url.rstrip("/")
    return f"{base}/cxml/invoices", f"{base}/"


def wire_demo_procurement(
    uow_factory: UnitOfWorkFactory,
    box: SecretBox,
    *,
    organization_id: str,
    base_url: str,
    sandbox_url: str,
    new_secret: bool = False,
    clock: Clock = utcnow,
) -> DemoWiring:
    """Make (or find) the demo's Coupa configuration and connection to the sandbox at
    ``sandbox_url``; purchase information under ``base_url`` (see the module docstring)."""
    configuration = _configuration(uow_factory, organization_id, clock)
    existing = find_demo_connection(uow_factory, organization_id)
    secret: str | None = None
    if existing is None:
        invoice_endpoint, redirect_url = sandbox_endpoints(sandbox_url)
        request = ConnectionRequest(
            buyer_domain=DEMO_BUYER_DOMAIN,
            buyer_identity=DEMO_BUYER_IDENTITY,
            invoice_endpoint=invoice_endpoint,
            approval_redirect_url=redirect_url,
        )
        made = connections.create_connection(
            uow_factory(),
            None,
            request,
            box=box,
            organization_id=organization_id,
            source="cli",
            clock=clock,
        )
        connection, secret = made.connection, made.shared_secret
    else:
        connection = existing
        if new_secret:
            secret = connections.rotate_secret(
                uow_factory(),
                None,
                connection.id,
                box=box,
                grace=dt.timedelta(0),
                organization_id=organization_id,
                source="cli",
                clock=clock,
            ).shared_secret
    info = connections.purchase_information(
        uow_factory(), None, connection.id, base_url=base_url, organization_id=organization_id
    )
    if existing is None:  # redirect turns on with the first redirect connection: read again
        configuration = _configuration(uow_factory, organization_id, clock)
    return DemoWiring(
        configuration=configuration,
        connection=connection,
        purchase_information=info,
        shared_secret=secret,
        created=existing is None,
    )


def _configuration(
    uow_factory: UnitOfWorkFactory, organization_id: str, clock: Clock
) -> ProcurementConfiguration:
    found = procurement.find_configuration(uow_factory(), None, organization_id=organization_id)
    if found is not None:
        return found
    change = ConfigurationChange(
        system="COUPA",
        name=DEMO_INTEGRATION_NAME,
        description="The demo buyer's Coupa: the buyer sandbox on this machine.",
        enable_redirect=True,
        test_mode=False,
        billing_integration=True,
    )
    return procurement.put_configuration(
        uow_factory(), None, change, organization_id=organization_id, source="cli", clock=clock
    )


def find_demo_connection(
    uow_factory: UnitOfWorkFactory, organization_id: str
) -> PortalConnection | None:
    """The organization's demo connection (buyer :data:`DEMO_BUYER_IDENTITY`), or None."""
    for connection in connections.list_connections(
        uow_factory(), None, organization_id=organization_id
    ):
        if (
            connection.buyer_domain == DEMO_BUYER_DOMAIN
            and connection.buyer_identity == DEMO_BUYER_IDENTITY
        ):
            return connection
    return None
