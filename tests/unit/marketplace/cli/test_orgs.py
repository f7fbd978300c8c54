import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from cli_support import FakeStorage, Invoke

from marketplace.domain.accounts import Account, AccountKind, Organization, User
from marketplace.domain.errors import ConflictError, FieldError, NotFoundError, ValidationError
from marketplace.services.accounts import NewAccount, NewOrganization

NOW = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
KEY = "mk_abcdefgh_" + "x" * 32


def new_organization() -> NewOrganization:
    organization = Organization(
        id="o-abc1234567", name="Acme Corp", management_account_id="123456789012", created_at=NOW
    )
    account = Account(
        id="123456789012",
        organization_id=organization.id,
        name="Acme Corp",
        kind=AccountKind.MANAGEMENT,
        created_at=NOW,
    )
    user = User(
        id="u-0123456789abcdef",
        account_id=account.id,
        email="it@acme.example",
        name="IT",
        password_hash=None,
        policies=("AWSMarketplaceProcurementSystemAdminFullAccess",),
        created_at=NOW,
    )
    return NewOrganization(organization=organization, account=account, user=user, api_key=KEY)


def new_account() -> NewAccount:
    created = new_organization()
    account = Account(
        id="210987654321",
        organization_id="o-abc1234567",
        name="Engineering",
        kind=AccountKind.MEMBER,
        created_at=NOW,
    )
    return NewAccount(account=account, user=created.user, api_key=KEY)


ORG_ARGS = ("org", "create", "--name", "Acme Corp", "--admin-email", "it@acme.example")
ACCOUNT_ARGS = (
    "account",
    "create",
    "--org",
    "o-abc1234567",
    "--name",
    "Engineering",
    "--admin-email",
    "eng@acme.example",
)


@pytest.fixture
def create_organization(
    monkeypatch: pytest.MonkeyPatch, record: Callable[..., Any]
) -> Callable[..., Any]:
    def install(result: object = None, error: BaseException | None = None) -> Any:
        fake = record(result if result is not None else new_organization(), error)
        monkeypatch.setattr("marketplace.services.accounts.create_organization", fake)
        return fake

    return install


@pytest.fixture
def create_member_account(
    monkeypatch: pytest.MonkeyPatch, record: Callable[..., Any]
) -> Callable[..., Any]:
    def install(error: BaseException | None = None) -> Any:
        fake = record(new_account(), error)
        monkeypatch.setattr("marketplace.services.accounts.create_member_account", fake)
        return fake

    return install


def test_org_create_json_prints_only_the_three_documented_keys(
    invoke: Invoke, create_organization: Callable[..., Any]
) -> None:
    create_organization()

    result = invoke(*ORG_ARGS, "--json")

    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "organization_id": "o-abc1234567",
        "management_account_id": "123456789012",
        "api_key": KEY,
    }
    assert result.stdout.count("\n") == 1


def test_org_create_passes_the_options_to_the_service(
    invoke: Invoke, create_organization: Callable[..., Any], storage: FakeStorage
) -> None:
    fake = create_organization()

    invoke(*ORG_ARGS, "--admin-name", "Ida Tee")

    [(_, kwargs)] = fake.calls
    assert kwargs == {
        "name": "Acme Corp",
        "admin_email": "it@acme.example",
        "admin_name": "Ida Tee",
        "admin_password": None,
    }
    assert [database.url for database in storage.databases] == ["sqlite:///unit.db"]
    assert storage.databases[0].disposed


def test_org_create_shows_the_new_ids_and_warns_the_key_is_shown_once(
    invoke: Invoke, create_organization: Callable[..., Any]
) -> None:
    create_organization()

    result = invoke(*ORG_ARGS)

    assert result.exit_code == 0
    assert "Created organization Acme Corp (o-abc1234567)" in result.stdout
    assert "management account  123456789012" in result.stdout
    assert KEY in result.stdout
    assert "shown only this once" in result.stderr


