"""Helpers for the web tests: a database wrapper for fake units of work, and form helpers.

``FakeDatabase`` gives ``create_app(settings, database=...)`` what it needs of a database
(``unit_of_work()``) over the in-memory fakes, so page and API tests need no SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from fake_uow import FakeUnitOfWork, FakeUnitOfWorkFactory
from fastapi.testclient import TestClient

from marketplace.domain.policies import BUYER_POLICY, READ_ONLY_POLICY
from marketplace.services import accounts
from marketplace.services.ports import UnitOfWork

__all__ = ["PASSWORD", "FakeDatabase", "People", "csrf_from", "make_people", "sign_in"]

PASSWORD = "correct horse battery"

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class FakeDatabase:
    """In-memory stand-in for ``storage.Database``: every unit of work shares one store."""

    def __init__(self) -> None:
        self.factory = FakeUnitOfWorkFactory()

    def unit_of_work(self, *, all_or_nothing: bool = False) -> FakeUnitOfWork:
        return self.factory()

    def dispose(self) -> None:
        """Nothing to release."""


def csrf_from(page: str) -> str:
    """The CSRF token of the first form on ``page``."""
    match = _CSRF.search(page)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD, next: str = "/") -> None:
    """Sign ``client`` in through the sign-in form."""
    token = csrf_from(client.get("/signin").text)
    response = client.post(
        "/signin",
        data={"email": email, "password": password, "next": next, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


class _Database(Protocol):
    def unit_of_work(self, *, all_or_nothing: bool = False) -> UnitOfWork: ...


@dataclass(frozen=True)
class People:
    """An organization with an administrator, a buyer and a read-only user (and keys)."""

    organization_id: str
    account_id: str
    admin_email: str
    admin_key: str
    buyer_email: str
    buyer_key: str
    reader_email: str
    reader_key: str


def make_people(database: _Database, domain: str = "acme.example") -> People:
    """Create "Acme Corp": its administrator, a buyer and a read-only user, with API keys."""
    org = accounts.create_organization(
        database.unit_of_work(),
        name="Acme Corp",
        admin_email=f"admin@{domain}",
        admin_name="Ada Admin",
        admin_password=PASSWORD,
    )
    keys = {}
    for email, name, policy in (
        (f"buyer@{domain}", "Bo Buyer", BUYER_POLICY),
        (f"reader@{domain}", "Rae Reader", READ_ONLY_POLICY),
    ):
        user = accounts.create_user(
            database.unit_of_work(),
            None,
            account_id=org.account.id,
            email=email,
            name=name,
            policies=[policy.name],
            password=PASSWORD,
        )
        keys[email] = accounts.issue_api_key(database.unit_of_work(), user.id)[1]
    return People(
        organization_id=org.organization.id,
        account_id=org.account.id,
        admin_email=f"admin@{domain}",
        admin_key=org.api_key,
        buyer_email=f"buyer@{domain}",
        buyer_key=keys[f"buyer@{domain}"],
        reader_email=f"reader@{domain}",
        reader_key=keys[f"reader@{domain}"],
    )
