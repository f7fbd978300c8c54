"""Who may do what: ``authorize`` on principals, and describing the organization."""

from __future__ import annotations

import dataclasses

import pytest
from account_builders import add_user, principal_of
from fake_uow import FakeUnitOfWorkFactory

from marketplace.domain.accounts import AccountKind, Principal
from marketplace.domain.errors import AccessDeniedError
from marketplace.domain.policies import ACTIONS, BUYER_POLICY, READ_ONLY_POLICY
from marketplace.services import accounts
from marketplace.services.accounts import NewAccount, NewOrganization


@pytest.fixture
def admin(factory: FakeUnitOfWorkFactory, acme: NewOrganization) -> Principal:
    return principal_of(factory, acme.user)


@pytest.fixture
def member_admin(factory: FakeUnitOfWorkFactory, engineering: NewAccount) -> Principal:
    return principal_of(factory, engineering.user)


@pytest.fixture
def buyer(factory: FakeUnitOfWorkFactory, engineering: NewAccount) -> Principal:
    return add_user(factory, engineering.account, "buyer@acme.example", BUYER_POLICY)


@pytest.fixture
def reader(factory: FakeUnitOfWorkFactory, acme: NewOrganization) -> Principal:
    return add_user(factory, acme.account, "reader@acme.example", READ_ONLY_POLICY)


def test_the_management_administrator_may_configure_procurement(admin: Principal) -> None:
    accounts.authorize(admin, ACTIONS.PUT_PROCUREMENT_CONFIGURATION)

    assert accounts.is_allowed(admin, ACTIONS.CREATE_PORTAL_PREFERENCE)


def test_a_member_account_is_told_the_action_belongs_to_the_management_account(
    member_admin: Principal,
) -> None:
    with pytest.raises(AccessDeniedError) as caught:
        accounts.authorize(member_admin, ACTIONS.PUT_PROCUREMENT_CONFIGURATION)

    assert caught.value.action == ACTIONS.PUT_PROCUREMENT_CONFIGURATION
    assert caught.value.message == (
        "Only the organization's management account can perform "
        "aws-marketplace:PutProcurementSystemConfiguration."
    )


def test_a_missing_permission_is_named_in_the_refusal(buyer: Principal) -> None:
    with pytest.raises(AccessDeniedError) as caught:
        accounts.authorize(buyer, ACTIONS.CREATE_USER)

    assert caught.value.action == ACTIONS.CREATE_USER
    assert caught.value.message == "Your permissions do not allow iam:CreateUser."


def test_a_buyer_may_browse_and_subscribe_but_not_administer(buyer: Principal) -> None:
    for action in (ACTIONS.SEARCH_LISTINGS, ACTIONS.DESCRIBE_LISTINGS, ACTIONS.SUBSCRIBE):
        assert accounts.is_allowed(buyer, action)
    for action in (ACTIONS.CREATE_USER, ACTIONS.DESCRIBE_ORGANIZATION, ACTIONS.CREATE_ACCOUNT):
        assert not accounts.is_allowed(buyer, action)


def test_an_unknown_policy_name_on_a_user_grants_nothing(admin: Principal) -> None:
    odd = dataclasses.replace(admin.user, policies=("AdministratorAccess",))
    principal = Principal(odd, admin.account, admin.organization)

    assert not accounts.is_allowed(principal, ACTIONS.SEARCH_LISTINGS)


def test_a_user_with_no_policy_may_do_nothing(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization
) -> None:
    nobody = add_user(factory, acme.account, "nobody@acme.example")

    assert not any(
        accounts.is_allowed(nobody, action)
        for name, action in vars(ACTIONS).items()
        if name.isupper()
    )


def test_describing_the_organization_lists_the_management_account_first(
    factory: FakeUnitOfWorkFactory,
    acme: NewOrganization,
    engineering: NewAccount,
    admin: Principal,
) -> None:
    accounts.create_member_account(
        factory(),
        organization_id=acme.organization.id,
        name="analytics",
        admin_email="data@acme.example",
    )

    organization, listed = accounts.describe_organization(factory(), admin)

    assert organization == acme.organization
    assert [a.name for a in listed] == ["Acme", "analytics", "Engineering"]
    assert listed[0].kind is AccountKind.MANAGEMENT


def test_listing_accounts_shows_only_the_callers_organization(
    factory: FakeUnitOfWorkFactory,
    acme: NewOrganization,
    engineering: NewAccount,
    globex: NewOrganization,
    reader: Principal,
) -> None:
    listed = accounts.list_accounts(factory(), reader)

    assert {a.id for a in listed} == {acme.account.id, engineering.account.id}


def test_a_member_administrator_may_describe_the_organization(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization, member_admin: Principal
) -> None:
    organization, _ = accounts.describe_organization(factory(), member_admin)

    assert organization.id == acme.organization.id


def test_a_buyer_may_neither_describe_the_organization_nor_list_its_accounts(
    factory: FakeUnitOfWorkFactory, buyer: Principal
) -> None:
    uow = factory()

    with pytest.raises(AccessDeniedError):
        accounts.describe_organization(uow, buyer)
    with pytest.raises(AccessDeniedError):
        accounts.list_accounts(uow, buyer)

    assert uow.transactions == 0  # refused before reading anything
