"""SQL repositories of organizations, accounts, users and API keys (``services.ports``).

Each works on the unit of work's connection. An insert that breaks a unique constraint raises
:class:`~marketplace.domain.errors.ConflictError` and leaves the transaction usable
(``storage.guarded``). :class:`SqlCatalogRepository` lives in ``catalog.py`` and is re-exported
here.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from sqlalchemy import Connection, bindparam, insert, select, update

from marketplace.domain.accounts import Account, AccountKind, ApiKey, Organization, User
from marketplace.domain.errors import ConflictError, NotFoundError
from marketplace.storage.catalog import SqlCatalogRepository
from marketplace.storage.guarded import guarded_write
from marketplace.storage.records import AnyRow
from marketplace.storage.tables import accounts, api_keys, organizations, users

__all__ = [
    "SqlAccountRepository",
    "SqlApiKeyRepository",
    "SqlCatalogRepository",
    "SqlOrganizationRepository",
    "SqlUserRepository",
]

_USER = select(users).where(users.c.id == bindparam("by_id"))


class SqlOrganizationRepository:
    """Organizations by id."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, organization: Organization) -> None:
        statement = insert(organizations).values(
            id=organization.id,
            name=organization.name,
            management_account_id=organization.management_account_id,
            created_at=organization.created_at,
        )
        guarded_write(self._connection, statement, f"organization {organization.id} already exists")

    def get(self, organization_id: str) -> Organization | None:
        row = self._connection.execute(
            select(organizations).where(organizations.c.id == organization_id)
        ).first()
        if row is None:
            return None
        return Organization(
            id=row.id,
            name=row.name,
            management_account_id=row.management_account_id,
            created_at=row.created_at,
        )


class SqlAccountRepository:
    """Accounts by id and by organization."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, account: Account) -> None:
        statement = insert(accounts).values(
            id=account.id,
            organization_id=account.organization_id,
            name=account.name,
            kind=account.kind.value,
            created_at=account.created_at,
        )
        guarded_write(self._connection, statement, f"account {account.id} already exists")

    def get(self, account_id: str) -> Account | None:
        row = self._connection.execute(select(accounts).where(accounts.c.id == account_id)).first()
        return None if row is None else _account(row)

    def list_for_organization(self, organization_id: str) -> Sequence[Account]:
        rows = self._connection.execute(
            select(accounts)
            .where(accounts.c.organization_id == organization_id)
            .order_by(accounts.c.created_at, accounts.c.id)
        )
        return tuple(_account(row) for row in rows)


def _account(row: AnyRow) -> Account:
    return Account(
        id=row.id,
        organization_id=row.organization_id,
        name=row.name,
        kind=AccountKind(row.kind),
        created_at=row.created_at,
    )


class SqlUserRepository:
    """Users by id, by e-mail (unique, compared lower-case) and by account."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, user: User) -> None:
        statement = insert(users).values(
            id=user.id,
            account_id=user.account_id,
            email=user.email,
            name=user.name,
            password_hash=user.password_hash,
            policies=json.dumps(list(user.policies)),
            created_at=user.created_at,
        )
        try:
            guarded_write(self._connection, statement, f"user {user.id} cannot be stored")
        except ConflictError as exc:
            if self.get_by_email(user.email) is not None:
                raise ConflictError(f"the e-mail address {user.email} is already in use") from exc
            raise ConflictError(f"user {user.id} already exists") from exc

    def get(self, user_id: str) -> User | None:
        row = self._connection.execute(_USER, {"by_id": user_id}).first()
        return None if row is None else _user(row)

    def get_by_email(self, email: str) -> User | None:
        row = self._connection.execute(
            select(users).where(users.c.email == email.strip().lower())
        ).first()
        return None if row is None else _user(row)

    def list_for_account(self, account_id: str) -> Sequence[User]:
        rows = self._connection.execute(
            select(users)
            .where(users.c.account_id == account_id)
            .order_by(users.c.created_at, users.c.id)
        )
        return tuple(_user(row) for row in rows)


def _user(row: AnyRow) -> User:
    return User(
        id=row.id,
        account_id=row.account_id,
        email=row.email,
        name=row.name,
        password_hash=row.password_hash,
        policies=tuple(json.loads(row.policies)),
        created_at=row.created_at,
    )


class SqlApiKeyRepository:
    """API keys by prefix and by user; revoking keeps the key, stamped with the time."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, key: ApiKey) -> None:
        statement = insert(api_keys).values(
            id=key.id,
            user_id=key.user_id,
            prefix=key.prefix,
            key_hash=key.key_hash,
            created_at=key.created_at,
            revoked_at=key.revoked_at,
        )
        guarded_write(self._connection, statement, f"API key {key.id} already exists")

    def get(self, key_id: str) -> ApiKey | None:
        row = self._connection.execute(select(api_keys).where(api_keys.c.id == key_id)).first()
        return None if row is None else _api_key(row)

    def get_by_prefix(self, prefix: str) -> ApiKey | None:
        row = self._connection.execute(select(api_keys).where(api_keys.c.prefix == prefix)).first()
        return None if row is None else _api_key(row)

    def list_for_user(self, user_id: str) -> Sequence[ApiKey]:
        rows = self._connection.execute(
            select(api_keys)
            .where(api_keys.c.user_id == user_id)
            .order_by(api_keys.c.created_at, api_keys.c.id)
        )
        return tuple(_api_key(row) for row in rows)

    def revoke(self, key_id: str, at: dt.datetime) -> None:
        """Stamp the key revoked at ``at`` (a key revoked earlier keeps its first time)."""
        found = self._connection.execute(
            select(api_keys.c.id).where(api_keys.c.id == key_id)
        ).first()
        if found is None:
            raise NotFoundError(f"API key {key_id} does not exist")
        self._connection.execute(
            update(api_keys)
            .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )


def _api_key(row: AnyRow) -> ApiKey:
    return ApiKey(
        id=row.id,
        user_id=row.user_id,
        prefix=row.prefix,
        key_hash=row.key_hash,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )
