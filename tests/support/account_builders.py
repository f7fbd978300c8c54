"""Builders for tests that need organizations, accounts and users in a fake store.

Each helper goes through the real use cases (``marketplace.services.accounts``) with a
stopped clock, so what they build is exactly what the marketplace would build.
"""

from __future__ import annotations

import datetime as dt

from fake_uow import FakeUnitOfWorkFactory

from marketplace.domain.accounts import Account, Principal, User
from marketplace.domain.policies import Policy
from marketplace.services import accounts

__all__ = ["NOW", "PASSWORD", "add_user", "clock", "principal_of"]

NOW = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)
PASSWORD = "correct horse battery"


def clock() -> dt.datetime:
    """A clock stopped at NOW."""
    return NOW


def principal_of(factory: FakeUnitOfWorkFactory, user: User) -> Principal:
    """The principal of a stored user."""
    return accounts.load_principal(factory(), user.id)


def add_user(
    factory: FakeUnitOfWorkFactory, account: Account, email: str, *policies: Policy
) -> Principal:
    """A new user of ``account`` holding ``policies`` (password PASSWORD), as a principal."""
    user = accounts.create_user(
        factory(),
        None,
        account_id=account.id,
        email=email,
        name=email.partition("@")[0],
        policies=[p.name for p in policies],
        password=PASSWORD,
        clock=clock,
    )
    return principal_of(factory, user)
