"""``marketplace secrets reseal`` over a real database: rotating the secret key."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from marketplace.cli import main
from marketplace.services.secret_box import FernetSecretBox
from marketplace.storage.database import Database
from marketplace.storage.tables import connection_secrets

pytestmark = pytest.mark.integration

SECRET = "coupa-shared-secret-0123456789"


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> Result:
    return CliRunner(env=env).invoke(main, list(args), input=stdin, prog_name="marketplace")


def sealed(database: Database) -> list[str]:
    with database.engine.connect() as sql:
        return list(sql.execute(select(connection_secrets.c.sealed)).scalars())


@pytest.fixture
def connected(cli_env: dict[str, str], cli_database: Database) -> None:
    """An organization with a Coupa connection whose secret is sealed with the key of
    ``cli_env`` (``integration-test-secret``)."""
    made = run(cli_env, "org", "create", "--name", "Acme", "--admin-email", "it@acme.example",
               "--json")  # fmt: skip
    org_id = json.loads(made.stdout)["organization_id"]
    run(cli_env, "procurement", "configure", "--org", org_id, "--system", "coupa", "--name", "C")
    connected = run(cli_env, "procurement", "connect", "--org", org_id, "--buyer-domain", "DUNS",
                    "--buyer-identity", "acme", "--secret-stdin", stdin=SECRET + "\n")  # fmt: skip
    assert connected.exit_code == 0, connected.output


def test_after_reseal_the_new_key_alone_opens_the_connection_secret(
    cli_env: dict[str, str], cli_database: Database, connected: None
) -> None:
    rotated = {**cli_env, "MARKETPLACE_SECRET_KEY": "the-new-key",
               "MARKETPLACE_SECRET_KEY_PREVIOUS": cli_env["MARKETPLACE_SECRET_KEY"]}  # fmt: skip

    result = run(rotated, "secrets", "reseal", "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"resealed": 1, "unreadable_connections": []}
    [stored] = sealed(cli_database)
    assert FernetSecretBox(["the-new-key"]).open(stored) == SECRET
    with pytest.raises(ValueError, match="cannot be opened"):
        FernetSecretBox([cli_env["MARKETPLACE_SECRET_KEY"]]).open(stored)


def test_reseal_without_the_old_key_fails_and_changes_nothing(
    cli_env: dict[str, str], cli_database: Database, connected: None
) -> None:
    before = sealed(cli_database)

    result = run({**cli_env, "MARKETPLACE_SECRET_KEY": "the-new-key"}, "secrets", "reseal")

    assert result.exit_code == 1
    assert "open with neither MARKETPLACE_SECRET_KEY nor MARKETPLACE_SECRET_KEY_PREVIOUS" in (
        result.stderr
    )
    assert sealed(cli_database) == before
