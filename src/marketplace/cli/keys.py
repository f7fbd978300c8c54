"""``marketplace key``: users' API keys, for the operator of the marketplace.

These run as the operator (no principal): they give any user a new key, list a user's keys
(never the keys themselves, which are stored hashed), and revoke any key. A new key is shown
only this once.
"""

from __future__ import annotations

import click

from marketplace.cli.context import open_store, state
from marketplace.cli.errors import MarketplaceGroup
from marketplace.cli.output import emit_fields, emit_json, note
from marketplace.domain.accounts import ApiKey
from marketplace.services import accounts

__all__ = ["key"]

_KEY_NOTE = "The API key is shown only this once: store it somewhere safe."


def _key_document(stored: ApiKey) -> dict[str, object]:
    return {
        "id": stored.id,
        "prefix": stored.prefix,
        "created_at": stored.created_at.isoformat(),
        "revoked_at": None if stored.revoked_at is None else stored.revoked_at.isoformat(),
        "active": stored.active,
    }


def _key_line(stored: ApiKey) -> tuple[str, str]:
    status = (
        "active" if stored.revoked_at is None else f"revoked {stored.revoked_at:%Y-%m-%d %H:%M}"
    )
    return stored.id, f"mk_{stored.prefix}_…  created {stored.created_at:%Y-%m-%d %H:%M}  {status}"


@click.group(cls=MarketplaceGroup)
def key() -> None:
    """Users' API keys (shown once, stored hashed, revocable)."""


@key.command("create")
@click.option("--user", "email", required=True, help="E-mail address of the key's user.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object: key_id, api_key.")
def create_key(email: str, as_json: bool) -> None:
    """Give a user a new API key (their other keys keep working).

    \b
    Example:
      marketplace key create --user buyer@acme.example --json
    """
    with open_store(state().database_url()) as database:
        user = accounts.find_user_by_email(database.unit_of_work(), email)
        stored, api_key = accounts.issue_api_key(database.unit_of_work(), user.id)
    if as_json:
        emit_json({"key_id": stored.id, "api_key": api_key})
        return
    emit_fields(f"Created API key {stored.id} for {user.email} ({user.id})", [("API key", api_key)])
    note(_KEY_NOTE)


@key.command("list")
@click.option("--user", "email", required=True, help="E-mail address of the keys' user.")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON object: user_id and items (id, prefix, created_at, revoked_at, active).",
)
def list_keys(email: str, as_json: bool) -> None:
    """List a user's API keys, revoked ones included (never the keys themselves).

    \b
    Example:
      marketplace key list --user buyer@acme.example
    """
    with open_store(state().database_url()) as database:
        user = accounts.find_user_by_email(database.unit_of_work(), email)
        found = accounts.list_user_api_keys(database.unit_of_work(), user.id)
    if as_json:
        emit_json({"user_id": user.id, "items": [_key_document(k) for k in found]})
        return
    emit_fields(
        f"API keys of {user.email} ({user.id}): {len(found)}", [_key_line(k) for k in found]
    )


@key.command("revoke")
@click.argument("key_id")
def revoke_key(key_id: str) -> None:
    """Revoke an API key (k-…): calls made with it are refused from now on.

    \b
    Example:
      marketplace key revoke k-0123456789abcdef
    """
    with open_store(state().database_url()) as database:
        revoked = accounts.revoke_api_key_as_operator(database.unit_of_work(), key_id)
    click.echo(f"Revoked API key {revoked.id} (mk_{revoked.prefix}_…).")
