import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from cli_support import FakeStorage, Invoke

from marketplace.domain.accounts import ApiKey, User
from marketplace.domain.errors import NotFoundError

NOW = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
LATER = dt.datetime(2025, 2, 3, 4, 5, 6, tzinfo=dt.UTC)
KEY = "mk_abcdefabcdef_" + "x" * 32
USER = User(
    id="u-0123456789abcdef",
    account_id="123456789012",
    email="buyer@acme.example",
    name="Bo Buyer",
    password_hash=None,
    policies=("BuyerPolicy",),
    created_at=NOW,
)
ACTIVE = ApiKey(
    id="k-0123456789abcdef",
    user_id=USER.id,
    prefix="abcdefabcdef",
    key_hash="f" * 64,
    created_at=NOW,
)
REVOKED = ApiKey(
    id="k-fedcba9876543210",
    user_id=USER.id,
    prefix="bbbbbbbbbbbb",
    key_hash="e" * 64,
    created_at=NOW,
    revoked_at=LATER,
)


@pytest.fixture
def install(monkeypatch: pytest.MonkeyPatch, record: Callable[..., Any]) -> Callable[..., Any]:
    """Replace ``accounts.<name>`` with a recording fake."""

    def replace(name: str, result: object = None, error: BaseException | None = None) -> Any:
        fake = record(result, error)
        monkeypatch.setattr(f"marketplace.services.accounts.{name}", fake)
        return fake

    return replace


def test_key_create_json_prints_only_the_key_id_and_the_key(
    invoke: Invoke, install: Callable[..., Any], storage: FakeStorage
) -> None:
    install("find_user_by_email", USER)
    issue = install("issue_api_key", (ACTIVE, KEY))

    result = invoke("key", "create", "--user", "buyer@acme.example", "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"key_id": ACTIVE.id, "api_key": KEY}
    assert result.stdout.count("\n") == 1
    assert issue.calls[0][0][1] == USER.id
    assert storage.databases[0].disposed


def test_key_create_shows_the_key_and_warns_it_is_shown_once(
    invoke: Invoke, install: Callable[..., Any]
) -> None:
    install("find_user_by_email", USER)
    install("issue_api_key", (ACTIVE, KEY))

    result = invoke("key", "create", "--user", "buyer@acme.example")

    assert result.exit_code == 0
    assert f"Created API key {ACTIVE.id} for buyer@acme.example" in result.stdout
    assert KEY in result.stdout
    assert "shown only this once" in result.stderr


def test_key_create_for_an_unknown_user_is_one_error_line(
    invoke: Invoke, install: Callable[..., Any]
) -> None:
    install("find_user_by_email", error=NotFoundError("There is no user with e-mail x@y.example."))
    issue = install("issue_api_key", (ACTIVE, KEY))

    result = invoke("key", "create", "--user", "x@y.example", "--json")

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "error: There is no user with e-mail x@y.example.\n"
    assert issue.calls == []


def test_key_list_json_gives_every_key_without_secrets(
    invoke: Invoke, install: Callable[..., Any]
) -> None:
    install("find_user_by_email", USER)
    listed = install("list_user_api_keys", (ACTIVE, REVOKED))

    result = invoke("key", "list", "--user", "buyer@acme.example", "--json")

    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["user_id"] == USER.id
    assert document["items"] == [
        {
            "id": ACTIVE.id,
            "prefix": ACTIVE.prefix,
            "created_at": NOW.isoformat(),
            "revoked_at": None,
            "active": True,
        },
        {
            "id": REVOKED.id,
            "prefix": REVOKED.prefix,
            "created_at": NOW.isoformat(),
            "revoked_at": LATER.isoformat(),
            "active": False,
        },
    ]
    assert "f" * 64 not in result.stdout
    assert listed.calls[0][0][1] == USER.id


def test_key_list_shows_one_line_per_key_with_its_status(
    invoke: Invoke, install: Callable[..., Any]
) -> None:
    install("find_user_by_email", USER)
    install("list_user_api_keys", (ACTIVE, REVOKED))

    result = invoke("key", "list", "--user", "buyer@acme.example")

    assert result.exit_code == 0
    assert "API keys of buyer@acme.example (u-0123456789abcdef): 2" in result.stdout
    assert f"{ACTIVE.id}  mk_abcdefabcdef_…  created 2025-01-02 03:04  active" in result.stdout
    assert "revoked 2025-02-03 04:05" in result.stdout


def test_key_revoke_revokes_as_the_operator(invoke: Invoke, install: Callable[..., Any]) -> None:
    revoke = install("revoke_api_key_as_operator", REVOKED)

    result = invoke("key", "revoke", REVOKED.id)

    assert result.exit_code == 0, result.output
    assert result.stdout == f"Revoked API key {REVOKED.id} (mk_bbbbbbbbbbbb_…).\n"
    assert revoke.calls[0][0][1] == REVOKED.id


def test_key_revoke_of_an_unknown_key_is_one_error_line(
    invoke: Invoke, install: Callable[..., Any]
) -> None:
    install("revoke_api_key_as_operator", error=NotFoundError("There is no API key k-1."))

    result = invoke("key", "revoke", "k-1")

    assert result.exit_code == 1
    assert result.stderr == "error: There is no API key k-1.\n"


def test_key_revoke_without_a_key_id_is_a_usage_error(invoke: Invoke) -> None:
    result = invoke("key", "revoke")

    assert result.exit_code == 2
    assert "Missing argument 'KEY_ID'" in result.stderr
