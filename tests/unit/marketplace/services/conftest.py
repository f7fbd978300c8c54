"""Fixtures of the services' unit tests: in-memory storage, cheap hashing, two organizations."""

from __future__ import annotations

import pytest
from account_builders import PASSWORD, clock
from fake_uow import FakeUnitOfWorkFactory
from fast_passwords import use_cheap_password_hashing

from marketplace.services import accounts
from marketplace.services.accounts import NewAccount, NewOrganization


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    use_cheap_password_hashing(monkeypatch)


@pytest.fixture
def factory() -> FakeUnitOfWorkFactory:
    """Units of work over one empty in-memory store."""
    return FakeUnitOfWorkFactory()


@pytest.fixture
def acme(factory: FakeUnitOfWorkFactory) -> NewOrganization:
    """Organization "Acme" with its administrator it@acme.example (password PASSWORD)."""
    return accounts.create_organization(
        factory(),
        name="Acme",
        admin_email="it@acme.example",
        admin_name="Ida Tech",
        admin_password=PASSWORD,
        clock=clock,
    )


@pytest.fixture
def engineering(factory: FakeUnitOfWorkFactory, acme: NewOrganization) -> NewAccount:
    """Acme's member account "Engineering", administered by eng@acme.example."""
    return accounts.create_member_account(
        factory(),
        organization_id=acme.organization.id,
        name="Engineering",
        admin_email="eng@acme.example",
        admin_password=PASSWORD,
        clock=clock,
    )


@pytest.fixture
def globex(factory: FakeUnitOfWorkFactory) -> NewOrganization:
    """Another organization, "Globex", administered by it@globex.example (no password)."""
    return accounts.create_organization(
        factory(), name="Globex", admin_email="it@globex.example", clock=clock
    )
