"""Creating organizations, member accounts and users."""

from __future__ import annotations

import re

import pytest
from account_builders import NOW, PASSWORD, add_user, clock, principal_of
from fake_uow import FakeUnitOfWorkFactory

from marketplace.domain.accounts import AccountKind
from marketplace.domain.errors import (
    AccessDeniedError,
    ConflictError,
    NotFoundError,
    ValidationError,
)
from marketplace.domain.policies import (
    ACCOUNT_ADMIN_POLICY,
    ACTIONS,
    BUYER_POLICY,
    PROCUREMENT_ADMIN_POLICY,
    READ_ONLY_POLICY,
    Policy,
)
from marketplace.services import accounts
from marketplace.services.accounts import NewAccount, NewOrganization
from marketplace.services.security import verify_password


def fields_of(error: ValidationError) -> set[str]:
    return {problem.field for problem in error.fields}


def snapshot(factory: FakeUnitOfWorkFactory) -> tuple[int, ...]:
    store = factory.store
    return (
        len(store.organizations),
        len(store.accounts),
        len(store.users),
        len(store.api_keys),
    )


# --- organizations ---------------------------------------------------------------------------


def test_a_new_organization_has_a_management_account_and_an_administrator(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization
) -> None:
    store = factory.store

    assert store.organizations == {acme.organization.id: acme.organization}
    assert store.accounts == {acme.account.id: acme.account}
    assert acme.organization.name == "Acme"
    assert acme.organization.management_account_id == acme.account.id
    assert acme.account.kind is AccountKind.MANAGEMENT
    assert acme.account.organization_id == acme.organization.id
    assert acme.user.account_id == acme.account.id
    assert store.users[acme.user.id] == acme.user


def test_ids_have_the_documented_shapes(acme: NewOrganization) -> None:
    assert re.fullmatch(r"o-[a-z0-9]{10}", acme.organization.id)
    assert re.fullmatch(r"[0-9]{12}", acme.account.id)
    assert re.fullmatch(r"u-[0-9a-f]{16}", acme.user.id)
    assert re.fullmatch(r"mk_[a-z0-9]{12}_[A-Za-z0-9_-]{32}", acme.api_key)


def test_the_first_administrator_holds_the_procurement_account_and_buyer_policies(
    acme: NewOrganization,
) -> None:
    assert acme.user.policies == (
        PROCUREMENT_ADMIN_POLICY.name,
        ACCOUNT_ADMIN_POLICY.name,
        BUYER_POLICY.name,
    )


def test_the_administrators_api_key_is_stored_hashed_and_signs_them_in(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization
) -> None:
    (stored,) = factory.store.api_keys.values()

    assert acme.api_key not in repr(factory.store)
    assert stored.user_id == acme.user.id
    assert accounts.authenticate_api_key(factory(), acme.api_key).user == acme.user


def test_the_administrators_password_is_stored_as_an_argon2_hash(acme: NewOrganization) -> None:
    assert acme.user.password_hash is not None
    assert acme.user.password_hash.startswith("$argon2id$")
    assert verify_password(acme.user.password_hash, PASSWORD)


def test_everything_is_stamped_with_the_clock(acme: NewOrganization) -> None:
    assert acme.organization.created_at == acme.account.created_at == NOW
    assert acme.user.created_at == NOW


def test_creating_an_organization_is_one_committed_transaction(
    factory: FakeUnitOfWorkFactory,
) -> None:
    uow = factory()

    accounts.create_organization(uow, name="Acme", admin_email="it@acme.example")

    assert (uow.transactions, uow.commits) == (1, 1)


def test_the_email_is_trimmed_and_lower_cased_and_the_name_defaults_to_its_local_part(
    factory: FakeUnitOfWorkFactory,
) -> None:
    created = accounts.create_organization(
        factory(), name="  Acme  ", admin_email="  Jane.Doe@ACME.example "
    )

    assert created.organization.name == "Acme"
    assert created.user.email == "jane.doe@acme.example"
    assert created.user.name == "jane.doe"


def test_an_administrator_without_a_password_has_no_password_hash(
    globex: NewOrganization,
) -> None:
    assert globex.user.password_hash is None


