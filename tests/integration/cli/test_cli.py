"""The ``marketplace`` command against a real database (SQLite, PostgreSQL), as a user runs it."""

import json
import re

import pytest
from cli_support import Invoke, command_paths
from click.testing import CliRunner

from marketplace.cli import main
from marketplace.domain.catalog import SearchQuery
from marketplace.services import accounts
from marketplace.services.catalog import search_products
from marketplace.storage import migrate
from marketplace.storage.database import Database

pytestmark = pytest.mark.integration

API_KEY = re.compile(r"^mk_[A-Za-z0-9]+_[A-Za-z0-9_-]{32}$")


def create_org(run: Invoke, email: str = "it@acme.example") -> dict[str, str]:
    result = run("org", "create", "--name", "Acme Corp", "--admin-email", email, "--json")
    assert result.exit_code == 0, result.output
    document: dict[str, str] = json.loads(result.stdout)
    return document


def test_db_upgrade_creates_a_database_at_the_latest_revision(
    run: Invoke, cli_env: dict[str, str]
) -> None:
    result = run("db", "upgrade")

    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(f"(revision {migrate.head_revision()}).\n")
    status = run("db", "status")
    assert "Status    up to date" in status.stdout


def test_db_upgrade_twice_leaves_the_database_as_it_is(run: Invoke, upgraded: None) -> None:
    result = run("db", "upgrade")

    assert result.exit_code == 0, result.output


def test_org_create_json_gives_the_organization_its_management_account_and_an_api_key(
    run: Invoke, cli_database: Database
) -> None:
    created = create_org(run)

    assert set(created) == {"organization_id", "management_account_id", "api_key"}
    assert re.fullmatch(r"o-[a-z0-9]{10}", created["organization_id"])
    assert re.fullmatch(r"\d{12}", created["management_account_id"])
    assert API_KEY.match(created["api_key"])
    principal = accounts.authenticate_api_key(cli_database.unit_of_work(), created["api_key"])
    assert principal.organization.id == created["organization_id"]
    assert principal.account.id == created["management_account_id"]
    assert principal.account.is_management


def test_account_create_json_adds_a_member_account_to_the_organization(
    run: Invoke, cli_database: Database
) -> None:
    organization = create_org(run)

    result = run(
        "account", "create", "--org", organization["organization_id"],
        "--name", "Engineering", "--admin-email", "eng@acme.example", "--json",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    created = json.loads(result.stdout)
    assert set(created) == {"account_id", "api_key"}
    assert re.fullmatch(r"\d{12}", created["account_id"])
    principal = accounts.authenticate_api_key(cli_database.unit_of_work(), organization["api_key"])
    _, members = accounts.describe_organization(cli_database.unit_of_work(), principal)
    assert created["account_id"] in {account.id for account in members}
    member = accounts.authenticate_api_key(cli_database.unit_of_work(), created["api_key"])
    assert member.account.id == created["account_id"]
    assert not member.account.is_management


def test_account_create_in_an_unknown_organization_fails_in_one_line(
    run: Invoke, upgraded: None
) -> None:
    result = run(
        "account", "create", "--org", "o-nosuchorg0",
        "--name", "Engineering", "--admin-email", "eng@acme.example", "--json",
    )  # fmt: skip

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "error: no organization o-nosuchorg0 (create one with `marketplace org create`)\n"
    )


def test_org_create_with_an_email_already_taken_fails_in_one_line(
    run: Invoke, upgraded: None
) -> None:
    create_org(run)

    result = run("org", "create", "--name", "Other", "--admin-email", "IT@acme.example")

    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert result.stderr.count("\n") == 1
    assert "it@acme.example" in result.stderr.lower()


def test_org_create_with_bad_input_names_each_bad_option(run: Invoke, upgraded: None) -> None:
    result = run("org", "create", "--name", " ", "--admin-email", "not-an-email")

    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert result.stderr.count("\n") == 1
    assert "--name: " in result.stderr
    assert "--admin-email: " in result.stderr


def test_commands_before_db_upgrade_say_to_run_it(run: Invoke, cli_env: dict[str, str]) -> None:
    result = run("org", "create", "--name", "Acme Corp", "--admin-email", "it@acme.example")

    assert result.exit_code == 1
    assert result.stderr == (
        f"error: the database {cli_env['MARKETPLACE_DATABASE_URL']} is not up to date; "
        "run `marketplace db upgrade`\n"
    )


def test_catalog_seed_adds_the_products_and_reports_the_total(
    run: Invoke, cli_database: Database
) -> None:
    result = run("catalog", "seed", "--products", "200")

    assert result.exit_code == 0, result.output
    assert "the catalog now holds 200 products." in result.stdout
    assert "Seeding products: 200/200 products" in result.stderr
    page = search_products(cli_database.unit_of_work(), SearchQuery())
    assert page.total == 200


def test_catalog_seed_json_prints_one_object(run: Invoke, cli_database: Database) -> None:
    result = run("catalog", "seed", "--products", "50", "--json")

    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["added"] == 50
    assert document["total"] == 50


@pytest.mark.parametrize("path", command_paths(main), ids=lambda path: " ".join(path) or "main")
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"], prog_name="marketplace")

    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: marketplace")
