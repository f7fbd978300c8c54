"""Organizations, accounts, users and API keys: creating them, signing in, permissions.

Transactions: every function that takes a ``uow`` runs one transaction on it (``with
uow:``) and commits what it writes. Pass a unit of work that is *not* entered yet (storage's
units of work refuse to be entered twice); the same one may serve several calls one after
the other. Every check runs before the first write, so a call that fails has written nothing.
Password hashing, which is slow on purpose, happens before the transaction starts.

Signing in and API keys live in :mod:`.authentication`, permissions in :mod:`.permissions`;
both are re-exported here.

``principal=None`` means the operator (the ``marketplace`` command), who needs no
permission; otherwise the principal's managed policies must allow the action
(:func:`authorize`). Checks run in this order: permission (403), input (400, every bad field
at once), existence (404), conflicts such as a taken e-mail address (409).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from marketplace.domain.accounts import (
    Account,
    AccountKind,
    Organization,
    Principal,
    User,
)
from marketplace.domain.errors import (
    AccessDeniedError,
    AuthenticationError,
    ConflictError,
    NotFoundError,
)
from marketplace.domain.policies import (
    ACCOUNT_ADMIN_POLICY,
    ACTIONS,
    BUYER_POLICY,
    PROCUREMENT_ADMIN_POLICY,
)
from marketplace.services.authentication import (
    add_api_key,
    authenticate_api_key,
    authenticate_password,
    find_user_by_email,
    issue_api_key,
    list_api_keys,
    list_user_api_keys,
    load_principal,
    revoke_api_key,
    revoke_api_key_as_operator,
)
from marketplace.services.clock import utcnow
from marketplace.services.identifiers import new_account_id, new_organization_id, new_user_id
from marketplace.services.permissions import authorize, is_allowed
from marketplace.services.ports import Clock, UnitOfWork
from marketplace.services.security import hash_password
from marketplace.services.validation import Checks

__all__ = [
    "MANAGEMENT_ADMIN_POLICIES",
    "MEMBER_ADMIN_POLICIES",
    "NewAccount",
    "NewOrganization",
    "authenticate_api_key",
    "authenticate_password",
    "authorize",
    "create_member_account",
    "create_organization",
    "create_user",
    "describe_organization",
    "find_user_by_email",
    "is_allowed",
    "issue_api_key",
    "list_accounts",
    "list_api_keys",
    "list_user_api_keys",
    "load_principal",
    "revoke_api_key",
    "revoke_api_key_as_operator",
    "utcnow",
]

MANAGEMENT_ADMIN_POLICIES = (
    PROCUREMENT_ADMIN_POLICY.name,
    ACCOUNT_ADMIN_POLICY.name,
    BUYER_POLICY.name,
)
MEMBER_ADMIN_POLICIES = (ACCOUNT_ADMIN_POLICY.name, BUYER_POLICY.name)

_GONE = "Your sign-in is no longer valid; sign in again."


@dataclass(frozen=True, slots=True)
class NewOrganization:
    """A new organization, its management account, first administrator and their API key."""

    organization: Organization
    account: Account
    user: User
    api_key: str


@dataclass(frozen=True, slots=True)
class NewAccount:
    """A new member account, its administrator and their API key (shown once)."""

    account: Account
    user: User
    api_key: str


def create_organization(
    uow: UnitOfWork,
    *,
    name: str,
    admin_email: str,
    admin_name: str | None = None,
    admin_password: str | None = None,
    clock: Clock = utcnow,
) -> NewOrganization:
    """Create an organization, its management account and administrator (with an API key)."""
    checks = Checks()
    org_name = checks.name("name", name)
    admin = _Admin.check(checks, admin_email, admin_name, admin_password)
    checks.done()
    password_hash = admin.password_hash()
    with uow:
        _require_free_email(uow, admin.email)
        now = clock()
        organization = Organization(
            id=new_organization_id(lambda i: uow.organizations.get(i) is not None),
            name=org_name,
            management_account_id=new_account_id(lambda i: uow.accounts.get(i) is not None),
            created_at=now,
        )
        uow.organizations.add(organization)  # first: the account refers to it
        account = _add_account(uow, organization, org_name, AccountKind.MANAGEMENT, now)
        user, key = _add_admin(uow, account, admin, password_hash, MANAGEMENT_ADMIN_POLICIES, now)
        uow.commit()
    return NewOrganization(organization, account, user, key)


def create_member_account(
    uow: UnitOfWork,
    *,
    organization_id: str,
    name: str,
    admin_email: str,
    admin_name: str | None = None,
    admin_password: str | None = None,
    principal: Principal | None = None,
    clock: Clock = utcnow,
) -> NewAccount:
    """Create a member account of an organization and its administrator (with an API key)."""
    if principal is not None:
        authorize(principal, ACTIONS.CREATE_ACCOUNT)
        if principal.organization.id != organization_id:
            raise AccessDeniedError(
                "You can only create accounts in your own organization.", ACTIONS.CREATE_ACCOUNT
            )
    checks = Checks()
    account_name = checks.name("name", name)
    admin = _Admin.check(checks, admin_email, admin_name, admin_password)
    checks.done()
    password_hash = admin.password_hash()
    with uow:
        organization = uow.organizations.get(organization_id)
        if organization is None:
            raise NotFoundError(f"There is no organization {organization_id}.")
        _require_free_email(uow, admin.email)
        now = clock()
        account = _add_account(uow, organization, account_name, AccountKind.MEMBER, now)
        user, key = _add_admin(uow, account, admin, password_hash, MEMBER_ADMIN_POLICIES, now)
        uow.commit()
    return NewAccount(account, user, key)


def create_user(
    uow: UnitOfWork,
    principal: Principal | None,
    *,
    account_id: str,
    email: str,
    name: str,
    policies: Sequence[str],
    password: str | None = None,
    clock: Clock = utcnow,
) -> User:
    """Add a user with managed policies to an account the principal administers."""
    if principal is not None:
        authorize(principal, ACTIONS.CREATE_USER)
    checks = Checks()
    address = checks.email("email", email)
    person = checks.name("name", name)
    chosen = checks.policies("policies", policies)
    secret = checks.password("password", password)
    checks.done()
    password_hash = None if secret is None else hash_password(secret)
    with uow:
        account = uow.accounts.get(account_id)
        if account is None or (
            principal is not None and account.organization_id != principal.organization.id
        ):
            raise NotFoundError(f"There is no account {account_id}.")
        if principal is not None and not _administers(principal, account):
            raise AccessDeniedError(
                "Only the management account can add users to other accounts.",
                ACTIONS.CREATE_USER,
            )
        _require_free_email(uow, address)
        user = _add_user(uow, account, address, person, chosen, password_hash, clock())
        uow.commit()
    return user


def describe_organization(
    uow: UnitOfWork, principal: Principal
) -> tuple[Organization, Sequence[Account]]:
    """The principal's organization and all its accounts (management account first)."""
    authorize(principal, ACTIONS.DESCRIBE_ORGANIZATION)
    with uow:
        organization = uow.organizations.get(principal.organization.id)
        if organization is None:
            raise AuthenticationError(_GONE)
        accounts = _sorted(uow.accounts.list_for_organization(organization.id))
    return organization, accounts