def test_every_bad_field_of_a_new_organization_is_reported_at_once(
    factory: FakeUnitOfWorkFactory,
) -> None:
    with pytest.raises(ValidationError) as caught:
        accounts.create_organization(
            factory(),
            name=" ",
            admin_email="not-an-address",
            admin_name="x" * 101,
            admin_password="short",
        )

    assert fields_of(caught.value) == {"name", "admin_email", "admin_name", "admin_password"}
    assert snapshot(factory) == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Enter a name."),
        ("   ", "Enter a name."),
        ("x" * 101, "Use at most 100 characters."),
        ("Acme\x00Corp", "Remove the control characters."),
        ("Acme\nCorp", "Remove the control characters."),
    ],
)
def test_a_bad_organization_name_is_explained(
    factory: FakeUnitOfWorkFactory, name: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        accounts.create_organization(factory(), name=name, admin_email="it@acme.example")

    assert [(f.field, f.message) for f in caught.value.fields] == [("name", message)]


def test_a_name_of_exactly_100_characters_is_fine(factory: FakeUnitOfWorkFactory) -> None:
    created = accounts.create_organization(factory(), name="x" * 100, admin_email="a@b.example")

    assert created.organization.name == "x" * 100


@pytest.mark.parametrize("password", ["x" * 11, "x" * 1025])
def test_a_password_must_be_12_to_1024_characters(
    factory: FakeUnitOfWorkFactory, password: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        accounts.create_organization(
            factory(), name="Acme", admin_email="it@acme.example", admin_password=password
        )

    assert fields_of(caught.value) == {"admin_password"}


def test_an_email_address_too_long_for_mail_is_refused(factory: FakeUnitOfWorkFactory) -> None:
    address = "x" * 250 + "@a.example"

    with pytest.raises(ValidationError) as caught:
        accounts.create_organization(factory(), name="Acme", admin_email=address)

    assert fields_of(caught.value) == {"admin_email"}


def test_an_email_address_in_use_is_a_conflict_whatever_its_case(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization
) -> None:
    before = snapshot(factory)

    with pytest.raises(ConflictError):
        accounts.create_organization(factory(), name="Acme 2", admin_email="IT@Acme.Example")

    assert snapshot(factory) == before


# --- member accounts -------------------------------------------------------------------------


def test_a_member_account_belongs_to_the_organization_and_has_its_own_administrator(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization, engineering: NewAccount
) -> None:
    assert engineering.account.kind is AccountKind.MEMBER
    assert engineering.account.organization_id == acme.organization.id
    assert engineering.account.name == "Engineering"
    assert engineering.account.id != acme.account.id
    assert engineering.user.account_id == engineering.account.id
    assert engineering.user.policies == (ACCOUNT_ADMIN_POLICY.name, BUYER_POLICY.name)
    assert accounts.authenticate_api_key(factory(), engineering.api_key).account.id == (
        engineering.account.id
    )


def test_a_member_account_of_an_unknown_organization_is_not_found(
    factory: FakeUnitOfWorkFactory,
) -> None:
    with pytest.raises(NotFoundError):
        accounts.create_member_account(
            factory(), organization_id="o-missing000", name="Eng", admin_email="e@x.example"
        )

    assert snapshot(factory) == (0, 0, 0, 0)


def test_the_management_administrator_may_create_member_accounts(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization
) -> None:
    admin = principal_of(factory, acme.user)

    created = accounts.create_member_account(
        factory(),
        organization_id=acme.organization.id,
        name="Finance",
        admin_email="fin@acme.example",
        principal=admin,
    )

    assert created.account.organization_id == acme.organization.id


def test_a_member_account_administrator_may_not_create_accounts(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization, engineering: NewAccount
) -> None:
    member_admin = principal_of(factory, engineering.user)
    before = snapshot(factory)

    with pytest.raises(AccessDeniedError) as caught:
        accounts.create_member_account(
            factory(),
            organization_id=acme.organization.id,
            name="Shadow",
            admin_email="shadow@acme.example",
            principal=member_admin,
        )

    assert caught.value.action == ACTIONS.CREATE_ACCOUNT
    assert "management account" in caught.value.message
    assert snapshot(factory) == before


def test_a_buyer_in_the_management_account_may_not_create_accounts(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization
) -> None:
    buyer = add_user(factory, acme.account, "buyer@acme.example", BUYER_POLICY)

    with pytest.raises(AccessDeniedError):
        accounts.create_member_account(
            factory(),
            organization_id=acme.organization.id,
            name="Shadow",
            admin_email="shadow@acme.example",
            principal=buyer,
        )


def test_nobody_creates_accounts_in_another_organization(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization, globex: NewOrganization
) -> None:
    globex_admin = principal_of(factory, globex.user)
    before = snapshot(factory)

    with pytest.raises(AccessDeniedError):
        accounts.create_member_account(
            factory(),
            organization_id=acme.organization.id,
            name="Trojan",
            admin_email="trojan@globex.example",
            principal=globex_admin,
        )

    assert snapshot(factory) == before


def test_permission_is_checked_before_the_input(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization
) -> None:
    buyer = add_user(factory, acme.account, "buyer@acme.example", BUYER_POLICY)

    with pytest.raises(AccessDeniedError):
        accounts.create_member_account(
            factory(),
            organization_id=acme.organization.id,
            name="",
            admin_email="",
            principal=buyer,
        )


def test_every_bad_field_of_a_member_account_is_reported_at_once(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization
) -> None:
    with pytest.raises(ValidationError) as caught:
        accounts.create_member_account(
            factory(),
            organization_id=acme.organization.id,
            name="",
            admin_email="@",
            admin_password="tiny",
        )

    assert fields_of(caught.value) == {"name", "admin_email", "admin_password"}


def test_a_member_administrator_email_in_use_is_a_conflict(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization
) -> None:
    before = snapshot(factory)

    with pytest.raises(ConflictError):
        accounts.create_member_account(
            factory(),
            organization_id=acme.organization.id,
            name="Eng",
            admin_email="it@acme.example",
        )

    assert snapshot(factory) == before


# --- users -----------------------------------------------------------------------------------


def test_the_operator_adds_a_user_with_chosen_policies(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization
) -> None:
    user = accounts.create_user(
        factory(),
        None,
        account_id=acme.account.id,
        email="Reader@Acme.example",
        name=" Rae Reader ",
        policies=[READ_ONLY_POLICY.name, BUYER_POLICY.name, READ_ONLY_POLICY.name],
        clock=clock,
    )

    assert factory.store.users[user.id] == user
    assert user.email == "reader@acme.example"
    assert user.name == "Rae Reader"
    assert user.policies == (READ_ONLY_POLICY.name, BUYER_POLICY.name)
    assert user.password_hash is None
    assert user.created_at == NOW


def test_a_user_may_hold_no_policy_at_all(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization
) -> None:
    nobody = add_user(factory, acme.account, "nobody@acme.example")

    assert nobody.user.policies == ()


def test_an_unknown_policy_name_is_refused_and_named(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization
) -> None:
    with pytest.raises(ValidationError) as caught:
        accounts.create_user(
            factory(),
            None,
            account_id=acme.account.id,
            email="x@acme.example",
            name="X",
            policies=[BUYER_POLICY.name, "AdministratorAccess", "root"],
        )

    (problem,) = caught.value.fields
    assert problem.field == "policies"
    assert "AdministratorAccess" in problem.message
    assert "root" in problem.message


def test_every_bad_field_of_a_user_is_reported_at_once(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization
) -> None:
    with pytest.raises(ValidationError) as caught:
        accounts.create_user(
            factory(),
            None,
            account_id=acme.account.id,
            email="nope",
            name="",
            policies=["Nope"],
            password="short",
        )

    assert fields_of(caught.value) == {"email", "name", "policies", "password"}


def test_a_user_of_an_unknown_account_is_not_found(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization
) -> None:
    with pytest.raises(NotFoundError):
        accounts.create_user(
            factory(), None, account_id="000000000000", email="x@a.example", name="X", policies=[]
        )


def test_a_user_email_in_use_is_a_conflict(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization, engineering: NewAccount
) -> None:
    with pytest.raises(ConflictError):
        add_user(factory, engineering.account, "IT@acme.example", BUYER_POLICY)


def test_the_management_administrator_adds_users_to_any_account_of_the_organization(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization, engineering: NewAccount
) -> None:
    admin = principal_of(factory, acme.user)

    user = accounts.create_user(
        factory(),
        admin,
        account_id=engineering.account.id,
        email="dev@acme.example",
        name="Dev",
        policies=[BUYER_POLICY.name],
    )

    assert user.account_id == engineering.account.id


def test_a_member_administrator_adds_users_to_their_own_account_only(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization, engineering: NewAccount
) -> None:
    member_admin = principal_of(factory, engineering.user)

    own = accounts.create_user(
        factory(),
        member_admin,
        account_id=engineering.account.id,
        email="dev@acme.example",
        name="Dev",
        policies=[BUYER_POLICY.name],
    )
    with pytest.raises(AccessDeniedError) as caught:
        accounts.create_user(
            factory(),
            member_admin,
            account_id=acme.account.id,
            email="mole@acme.example",
            name="Mole",
            policies=[PROCUREMENT_ADMIN_POLICY.name],
        )

    assert own.account_id == engineering.account.id
    assert caught.value.action == ACTIONS.CREATE_USER
    assert "mole@acme.example" not in {u.email for u in factory.store.users.values()}


def test_an_account_of_another_organization_looks_like_no_account_at_all(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization, globex: NewOrganization
) -> None:
    globex_admin = principal_of(factory, globex.user)

    with pytest.raises(NotFoundError) as caught:
        accounts.create_user(
            factory(),
            globex_admin,
            account_id=acme.account.id,
            email="spy@globex.example",
            name="Spy",
            policies=[],
        )

    assert str(caught.value) == f"There is no account {acme.account.id}."


@pytest.mark.parametrize("policy", [BUYER_POLICY, READ_ONLY_POLICY])
def test_users_without_iam_permissions_may_not_add_users(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization, policy: Policy
) -> None:
    someone = add_user(factory, acme.account, "someone@acme.example", policy)

    with pytest.raises(AccessDeniedError):
        accounts.create_user(
            factory(),
            someone,
            account_id=acme.account.id,
            email="new@acme.example",
            name="New",
            policies=[],
        )
