"""``marketplace procurement``: the operator's view of an organization's integration."""

from __future__ import annotations

import json

import pytest
from cli_support import Invoke as Run


@pytest.fixture
def organization_id(run: Run, upgraded: None) -> str:
    result = run("org", "create", "--name", "Acme", "--admin-email", "it@acme.example", "--json")
    assert result.exit_code == 0, result.output
    return str(json.loads(result.stdout)["organization_id"])


def test_configure_connect_and_show_without_ever_showing_the_secret_again(
    run: Run, organization_id: str
) -> None:
    configured = run(
        "procurement", "configure", "--org", organization_id, "--system", "coupa",
        "--name", "Acme Coupa", "--json",
    )  # fmt: skip
    assert configured.exit_code == 0, configured.output
    assert json.loads(configured.stdout)["test_mode"] is True

    connected = run(
        "procurement", "connect", "--org", organization_id, "--buyer-domain", "NetworkID",
        "--buyer-identity", "acme-coupa", "--json",
    )  # fmt: skip
    assert connected.exit_code == 0, connected.output
    created = json.loads(connected.stdout)
    secret = created["shared_secret"]
    assert created["purchase_information"]["buyer_identity"] == "acme-coupa"
    assert created["purchase_information"]["punchout_url"].endswith("/cxml/punchout")

    shown = run("procurement", "show", "--org", organization_id, "--json")
    audit = run("procurement", "audit", "--org", organization_id, "--json")
    assert shown.exit_code == 0
    assert audit.exit_code == 0
    assert [c["id"] for c in json.loads(shown.stdout)["connections"]] == [created["id"]]
    assert secret not in shown.output
    assert secret not in audit.output
    events = [e["event_name"] for e in json.loads(audit.stdout)["items"]]
    assert events == ["CreateProcurementPortalPreference", "PutProcurementSystemConfiguration"]


def test_disable_enable_and_rotate(run: Run, organization_id: str) -> None:
    run("procurement", "configure", "--org", organization_id, "--system", "COUPA", "--name", "C")
    connected = run(
        "procurement", "connect", "--org", organization_id, "--buyer-domain", "DUNS",
        "--buyer-identity", "123456789", "--json",
    )  # fmt: skip
    connection_id = json.loads(connected.stdout)["id"]

    disabled = run("procurement", "disable", connection_id, "--org", organization_id)
    enabled = run("procurement", "enable", connection_id, "--org", organization_id)
    rotated = run("procurement", "rotate-secret", connection_id, "--org", organization_id, "--json")

    assert "(disabled)" in disabled.stdout
    assert "(enabled)" in enabled.stdout
    assert rotated.exit_code == 0, rotated.output
    assert (
        json.loads(rotated.stdout)["shared_secret"] != json.loads(connected.stdout)["shared_secret"]
    )


def test_bad_input_names_each_bad_option(run: Run, organization_id: str) -> None:
    run("procurement", "configure", "--org", organization_id, "--system", "COUPA", "--name", "C")

    result = run(
        "procurement", "connect", "--org", organization_id, "--buyer-identity", "has space",
        "--invoice-endpoint", "http://coupa.example.com/x",
    )  # fmt: skip

    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    for option in ("--buyer-domain", "--buyer-identity", "--invoice-endpoint"):
        assert option in result.stderr


def test_only_the_operator_takes_ariba_out_of_test_mode(run: Run, organization_id: str) -> None:
    result = run(
        "procurement", "configure", "--org", organization_id, "--system", "ARIBA",
        "--name", "Acme Ariba", "--no-test-mode", "--json",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["test_mode"] is False


def test_an_unknown_organization_is_one_line(run: Run, upgraded: None) -> None:
    result = run("procurement", "show", "--org", "o-nosuchorgx")

    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