def list_accounts(uow: UnitOfWork, principal: Principal) -> Sequence[Account]:
    """Every account of the principal's organization (management account first)."""
    authorize(principal, ACTIONS.LIST_ACCOUNTS)
    with uow:
        return _sorted(uow.accounts.list_for_organization(principal.organization.id))


def _sorted(accounts: Sequence[Account]) -> tuple[Account, ...]:
    return tuple(sorted(accounts, key=lambda a: (not a.is_management, a.name.lower(), a.id)))


@dataclass(frozen=True, slots=True)
class _Admin:
    """The checked input about an account's first administrator."""

    email: str
    name: str
    password: str | None

    @classmethod
    def check(cls, checks: Checks, email: str, name: str | None, password: str | None) -> _Admin:
        """Clean the ``admin_*`` fields; the name defaults to the e-mail's local part."""
        address = checks.email("admin_email", email)
        person = address.partition("@")[0] if name is None else checks.name("admin_name", name)
        return cls(address, person, checks.password("admin_password", password))

    def password_hash(self) -> str | None:
        """The password's hash (slow on purpose: call it outside the transaction)."""
        return None if self.password is None else hash_password(self.password)


def _add_account(
    uow: UnitOfWork, organization: Organization, name: str, kind: AccountKind, now: dt.datetime
) -> Account:
    if kind is AccountKind.MANAGEMENT:
        account_id = organization.management_account_id
    else:
        account_id = new_account_id(lambda i: uow.accounts.get(i) is not None)
    account = Account(
        id=account_id, organization_id=organization.id, name=name, kind=kind, created_at=now
    )
    uow.accounts.add(account)
    return account


def _add_admin(
    uow: UnitOfWork,
    account: Account,
    admin: _Admin,
    password_hash: str | None,
    policies: Sequence[str],
    now: dt.datetime,
) -> tuple[User, str]:
    user = _add_user(uow, account, admin.email, admin.name, policies, password_hash, now)
    _, key = add_api_key(uow, user.id, now)
    return user, key


def _administers(principal: Principal, account: Account) -> bool:
    """The management account administers every account of its organization."""
    return principal.account.is_management or principal.account.id == account.id


def _require_free_email(uow: UnitOfWork, email: str) -> None:
    if uow.users.get_by_email(email) is not None:
        raise ConflictError(f"A user with the e-mail address {email} already exists.")


def _add_user(
    uow: UnitOfWork,
    account: Account,
    email: str,
    name: str,
    policies: Sequence[str],
    password_hash: str | None,
    now: dt.datetime,
) -> User:
    user = User(
        id=new_user_id(),
        account_id=account.id,
        email=email,
        name=name,
        password_hash=password_hash,
        policies=tuple(policies),
        created_at=now,
    )
    uow.users.add(user)
    return user
