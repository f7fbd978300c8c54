"""The demo: a buyer organization to sign in with, and a believable catalog to browse.

:func:`seed_demo` is idempotent: it creates what is missing and reports what exists.

=========================================  ====================================================
``admin@demo-buyer.example``               administrator of the management account
                                           (procurement admin, account admin and buyer)
``engineering-admin@demo-buyer.example``   administrator of the member account
                                           "Demo Engineering" (account admin and buyer)
``buyer@demo-buyer.example``               a buyer in "Demo Engineering" (buyer policy only)
=========================================  ====================================================

All three sign in with the password ``marketplace-demo``. The catalog generator is in
:mod:`.demo_products` (re-exported here). ``marketplace demo setup`` (``make serve``) wires
the organization to the buyer sandbox (:mod:`.demo_wiring`); :class:`DemoInfo` then names
the connection.
"""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.domain.accounts import Account, AccountKind
from marketplace.domain.policies import BUYER_POLICY
from marketplace.services.accounts import (
    create_member_account,
    create_organization,
    create_user,
    load_principal,
)
from marketplace.services.catalog import seed_catalog
from marketplace.services.clock import utcnow
from marketplace.services.demo_products import generate_products, generate_sellers
from marketplace.services.demo_wiring import find_demo_connection
from marketplace.services.ports import Clock, UnitOfWorkFactory

__all__ = [
    "DEMO_ADMIN_EMAIL",
    "DEMO_ADMIN_PASSWORD",
    "DEMO_BUYER_EMAIL",
    "DEMO_MEMBER_ACCOUNT",
    "DEMO_MEMBER_ADMIN_EMAIL",
    "DEMO_ORGANIZATION",
    "DemoInfo",
    "generate_products",
    "generate_sellers",
    "seed_demo",
]

DEMO_ORGANIZATION = "Demo Buyer Corp"
DEMO_ADMIN_EMAIL = "admin@demo-buyer.example"
DEMO_ADMIN_PASSWORD = "marketplace-demo"
DEMO_MEMBER_ACCOUNT = "Demo Engineering"
DEMO_MEMBER_ADMIN_EMAIL = "engineering-admin@demo-buyer.example"
DEMO_BUYER_EMAIL = "buyer@demo-buyer.example"


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoInfo:
    """What the demo holds after :func:`seed_demo` (all three users share one password)."""

    organization_id: str
    organization_name: str
    management_account_id: str
    member_account_id: str
    admin_email: str
    member_admin_email: str
    buyer_email: str
    password: str
    products: int  # products in the catalog
    created: bool  # True when this call created the organization
    connection_id: str | None = None  # the Coupa connection to the buyer sandbox, once wired
    invoice_endpoint: str | None = None  # the sandbox's invoice inbox
    sandbox_url: str | None = None  # the sandbox's home page (Shop Online)


def seed_demo(
    uow_factory: UnitOfWorkFactory, *, products: int = 500, clock: Clock = utcnow
) -> DemoInfo:
    """Create the demo organization, accounts and users if absent; seed an empty catalog."""
    with uow_factory() as uow:
        admin = uow.users.get_by_email(DEMO_ADMIN_EMAIL)
    if admin is None:
        created = create_organization(
            uow_factory(),
            name=DEMO_ORGANIZATION,
            admin_email=DEMO_ADMIN_EMAIL,
            admin_name="Alex Admin",
            admin_password=DEMO_ADMIN_PASSWORD,
            clock=clock,
        )
        organization, management = created.organization, created.account
    else:
        principal = load_principal(uow_factory(), admin.id)
        organization, management = principal.organization, principal.account
    member = _member_account(uow_factory, organization.id, clock)
    _buyer(uow_factory, member, clock)
    with uow_factory() as uow:
        count = uow.catalog.count_products()
    if count == 0 and products > 0:
        count = seed_catalog(uow_factory, products)
    wired = find_demo_connection(uow_factory, organization.id)
    return DemoInfo(
        organization_id=organization.id,
        organization_name=organization.name,
        management_account_id=management.id,
        member_account_id=member.id,
        admin_email=DEMO_ADMIN_EMAIL,
        member_admin_email=DEMO_MEMBER_ADMIN_EMAIL,
        buyer_email=DEMO_BUYER_EMAIL,
        password=DEMO_ADMIN_PASSWORD,
        products=count,
        created=admin is None,
        connection_id=wired.id if wired else None,
        invoice_endpoint=wired.invoice_endpoint if wired else None,
        sandbox_url=wired.approval_redirect_url if wired else None,
    )


def _member_account(uow_factory: UnitOfWorkFactory, organization_id: str, clock: Clock) -> Account:
    with uow_factory() as uow:
        for account in uow.accounts.list_for_organization(organization_id):
            if account.kind is AccountKind.MEMBER and account.name == DEMO_MEMBER_ACCOUNT:
                return account
    return create_member_account(
        uow_factory(),
        organization_id=organization_id,
        name=DEMO_MEMBER_ACCOUNT,
        admin_email=DEMO_MEMBER_ADMIN_EMAIL,
        admin_name="Emery Engineering-Admin",
        admin_password=DEMO_ADMIN_PASSWORD,
        clock=clock,
    ).account


def _buyer(uow_factory: UnitOfWorkFactory, member: Account, clock: Clock) -> None:
    with uow_factory() as uow:
        if uow.users.get_by_email(DEMO_BUYER_EMAIL) is not None:
            return
    create_user(
        uow_factory(),
        None,
        account_id=member.id,
        email=DEMO_BUYER_EMAIL,
        name="Blair Buyer",
        policies=(BUYER_POLICY.name,),
        password=DEMO_ADMIN_PASSWORD,
        clock=clock,
    )
