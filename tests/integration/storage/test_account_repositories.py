"""Organizations, accounts, users and API keys come back exactly as they were stored."""

from __future__ import annotations

import datetime as dt

import pytest
import storage_builders as build

from marketplace.domain.accounts import AccountKind
from marketplace.domain.errors import ConflictError, NotFoundError
from marketplace.storage.database import Database

pytestmark = pytest.mark.integration


@pytest.fixture
def stored_admin(database: Database) -> Database:
    """An organization with its management account and an administrator."""
    with database.unit_of_work() as uow:
        uow.organizations.add(build.organization())
        uow.accounts.add(build.account())
        uow.users.add(build.user())
        uow.commit()
    return database


def test_an_organization_and_its_accounts_round_trip(database: Database) -> None:
    member = build.account(id="444455556666", name="Engineering", kind=AccountKind.MEMBER)
    with database.unit_of_work() as uow:
        uow.organizations.add(build.organization())
        uow.accounts.add(build.account())
        uow.accounts.add(member)
        uow.commit()

    with database.unit_of_work() as uow:
        assert uow.organizations.get("o-acme00001") == build.organization()
        assert uow.accounts.get("444455556666") == member
        assert uow.accounts.list_for_organization("o-acme00001") == (build.account(), member)
        assert uow.organizations.get("o-missing000") is None
        assert uow.accounts.get("000000000000") is None


def test_times_come_back_in_utc_to_the_microsecond(database: Database) -> None:
    created = dt.datetime(
        2024, 2, 29, 23, 59, 59, 123456, tzinfo=dt.timezone(dt.timedelta(hours=5))
    )
    with database.unit_of_work() as uow:
        uow.organizations.add(build.organization(created_at=created))
        uow.commit()

    with database.unit_of_work() as uow:
        stored = uow.organizations.get("o-acme00001")
    assert stored is not None
    assert stored.created_at == created
    assert stored.created_at.utcoffset() == dt.timedelta(0)


def test_a_user_round_trips_with_policies_in_order(stored_admin: Database) -> None:
    other = build.user(
        id="u-fedcba9876543210",
        email="reader@acme.example",
        password_hash=None,
        policies=("MarketplaceReadOnlyAccess",),
    )
    with stored_admin.unit_of_work() as uow:
        uow.users.add(other)
        uow.commit()

    with stored_admin.unit_of_work() as uow:
        assert uow.users.get("u-0123456789abcdef") == build.user()
        assert uow.users.get_by_email("reader@acme.example") == other
        assert uow.users.list_for_account("111122223333") == (build.user(), other)
        assert uow.users.get("u-nobody") is None


def test_e_mail_lookups_ignore_case_and_spaces(stored_admin: Database) -> None:
    with stored_admin.unit_of_work() as uow:
        assert uow.users.get_by_email("  ADMIN@Acme.Example ") == build.user()
        assert uow.users.get_by_email("nobody@acme.example") is None


def test_a_second_user_with_the_same_e_mail_is_a_conflict(stored_admin: Database) -> None:
    with stored_admin.unit_of_work() as uow:
        with pytest.raises(ConflictError, match=r"admin@acme\.example"):
            uow.users.add(build.user(id="u-1111111111111111"))
        # The transaction is still usable after the refusal.
        uow.users.add(build.user(id="u-2222222222222222", email="second@acme.example"))
        uow.commit()

    with stored_admin.unit_of_work() as uow:
        assert [user.email for user in uow.users.list_for_account("111122223333")] == [
            "admin@acme.example",
            "second@acme.example",
        ]


def test_a_second_organization_with_the_same_id_is_a_conflict(database: Database) -> None:
    with database.unit_of_work() as uow:
        uow.organizations.add(build.organization())
        with pytest.raises(ConflictError):
            uow.organizations.add(build.organization(name="Impostor"))


def test_a_user_needs_an_existing_account(database: Database) -> None:
    with database.unit_of_work() as uow, pytest.raises(ConflictError):
        uow.users.add(build.user(account_id="999999999999"))


def test_api_keys_are_found_by_prefix_and_revoked_once(stored_admin: Database) -> None:
    second = build.api_key(id="k-fedcba9876543210", prefix="zzzz9999")
    first_revocation = build.WHEN + dt.timedelta(days=1)
    with stored_admin.unit_of_work() as uow:
        uow.api_keys.add(build.api_key())
        uow.api_keys.add(second)
        uow.api_keys.revoke("k-0123456789abcdef", first_revocation)
        uow.api_keys.revoke("k-0123456789abcdef", first_revocation + dt.timedelta(days=1))
        uow.commit()

    with stored_admin.unit_of_work() as uow:
        revoked = uow.api_keys.get_by_prefix("abcd1234")
        assert revoked == build.api_key(revoked_at=first_revocation)
        assert revoked is not None
        assert not revoked.active
        assert uow.api_keys.get_by_prefix("zzzz9999") == second
        assert uow.api_keys.list_for_user("u-0123456789abcdef") == (revoked, second)
        assert uow.api_keys.get_by_prefix("nope0000") is None


def test_revoking_an_unknown_key_says_so(stored_admin: Database) -> None:
    with stored_admin.unit_of_work() as uow, pytest.raises(NotFoundError):
        uow.api_keys.revoke("k-unknown", build.WHEN)


def test_two_keys_with_the_same_prefix_are_a_conflict(stored_admin: Database) -> None:
    with stored_admin.unit_of_work() as uow:
        uow.api_keys.add(build.api_key())
        with pytest.raises(ConflictError):
            uow.api_keys.add(build.api_key(id="k-other0000000000"))
