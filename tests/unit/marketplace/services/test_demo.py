"""The demo organization and catalog that ``marketplace serve`` seeds."""

from __future__ import annotations

import dataclasses

from fake_uow import FakeUnitOfWorkFactory

from marketplace.domain.accounts import AccountKind
from marketplace.domain.policies import (
    ACCOUNT_ADMIN_POLICY,
    ACTIONS,
    BUYER_POLICY,
    PROCUREMENT_ADMIN_POLICY,
)
from marketplace.services import accounts, catalog, demo


def test_the_demo_holds_an_organization_two_accounts_three_users_and_a_catalog(
    factory: FakeUnitOfWorkFactory,
) -> None:
    info = demo.seed_demo(factory, products=40)

    store = factory.store
    organization = store.organizations[info.organization_id]
    management = store.accounts[info.management_account_id]
    member = store.accounts[info.member_account_id]
    assert organization.name == info.organization_name == "Demo Buyer Corp"
    assert management.kind is AccountKind.MANAGEMENT
    assert (member.kind, member.name) == (AccountKind.MEMBER, "Demo Engineering")
    assert member.organization_id == organization.id
    assert info.products == len(store.products) == 40
    assert info.created


def test_the_demo_users_sign_in_with_the_published_password_and_hold_their_policies(
    factory: FakeUnitOfWorkFactory,
) -> None:
    info = demo.seed_demo(factory, products=0)

    admin = accounts.authenticate_password(factory(), info.admin_email, "marketplace-demo")
    member_admin = accounts.authenticate_password(
        factory(), info.member_admin_email, demo.DEMO_ADMIN_PASSWORD
    )
    buyer = accounts.authenticate_password(factory(), info.buyer_email, info.password)

    assert (admin.account.id, buyer.account.id) == (
        info.management_account_id,
        info.member_account_id,
    )
    assert member_admin.account.id == info.member_account_id
    assert admin.user.policies == (
        PROCUREMENT_ADMIN_POLICY.name,
        ACCOUNT_ADMIN_POLICY.name,
        BUYER_POLICY.name,
    )
    assert buyer.user.policies == (BUYER_POLICY.name,)
    assert accounts.is_allowed(admin, ACTIONS.PUT_PROCUREMENT_CONFIGURATION)
    assert accounts.is_allowed(buyer, ACTIONS.SUBSCRIBE)
    assert not accounts.is_allowed(buyer, ACTIONS.LIST_ACCOUNTS)


def test_the_demo_addresses_are_the_published_ones(factory: FakeUnitOfWorkFactory) -> None:
    info = demo.seed_demo(factory, products=0)

    assert info.admin_email == "admin@demo-buyer.example"
    assert info.buyer_email == "buyer@demo-buyer.example"
    assert info.member_admin_email == "engineering-admin@demo-buyer.example"
    assert info.password == "marketplace-demo"


def test_seeding_the_demo_again_changes_nothing_and_reports_the_same(
    factory: FakeUnitOfWorkFactory,
) -> None:
    first = demo.seed_demo(factory, products=30)
    before = factory.store.copy()

    again = demo.seed_demo(factory, products=30)

    assert again == dataclasses.replace(first, created=False)
    assert factory.store == before


def test_a_missing_piece_of_the_demo_is_put_back(factory: FakeUnitOfWorkFactory) -> None:
    info = demo.seed_demo(factory, products=0)
    buyer = next(u for u in factory.store.users.values() if u.email == info.buyer_email)
    del factory.store.users[buyer.id]

    demo.seed_demo(factory, products=0)

    emails = {u.email for u in factory.store.users.values()}
    assert info.buyer_email in emails
    assert len(factory.store.organizations) == 1
    assert len(factory.store.accounts) == 2


def test_a_catalog_that_holds_products_is_left_alone(factory: FakeUnitOfWorkFactory) -> None:
    catalog.seed_catalog(factory, 12)

    info = demo.seed_demo(factory, products=500)

    assert info.products == len(factory.store.products) == 12


def test_the_demo_generator_is_exposed_by_the_demo_module() -> None:
    assert next(demo.generate_products(1)).id.startswith("prod-")
    assert demo.generate_sellers()
