"""``marketplace org`` and ``marketplace account``: buyer organizations and their accounts.

These run as the operator of the marketplace (no principal): they create an organization
with its management account and first administrator, or a member account in an existing
organization. Each prints the new administrator's API key, which is shown only this once.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from marketplace.cli.context import open_store, state
from marketplace.cli.errors import MarketplaceGroup, fail
from marketplace.cli.output import emit_fields, emit_json, note
from marketplace.domain.errors import NotFoundError
from marketplace.services import accounts

__all__ = ["account", "org"]

F = TypeVar("F", bound=Callable[..., Any])

_KEY_NOTE = "The API key is shown only this once: store it somewhere safe."


def _admin_options(command: F) -> F:
    """The options every command that creates an administrator takes."""
    decorators = (
        click.option("--name", required=True, help="Name of the new organization or account."),
        click.option(
            "--admin-email", required=True, help="E-mail address of its first administrator."
        ),
        click.option("--admin-name", default=None, help="The administrator's name (optional)."),
        click.option(
            "--password",
            "admin_password",
            is_flag=True,
            help="Also set the administrator's sign-in password (asked for on a terminal, "
            "else read from the first line of stdin; at least 12 characters).",
        ),
    )
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def _read_password(wanted: bool) -> str | None:
    if not wanted:
        return None
    if sys.stdin.isatty():
        password: str = click.prompt(
            "Administrator's password", hide_input=True, confirmation_prompt=True, err=True
        )
        return password
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        fail("--password: no password on the first line of stdin")
    return line


@click.group(cls=MarketplaceGroup)
def org() -> None:
    """Buyer organizations."""


@org.command("create")
@_admin_options
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON object: organization_id, management_account_id, api_key.",
)
def create_organization(
    name: str, admin_email: str, admin_name: str | None, admin_password: bool, as_json: bool
) -> None:
    """Create an organization, its management account and its first administrator.

    The administrator gets the procurement-system, account and buyer policies, and an API key.

    \b
    Example:
      marketplace org create --name "Acme Corp" --admin-email it@acme.example --json
    """
    password = _read_password(admin_password)
    with open_store(state().database_url()) as database:
        created = accounts.create_organization(
            database.unit_of_work(),
            name=name,
            admin_email=admin_email,
            admin_name=admin_name,
            admin_password=password,
        )
    if as_json:
        emit_json(
            {
                "organization_id": created.organization.id,
                "management_account_id": created.account.id,
                "api_key": created.api_key,
            }
        )
        return
    emit_fields(
        f"Created organization {created.organization.name} ({created.organization.id})",
        [
            ("management account", created.account.id),
            ("administrator", f"{created.user.email} ({created.user.id})"),
            ("API key", created.api_key),
        ],
    )
    note(_KEY_NOTE)


@click.group(cls=MarketplaceGroup)
def account() -> None:
    """Member accounts of an organization."""


@account.command("create")
@click.option("--org", "organization_id", required=True, help="The organization's id (o-…).")
@_admin_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object: account_id, api_key.")
def create_account(
    organization_id: str,
    name: str,
    admin_email: str,
    admin_name: str | None,
    admin_password: bool,
    as_json: bool,
) -> None:
    """Create a member account in an organization, with its first administrator.

    The administrator gets the account and buyer policies, and an API key.

    \b
    Example:
      marketplace account create --org o-abc1234567 --name Engineering \\
        --admin-email eng@acme.example --json
    """
    password = _read_password(admin_password)
    with open_store(state().database_url()) as database:
        try:
            created = accounts.create_member_account(
                database.unit_of_work(),
                organization_id=organization_id,
                name=name,
                admin_email=admin_email,
                admin_name=admin_name,
                admin_password=password,
            )
        except NotFoundError:
            fail(f"no organization {organization_id} (create one with `marketplace org create`)")
    if as_json:
        emit_json({"account_id": created.account.id, "api_key": created.api_key})
        return
    emit_fields(
        f"Created member account {created.account.name} ({created.account.id}) "
        f"in organization {created.account.organization_id}",
        [
            ("administrator", f"{created.user.email} ({created.user.id})"),
            ("API key", created.api_key),
        ],
    )
    note(_KEY_NOTE)
