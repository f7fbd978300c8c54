"""``marketplace key`` against a real database: create, list and revoke a user's keys."""

import json
from typing import Any

import pytest
from cli_support import Invoke

from marketplace.domain.errors import AuthenticationError
from marketplace.services import accounts
from marketplace.storage.database import Database

pytestmark = pytest.mark.integration


def run_json(run: Invoke, *args: str) -> dict[str, Any]:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_an_operator_creates_lists_and_revokes_a_users_keys(
    run: Invoke, cli_database: Database
) -> None:
    run_json(run, "org", "create", "--name", "Acme Corp", "--admin-email", "it@acme.example")

    created = run_json(run, "key", "create", "--user", "IT@acme.example")
    listed = run_json(run, "key", "list", "--user", "it@acme.example")
    revoked = run("key", "revoke", str(created["key_id"]))

    assert set(created) == {"key_id", "api_key"}
    items = listed["items"]
    assert [item["id"] for item in items][-1] == created["key_id"]
    assert len(items) == 2
    assert all(item["active"] for item in items)
    assert str(created["api_key"]) not in json.dumps(listed)
    assert revoked.exit_code == 0, revoked.output
    with pytest.raises(AuthenticationError):
        accounts.authenticate_api_key(cli_database.unit_of_work(), str(created["api_key"]))
    after = run_json(run, "key", "list", "--user", "it@acme.example")
    assert [item["active"] for item in after["items"]] == [True, False]
    unknown = run("key", "revoke", "k-0000000000000000")
    assert unknown.exit_code == 1
    assert unknown.stderr == "error: There is no API key k-0000000000000000.\n"
