"""Signing in with API keys and passwords; issuing and revoking keys."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from account_builders import NOW, PASSWORD, add_user, clock, principal_of
from fake_uow import FakeUnitOfWorkFactory

from marketplace.domain.errors import AccessDeniedError, AuthenticationError, NotFoundError
from marketplace.domain.policies import ACTIONS, BUYER_POLICY
from marketplace.services import accounts, authentication
from marketplace.services.accounts import NewAccount, NewOrganization

# --- API keys --------------------------------------------------------------------------------


def test_an_api_key_authenticates_its_user_account_and_organization(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization
) -> None:
    principal = accounts.authenticate_api_key(factory(), acme.api_key)

    assert principal.user == acme.user
    assert principal.account == acme.account
    assert principal.organization == acme.organization


def test_surrounding_white_space_around_a_key_is_forgiven(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization
) -> None:
    assert accounts.authenticate_api_key(factory(), f"  {acme.api_key}\n").user == acme.user


def _altered(key: str) -> str:
    last = key[-1]
    return key[:-1] + ("A" if last != "A" else "B")


@pytest.mark.parametrize(
    "mangle",
    [
        _altered,  # right prefix, wrong secret
        lambda key: key.upper(),
        lambda key: key[:-1],
        lambda key: "",
        lambda key: "mk_" + "a" * 12 + "_" + "b" * 32,  # well formed, unknown prefix
        lambda key: "Bearer " + key,
    ],
    ids=["wrong-secret", "upper-case", "truncated", "empty", "unknown-prefix", "with-scheme"],
)
def test_a_wrong_key_is_refused_with_one_message(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization, mangle: Callable[[str], str]
) -> None:
    key = mangle(acme.api_key)

    with pytest.raises(AuthenticationError) as caught:
        accounts.authenticate_api_key(factory(), key)

    assert caught.value.message == "The API key is not valid."


def test_a_key_whose_user_is_gone_is_refused(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization
) -> None:
    del factory.store.users[acme.user.id]

    with pytest.raises(AuthenticationError):
        accounts.authenticate_api_key(factory(), acme.api_key)


def test_authenticating_writes_nothing(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization
) -> None:
    uow = factory()

    accounts.authenticate_api_key(uow, acme.api_key)

    assert (uow.transactions, uow.commits) == (1, 0)


def test_a_user_may_hold_several_keys_and_each_works(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization
) -> None:
    stored, key = accounts.issue_api_key(factory(), acme.user.id, clock=clock)

    assert stored.user_id == acme.user.id
    assert stored.created_at == NOW
    assert stored.active
    assert key.split("_")[1] == stored.prefix
    assert accounts.authenticate_api_key(factory(), key).user == acme.user
    assert accounts.authenticate_api_key(factory(), acme.api_key).user == acme.user
    assert len(factory.store.api_keys) == 2


def test_a_key_for_an_unknown_user_is_not_issued(factory: FakeUnitOfWorkFactory) -> None:
    with pytest.raises(NotFoundError):
        accounts.issue_api_key(factory(), "u-0000000000000000")

    assert factory.store.api_keys == {}


def _key_id(factory: FakeUnitOfWorkFactory, key: str) -> str:
    prefix = key.split("_")[1]
    return next(k.id for k in factory.store.api_keys.values() if k.prefix == prefix)


def test_a_revoked_key_no_longer_authenticates(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization
) -> None:
    admin = principal_of(factory, acme.user)
    key_id = _key_id(factory, acme.api_key)

    accounts.revoke_api_key(factory(), admin, key_id, clock=clock)

    assert factory.store.api_keys[key_id].revoked_at == NOW
    with pytest.raises(AuthenticationError):
        accounts.authenticate_api_key(factory(), acme.api_key)


def test_revoking_twice_keeps_the_first_revocation_time(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization
) -> None:
    admin = principal_of(factory, acme.user)
    key_id = _key_id(factory, acme.api_key)
    accounts.revoke_api_key(factory(), admin, key_id, clock=clock)
    later = NOW.replace(year=2030)

    accounts.revoke_api_key(factory(), admin, key_id, clock=lambda: later)

    assert factory.store.api_keys[key_id].revoked_at == NOW


def test_anyone_may_revoke_their_own_key_without_an_iam_permission(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization
) -> None:
    buyer = add_user(factory, acme.account, "buyer@acme.example", BUYER_POLICY)
    stored, key = accounts.issue_api_key(factory(), buyer.user.id)

    accounts.revoke_api_key(factory(), buyer, stored.id)

    with pytest.raises(AuthenticationError):
        accounts.authenticate_api_key(factory(), key)


def test_revoking_someone_elses_key_needs_the_delete_access_key_permission(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization
) -> None:
    buyer = add_user(factory, acme.account, "buyer@acme.example", BUYER_POLICY)
    key_id = _key_id(factory, acme.api_key)

    with pytest.raises(AccessDeniedError) as caught:
        accounts.revoke_api_key(factory(), buyer, key_id)

    assert caught.value.action == ACTIONS.DELETE_ACCESS_KEY
    assert factory.store.api_keys[key_id].active


def test_a_member_administrator_revokes_keys_in_their_account_but_not_elsewhere(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization, engineering: NewAccount
) -> None:
    member_admin = principal_of(factory, engineering.user)
    dev = add_user(factory, engineering.account, "dev@acme.example", BUYER_POLICY)
    dev_key, _ = accounts.issue_api_key(factory(), dev.user.id)
    management_key_id = _key_id(factory, acme.api_key)

    accounts.revoke_api_key(factory(), member_admin, dev_key.id)
    with pytest.raises(NotFoundError):
        accounts.revoke_api_key(factory(), member_admin, management_key_id)

    assert not factory.store.api_keys[dev_key.id].active
    assert factory.store.api_keys[management_key_id].active


def test_the_management_administrator_revokes_keys_anywhere_in_the_organization(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization, engineering: NewAccount
) -> None:
    admin = principal_of(factory, acme.user)
    key_id = _key_id(factory, engineering.api_key)

    accounts.revoke_api_key(factory(), admin, key_id)

    assert not factory.store.api_keys[key_id].active


def test_keys_of_another_organization_cannot_be_found(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization, globex: NewOrganization
) -> None:
    globex_admin = principal_of(factory, globex.user)
    key_id = _key_id(factory, acme.api_key)

    with pytest.raises(NotFoundError):
        accounts.revoke_api_key(factory(), globex_admin, key_id)

    assert factory.store.api_keys[key_id].active


def test_an_unknown_key_id_is_not_found(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization
) -> None:
    with pytest.raises(NotFoundError):
        accounts.revoke_api_key(factory(), principal_of(factory, acme.user), "k-missing")


def test_a_caller_lists_only_their_own_keys_oldest_first(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization
) -> None:
    admin = principal_of(factory, acme.user)
    add_user(factory, acme.account, "buyer@acme.example", BUYER_POLICY)
    later = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    second, _ = accounts.issue_api_key(factory(), acme.user.id, clock=lambda: later)

    listed = accounts.list_api_keys(factory(), admin)

    assert [k.id for k in listed] == [_key_id(factory, acme.api_key), second.id]


def test_a_user_is_found_by_any_spelling_of_their_email(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization
) -> None:
    assert accounts.find_user_by_email(factory(), " IT@Acme.example ") == acme.user
    with pytest.raises(NotFoundError):
        accounts.find_user_by_email(factory(), "nobody@acme.example")


def test_the_operator_revokes_any_key_once_and_unknown_keys_are_not_found(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization
) -> None:
    key_id = _key_id(factory, acme.api_key)

    revoked = accounts.revoke_api_key_as_operator(factory(), key_id, clock=clock)
    again = accounts.revoke_api_key_as_operator(factory(), key_id)

    assert revoked.revoked_at == NOW
    assert again.revoked_at == NOW
    assert factory.store.api_keys[key_id].revoked_at == NOW
    with pytest.raises(AuthenticationError):
        accounts.authenticate_api_key(factory(), acme.api_key)
    with pytest.raises(NotFoundError):
        accounts.revoke_api_key_as_operator(factory(), "k-0000000000000000")


# --- passwords -------------------------------------------------------------------------------


def test_the_right_email_and_password_sign_in(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization
) -> None:
    principal = accounts.authenticate_password(factory(), " IT@acme.EXAMPLE ", PASSWORD)

    assert principal.user == acme.user
    assert principal.organization == acme.organization


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("it@acme.example", "wrong password!"),
        ("it@acme.example", PASSWORD.upper()),
        ("it@acme.example", ""),
        ("nobody@acme.example", PASSWORD),
        ("not an email", PASSWORD),
        ("", ""),
    ],
)
def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization, email: str, password: str
) -> None:
    with pytest.raises(AuthenticationError) as caught:
        accounts.authenticate_password(factory(), email, password)

    assert caught.value.message == "Incorrect e-mail address or password."


def test_a_user_without_a_password_cannot_sign_in_with_one(
    factory: FakeUnitOfWorkFactory, globex: NewOrganization
) -> None:
    with pytest.raises(AuthenticationError):
        accounts.authenticate_password(factory(), "it@globex.example", "")


def test_an_unknown_email_still_spends_the_time_of_a_password_check(
    factory: FakeUnitOfWorkFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    monkeypatch.setattr(authentication, "spend_password_check", checked.append)

    with pytest.raises(AuthenticationError):
        accounts.authenticate_password(factory(), "nobody@acme.example", "guess")

    assert checked == ["guess"]


# --- sessions --------------------------------------------------------------------------------


def test_a_signed_in_users_principal_is_loaded_by_id(
    factory: FakeUnitOfWorkFactory, engineering: NewAccount
) -> None:
    principal = accounts.load_principal(factory(), engineering.user.id)

    assert principal.account == engineering.account
    assert principal.organization.id == engineering.account.organization_id


def test_a_user_who_is_gone_has_no_principal(factory: FakeUnitOfWorkFactory) -> None:
    with pytest.raises(AuthenticationError):
        accounts.load_principal(factory(), "u-0000000000000000")
