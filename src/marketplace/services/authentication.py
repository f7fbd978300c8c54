"""Signing in (API keys, passwords, sessions) and managing API keys.

Part of the accounts use cases (re-exported by :mod:`.accounts`); the same transaction rules
apply: each function enters the unit of work it is given. Every failed sign-in says the same
thing whatever went wrong, and takes about as long, so that nobody learns which e-mail
addresses or key prefixes exist.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence

from marketplace.domain.accounts import ApiKey, Principal, User, normalize_email
from marketplace.domain.errors import AuthenticationError, NotFoundError
from marketplace.domain.policies import ACTIONS
from marketplace.services.clock import utcnow
from marketplace.services.identifiers import new_api_key_id
from marketplace.services.permissions import authorize
from marketplace.services.ports import Clock, UnitOfWork
from marketplace.services.security import (
    hash_api_key,
    new_api_key,
    parse_api_key,
    same_hash,
    spend_password_check,
    verify_password,
)

__all__ = [
    "add_api_key",
    "authenticate_api_key",
    "authenticate_password",
    "find_user_by_email",
    "issue_api_key",
    "list_api_keys",
    "list_user_api_keys",
    "load_principal",
    "principal_for",
    "revoke_api_key",
    "revoke_api_key_as_operator",
]

_BAD_KEY = "The API key is not valid."
_BAD_SIGN_IN = "Incorrect e-mail address or password."
_GONE = "Your sign-in is no longer valid; sign in again."
_DECOY_KEY_HASH = "0" * 64


def issue_api_key(uow: UnitOfWork, user_id: str, *, clock: Clock = utcnow) -> tuple[ApiKey, str]:
    """Give a user a new API key; the key itself is returned once and never stored."""
    with uow:
        if uow.users.get(user_id) is None:
            raise NotFoundError(f"There is no user {user_id}.")
        issued = add_api_key(uow, user_id, clock())
        uow.commit()
    return issued


def revoke_api_key(
    uow: UnitOfWork, principal: Principal, key_id: str, *, clock: Clock = utcnow
) -> None:
    """Revoke a key: one's own always; another user's with ``iam:DeleteAccessKey``."""
    with uow:
        key = _find(uow.api_keys.list_for_user(principal.user.id), key_id)
        if key is None:
            authorize(principal, ACTIONS.DELETE_ACCESS_KEY)
            key = _find_administered_key(uow, principal, key_id)
        if key is None:
            raise NotFoundError(f"There is no API key {key_id}.")
        if key.active:
            uow.api_keys.revoke(key.id, clock())
            uow.commit()


def revoke_api_key_as_operator(uow: UnitOfWork, key_id: str, *, clock: Clock = utcnow) -> ApiKey:
    """Revoke any key (the operator needs no permission); return it as revoked.

    NotFoundError when there is no such key; a key revoked earlier keeps its first time.
    """
    with uow:
        key = uow.api_keys.get(key_id)
        if key is None:
            raise NotFoundError(f"There is no API key {key_id}.")
        if key.active:
            now = clock()
            uow.api_keys.revoke(key.id, now)
            uow.commit()
            key = dataclasses.replace(key, revoked_at=now)
    return key


def list_api_keys(uow: UnitOfWork, principal: Principal) -> Sequence[ApiKey]:
    """The caller's own keys, revoked ones included, oldest first."""
    return list_user_api_keys(uow, principal.user.id)


def list_user_api_keys(uow: UnitOfWork, user_id: str) -> Sequence[ApiKey]:
    """A user's keys, revoked ones included, oldest first (for the operator)."""
    with uow:
        keys = uow.api_keys.list_for_user(user_id)
    return tuple(sorted(keys, key=lambda k: (k.created_at, k.id)))


def find_user_by_email(uow: UnitOfWork, email: str) -> User:
    """The user with this e-mail address (for the operator); NotFoundError when none."""
    address = normalize_email(email)
    with uow:
        user = uow.users.get_by_email(address) if address else None
    if user is None:
        raise NotFoundError(f"There is no user with e-mail address {email.strip()}.")
    return user


def authenticate_api_key(uow: UnitOfWork, key: str) -> Principal:
    """The principal holding ``key``; AuthenticationError for unknown or revoked keys."""
    key = key.strip()
    prefix = parse_api_key(key)
    presented = hash_api_key(key)
    with uow:
        stored = uow.api_keys.get_by_prefix(prefix) if prefix else None
        # Compare even when nothing was found, so that timing does not reveal prefixes.
        matches = same_hash(stored.key_hash if stored else _DECOY_KEY_HASH, presented)
        if stored is None or not matches or not stored.active:
            raise AuthenticationError(_BAD_KEY)
        principal = principal_for(uow, stored.user_id)
    if principal is None:
        raise AuthenticationError(_BAD_KEY)
    return principal


def authenticate_password(uow: UnitOfWork, email: str, password: str) -> Principal:
    """The principal with this e-mail and password; the same error for either mistake."""
    address = normalize_email(email)
    with uow:
        user = uow.users.get_by_email(address) if address else None
        principal = principal_for(uow, user.id) if user else None
    if principal is None or principal.user.password_hash is None:
        spend_password_check(password)
        raise AuthenticationError(_BAD_SIGN_IN)
    if not verify_password(principal.user.password_hash, password):
        raise AuthenticationError(_BAD_SIGN_IN)
    return principal


def load_principal(uow: UnitOfWork, user_id: str) -> Principal:
    """The principal of a signed-in user; AuthenticationError when the user is gone."""
    with uow:
        principal = principal_for(uow, user_id)
    if principal is None:
        raise AuthenticationError(_GONE)
    return principal


def principal_for(uow: UnitOfWork, user_id: str) -> Principal | None:
    """The principal of a user, or None when the user, account or organization is gone."""
    user = uow.users.get(user_id)
    account = uow.accounts.get(user.account_id) if user else None
    organization = uow.organizations.get(account.organization_id) if account else None
    if user is None or account is None or organization is None:
        return None
    return Principal(user, account, organization)


def add_api_key(uow: UnitOfWork, user_id: str, now: dt.datetime) -> tuple[ApiKey, str]:
    """Store a new key of a user (in the open transaction); return it and the key itself."""
    while True:  # a repeated 12-character prefix is astronomically rare, but cheap to rule out
        key, prefix, key_hash = new_api_key()
        if uow.api_keys.get_by_prefix(prefix) is None:
            break
    stored = ApiKey(
        id=new_api_key_id(),
        user_id=user_id,
        prefix=prefix,
        key_hash=key_hash,
        created_at=now,
    )
    uow.api_keys.add(stored)
    return stored, key


def _find(keys: Iterable[ApiKey], key_id: str) -> ApiKey | None:
    return next((key for key in keys if key.id == key_id), None)


def _find_administered_key(uow: UnitOfWork, principal: Principal, key_id: str) -> ApiKey | None:
    """A key of a user in an account the principal administers, or None."""
    if principal.account.is_management:
        accounts = uow.accounts.list_for_organization(principal.organization.id)
    else:
        accounts = [principal.account]
    for account in accounts:
        for user in uow.users.list_for_account(account.id):
            key = _find(uow.api_keys.list_for_user(user.id), key_id)
            if key is not None:
                return key
    return None