def test_org_create_reads_the_password_from_stdin_when_asked(
    invoke: Invoke, create_organization: Callable[..., Any]
) -> None:
    fake = create_organization()

    result = invoke(*ORG_ARGS, "--password", "--json", stdin="correct horse battery\n")

    assert result.exit_code == 0
    assert fake.calls[0][1]["admin_password"] == "correct horse battery"
    assert json.loads(result.stdout)["organization_id"] == "o-abc1234567"


def test_org_create_refuses_an_empty_password_on_stdin(
    invoke: Invoke, create_organization: Callable[..., Any]
) -> None:
    fake = create_organization()

    result = invoke(*ORG_ARGS, "--password", stdin="")

    assert result.exit_code == 1
    assert result.stderr == "error: --password: no password on the first line of stdin\n"
    assert fake.calls == []


def test_org_create_names_every_bad_field_by_its_option(
    invoke: Invoke, create_organization: Callable[..., Any]
) -> None:
    create_organization(
        error=ValidationError(
            "Invalid organization.",
            (
                FieldError("name", "must not be empty"),
                FieldError("admin_email", "is not an e-mail address"),
                FieldError("admin_password", "must be at least 12 characters"),
            ),
        )
    )

    result = invoke(*ORG_ARGS, "--json")

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "error: Invalid organization: --name: must not be empty; "
        "--admin-email: is not an e-mail address; "
        "--password: must be at least 12 characters\n"
    )


def test_org_create_reports_a_taken_email_in_one_line(
    invoke: Invoke, create_organization: Callable[..., Any]
) -> None:
    create_organization(error=ConflictError("A user with e-mail it@acme.example exists."))

    result = invoke(*ORG_ARGS)

    assert result.exit_code == 1
    assert result.stderr == "error: A user with e-mail it@acme.example exists.\n"


def test_org_create_without_a_name_is_a_usage_error(
    invoke: Invoke, create_organization: Callable[..., Any]
) -> None:
    fake = create_organization()

    result = invoke("org", "create", "--admin-email", "it@acme.example")

    assert result.exit_code == 2
    assert "Missing option '--name'" in result.stderr
    assert fake.calls == []


def test_org_create_refuses_a_database_that_needs_migrating(
    invoke: Invoke, create_organization: Callable[..., Any], storage: FakeStorage
) -> None:
    storage.up_to_date = False
    fake = create_organization()

    result = invoke(*ORG_ARGS)

    assert result.exit_code == 1
    assert result.stderr == (
        "error: the database sqlite:///unit.db is not up to date; run `marketplace db upgrade`\n"
    )
    assert fake.calls == []
    assert storage.databases[0].disposed


def test_account_create_json_prints_the_account_id_and_api_key(
    invoke: Invoke, create_member_account: Callable[..., Any]
) -> None:
    fake = create_member_account()

    result = invoke(*ACCOUNT_ARGS, "--json")

    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"account_id": "210987654321", "api_key": KEY}
    assert fake.calls[0][1]["organization_id"] == "o-abc1234567"


def test_account_create_shows_the_account_and_its_organization(
    invoke: Invoke, create_member_account: Callable[..., Any]
) -> None:
    create_member_account()

    result = invoke(*ACCOUNT_ARGS)

    assert result.exit_code == 0
    assert (
        "Created member account Engineering (210987654321) in organization o-abc1234567"
        in result.stdout
    )
    assert KEY in result.stdout


def test_account_create_in_an_unknown_organization_says_how_to_create_one(
    invoke: Invoke, create_member_account: Callable[..., Any]
) -> None:
    create_member_account(error=NotFoundError("Organization not found."))

    result = invoke(*ACCOUNT_ARGS, "--json")

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "error: no organization o-abc1234567 (create one with `marketplace org create`)\n"
    )


def test_account_create_without_an_organization_is_a_usage_error(invoke: Invoke) -> None:
    result = invoke("account", "create", "--name", "Engineering", "--admin-email", "e@x.example")

    assert result.exit_code == 2
    assert "Missing option '--org'" in result.stderr
