"""Setup → Suppliers: by hand, by pasting purchase information, through the JSON API and
the command line; secrets are stored encrypted and never shown again."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sandbox_support import SECRET, FakeSupplier, purchase_information

from sandbox.cli import main
from sandbox.services.context import Sandbox

FORM = {
    "name": "Acme Tools",
    "mode": "coupa",
    "environment": "test",
    "cxml_version": "1.2.014",
    "po_url": "https://tools.example/cxml/po",
    "our_domain": "DUNS",
    "our_identity": "acme",
    "supplier_domain": "DUNS",
    "supplier_identity": "tools-1",
    "po_secret": "po-secret-value",
    "punchout_url": "https://tools.example/punchout",
    "punchout_domain": "DUNS",
    "punchout_identity": "tools-1",
    "punchout_secret": "punchout-secret-value",
    "sender_domain": "DUNS",
    "sender_identity": "acme",
    "allow_invoicing": "yes",
}


@pytest.fixture(autouse=True)
def signed_in(client: TestClient) -> None:
    client.post("/sign-in", data={"email": "alex@acme.example", "next": "/"})


def test_a_supplier_entered_by_hand_is_saved_and_listed(client: TestClient) -> None:
    response = client.post("/setup/suppliers", data=FORM)

    assert response.status_code == 200
    assert str(response.url).endswith("/setup/suppliers/1?saved=1")
    assert "Saved." in response.text
    assert 'value="https://tools.example/cxml/po"' in response.text
    assert "po-secret-value" not in response.text
    listing = client.get("/setup/suppliers").text
    assert 'href="/setup/suppliers/1">Acme Tools</a>' in listing
    assert '<span class="badge">Test</span>' in listing
    assert "http://sandbox.test/cxml/invoices" in listing


def test_each_bad_field_is_named_on_the_form(client: TestClient) -> None:
    response = client.post("/setup/suppliers", data={**FORM, "po_url": "tools", "our_domain": ""})

    assert response.status_code == 400
    assert "Some fields need attention." in response.text
    assert 'id="po_url" name="po_url" value="tools"' in response.text
    assert 'aria-describedby="po_url-error" aria-invalid="true"' in response.text
    assert "Enter our domain (usually DUNS or NetworkID)." in response.text
    assert client.get("/api/v1/suppliers").json()["items"] == []


def test_edited_secrets_left_empty_keep_their_value(client: TestClient, sandbox: Sandbox) -> None:
    client.post("/setup/suppliers", data=FORM)

    client.post("/setup/suppliers/1", data={**FORM, "po_secret": "", "punchout_secret": ""})

    from sandbox.services.suppliers import get_supplier

    kept = get_supplier(sandbox, 1)
    assert kept.po_secret == "po-secret-value"
    assert kept.punchout_secret == "punchout-secret-value"


def test_secrets_are_encrypted_in_the_database(client: TestClient, tmp_path: Path) -> None:
    client.post("/setup/suppliers", data=FORM)

    with sqlite3.connect(tmp_path / "sandbox.db") as db:
        stored = db.execute("select po_secret, punchout_secret from suppliers").fetchone()

    assert "po-secret-value" not in stored[0]
    assert "punchout-secret-value" not in stored[1]


def test_pasted_purchase_information_sets_up_the_supplier(
    client: TestClient, supplier_side: FakeSupplier
) -> None:
    answer = {"id": "conn-1", "purchase_information": purchase_information()}
    response = client.post(
        "/setup/suppliers/paste",
        data={
            "name": "Software Marketplace",
            "purchase_information": json.dumps(answer),
            "shared_secret": SECRET,
            "environment": "production",
            "allow_invoicing": "yes",
        },
    )

    assert "Saved." in response.text
    [supplier] = client.get("/api/v1/suppliers").json()["items"]
    assert supplier["po_url"] == "https://market.example/cxml/orders"
    assert supplier["punchout_url"] == "https://market.example/cxml/punchout"
    assert supplier["deployment_mode"] == "production"
    client.post(f"/shop/{supplier['id']}")
    header = supplier_side.setup_requests[-1].header
    assert header is not None
    assert header.sender.shared_secret == SECRET


@pytest.mark.parametrize(
    ("pasted", "secret", "shown"),
    [
        ("{not json", SECRET, "Not valid JSON"),
        ("[1, 2]", SECRET, "Paste the JSON object that starts with {."),
        (json.dumps(purchase_information()), "", "Enter the shared secret the marketplace"),
        (json.dumps({"order_url": "x"}), SECRET, "Paste the whole purchase information JSON."),
    ],
)
def test_a_bad_paste_is_explained_next_to_the_field_to_fix(
    client: TestClient, pasted: str, secret: str, shown: str
) -> None:
    response = client.post(
        "/setup/suppliers/paste",
        data={"name": "Marketplace", "purchase_information": pasted, "shared_secret": secret},
    )

    assert response.status_code == 400
    assert shown in response.text
    assert client.get("/api/v1/suppliers").json()["items"] == []


def test_an_ariba_style_supplier_punches_out_through_ariba_network(
    client: TestClient, supplier_side: FakeSupplier
) -> None:
    client.post("/setup/suppliers", data={**FORM, "mode": "ariba", "our_domain": "NetworkID"})

    client.post("/shop/1")

    document = supplier_side.setup_requests[-1]
    assert document.header is not None
    sender = document.header.sender.credential
    assert (sender.domain, sender.identity) == ("AribaNetworkUserId", "sysadmin@ariba.com")
    assert document.header.user_agent.startswith("Ariba")
    assert document.is_test
    assert supplier_side.invalid == []


def test_the_api_creates_a_supplier_once_and_then_updates_it(client: TestClient) -> None:
    body: dict[str, Any] = {
        "name": "Software Marketplace",
        "purchase_information": purchase_information(),
        "shared_secret": SECRET,
    }

    created = client.post("/api/v1/suppliers", json=body)
    updated = client.post("/api/v1/suppliers", json={**body, "test": True})
    broken = client.post("/api/v1/suppliers", json={**body, "purchase_information": {}})

    assert (created.status_code, updated.status_code) == (201, 200)
    assert created.json()["id"] == updated.json()["id"]
    assert updated.json()["deployment_mode"] == "test"
    assert "shared_secret" not in created.json()
    assert broken.status_code == 400
    assert broken.json()["error"]["code"] == "invalid"


def test_the_command_line_sets_up_a_supplier_from_connect_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SANDBOX_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("SANDBOX_VAR_DIR", str(tmp_path / "var"))
    connect_output = json.dumps(
        {"id": "conn-1", "purchase_information": purchase_information(), "shared_secret": SECRET}
    )

    first = CliRunner().invoke(
        main, ["supplier", "configure", "--name", "Marketplace", "--json"], input=connect_output
    )
    again = CliRunner().invoke(
        main, ["supplier", "configure", "--name", "Marketplace", "--test"], input=connect_output
    )

    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["created"] is True
    assert again.exit_code == 0, again.output
    assert again.output.startswith("Updated supplier 1: Marketplace")
    bad = CliRunner().invoke(main, ["supplier", "configure", "--name", "X"], input="{}")
    assert bad.exit_code == 1
    assert "lacks" in bad.output
