"""``marketplace secrets reseal``: the box it builds from the keys, and what it prints."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from cli_support import Invoke

from marketplace.domain.procurement import ConnectionSecret
from marketplace.services.sealing import ResealReport
from marketplace.services.secret_box import FernetSecretBox

ROTATED = {"MARKETPLACE_SECRET_KEY": "new-key", "MARKETPLACE_SECRET_KEY_PREVIOUS": "old-key"}


def unreadable(connection_id: str) -> ConnectionSecret:
    return ConnectionSecret(
        id=f"sec-{connection_id}",
        connection_id=connection_id,
        sealed="gAAAA…",
        created_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
    )


@pytest.fixture
def reseal(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Replaces ``reseal_secrets``: keeps the box it was given, answers ``answer["report"]``."""
    seen: dict[str, Any] = {"report": ResealReport(resealed=3)}

    def fake(units: object, box: FernetSecretBox) -> ResealReport:
        seen["box"] = box
        report: ResealReport = seen["report"]
        return report

    monkeypatch.setattr("marketplace.cli.secret_keys.reseal_secrets", fake)
    return seen


def test_reseal_opens_with_the_previous_key_and_seals_with_the_current_one(
    invoke: Invoke, reseal: dict[str, Any]
) -> None:
    result = invoke("secrets", "reseal", env=ROTATED)

    assert result.exit_code == 0, result.output
    assert result.stdout == "Re-sealed 3 connection secrets with the current secret key.\n"
    box: FernetSecretBox = reseal["box"]
    resealed = box.reseal(FernetSecretBox(["old-key"]).seal("the shared secret"))
    assert FernetSecretBox(["new-key"]).open(resealed) == "the shared secret"


def test_reseal_json(invoke: Invoke, reseal: dict[str, Any]) -> None:
    result = invoke("secrets", "reseal", "--json", env=ROTATED)

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"resealed": 3, "unreadable_connections": []}


def test_secrets_no_key_opens_fail_in_one_line_naming_their_connections(
    invoke: Invoke, reseal: dict[str, Any]
) -> None:
    reseal["report"] = ResealReport(1, (unreadable("pc-b"), unreadable("pc-a")))

    result = invoke("secrets", "reseal", "--json", env=ROTATED)

    assert result.exit_code == 1
    assert json.loads(result.stdout) == {"resealed": 1, "unreadable_connections": ["pc-a", "pc-b"]}
    assert result.stderr.startswith("error: 2 secrets of pc-a, pc-b open with neither")
    assert len(result.stderr.splitlines()) == 1
