"""``POST /cxml/profile``: an authenticated ProfileRequest gets a DTD-valid ProfileResponse;
every failure is a cXML Status, and the log names what did not match, never the secret."""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path
from typing import Any

import cxml_builders as builders
import httpx
import pytest
from fastapi.testclient import TestClient
from web_support import People

import cxml
from cxml import DeploymentMode, Document, Header, Party, ProfileRequest, ProfileResponse

PROFILE = "/cxml/profile"
SECRET = "coupa-shared-secret-0123456789"
ROOT = Path(__file__).resolve().parents[4]


def _as(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="module")
def dtd_catalog() -> cxml.DtdCatalog:
    """The official DTDs: $CXML_DTD_DIR, else ../shared/cxml-dtd (missing fails, never skips)."""
    configured = os.environ.get("CXML_DTD_DIR")
    folder = Path(configured) if configured else ROOT.parent / "shared" / "cxml-dtd"
    if not (folder / "1.2.014" / "cXML.dtd").is_file():
        pytest.fail(f"the official cXML DTDs are missing: expected them in {folder}")
    return cxml.DtdCatalog(folder)


@pytest.fixture
def connection(client: TestClient, people: People) -> dict[str, Any]:
    """An enabled Coupa connection of Acme, created through the API."""
    configuration = {"system": "COUPA", "name": "Coupa"}
    response = client.put(
        "/api/v1/procurement-system-configuration",
        json=configuration,
        headers=_as(people.admin_key),
    )
    assert response.status_code == 200, response.text
    response = client.post(
        "/api/v1/procurement-connections",
        json={"buyer_domain": "DUNS", "buyer_identity": "077665544", "shared_secret": SECRET},
        headers=_as(people.admin_key),
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _header(
    connection: dict[str, Any],
    *,
    secret: str | None = SECRET,
    buyer_identity: str | None = None,
) -> Header:
    buyer = (connection["buyer_domain"], buyer_identity or connection["buyer_identity"])
    return Header(
        from_=Party.of(*buyer),
        to=Party.of(connection["supplier_domain"], connection["supplier_identity"]),
        sender=Party.of(connection["sender_domain"], connection["sender_identity"], secret),
        user_agent="Coupa Procurement 1.0",
    )


def _profile_request(header: Header, *, version: str = "", test: bool = False) -> bytes:
    document = Document(
        payload_id="1741000000001.101.aa01@buyer.example",
        timestamp=dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC),
        payload=ProfileRequest(),
        header=header,
        version=version,
        deployment_mode=DeploymentMode.TEST if test else DeploymentMode.PRODUCTION,
    )
    return cxml.serialize(document)


def _post(client: TestClient, body: bytes) -> httpx.Response:
    return client.post(PROFILE, content=body, headers={"Content-Type": "text/xml"})


def _status(response: httpx.Response) -> cxml.Status:
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    document = cxml.parse(response.content)
    assert document.status is not None
    return document.status


def test_a_signed_profile_request_gets_a_valid_profile_response(
    client: TestClient, connection: dict[str, Any], dtd_catalog: cxml.DtdCatalog
) -> None:
    response = _post(client, _profile_request(_header(connection)))

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    result = dtd_catalog.validate(response.content)
    assert result.valid, result.errors
    document = cxml.parse(response.content)
    assert document.status is not None
    assert document.status.code == 200
    assert document.version == "1.2.014"
    profile = document.payload
    assert isinstance(profile, ProfileResponse)
    assert profile.url_for("ProfileRequest") == "https://market.example/cxml/profile"
    assert profile.url_for("PunchOutSetupRequest") == "https://market.example/cxml/punchout"
    assert profile.url_for("OrderRequest") == "https://market.example/cxml/orders"
    assert profile.effective_date.tzinfo is not None


def test_the_answer_mirrors_the_requests_cxml_version(
    client: TestClient, connection: dict[str, Any], dtd_catalog: cxml.DtdCatalog
) -> None:
    response = _post(client, _profile_request(_header(connection), version="1.2.020", test=True))

    assert response.status_code == 200, response.text
    assert cxml.parse(response.content).version == "1.2.020"
    result = dtd_catalog.validate(response.content)
    assert result.valid, result.errors
    assert result.exact


def test_the_profile_urls_agree_with_the_purchase_information(
    client: TestClient, people: People, connection: dict[str, Any]
) -> None:
    information = client.get(
        f"/api/v1/procurement-connections/{connection['id']}/purchase-information",
        headers=_as(people.admin_key),
    ).json()

    profile = cxml.parse(_post(client, _profile_request(_header(connection))).content).payload

    assert isinstance(profile, ProfileResponse)
    assert profile.url_for("PunchOutSetupRequest") == information["punchout_url"]
    assert profile.url_for("OrderRequest") == information["order_url"]
    assert profile.url_for("ProfileRequest") == information["profile_url"]


def test_a_wrong_secret_is_401_and_the_log_names_the_element_not_the_secret(
    client: TestClient, connection: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "not-the-secret-but-a-guess-42"
    caplog.set_level(logging.DEBUG)

    response = _post(client, _profile_request(_header(connection, secret=wrong)))

    assert response.status_code == 401
    status = _status(response)
    assert status.code == 401
    assert "credentials were not recognised" in status.detail
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings, "the refusal is logged"
    assert any("SharedSecret" in r.getMessage() for r in warnings)
    for record in caplog.records:
        assert wrong not in record.getMessage()
        assert SECRET not in record.getMessage()
    assert wrong not in response.text
    assert SECRET not in response.text


def test_a_missing_secret_is_401(client: TestClient, connection: dict[str, Any]) -> None:
    response = _post(client, _profile_request(_header(connection, secret=None)))

    assert response.status_code == 401
    assert _status(response).code == 401


def test_an_unknown_identity_is_401_and_the_log_names_the_from_credential(
    client: TestClient, connection: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)

    response = _post(client, _profile_request(_header(connection, buyer_identity="999999999")))

    assert response.status_code == 401
    assert _status(response).code == 401
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("From" in message for message in messages), messages
    assert all(SECRET not in message for message in messages)


def test_a_disabled_connection_is_403(
    client: TestClient, people: People, connection: dict[str, Any]
) -> None:
    disabled = client.post(
        f"/api/v1/procurement-connections/{connection['id']}/disable",
        headers=_as(people.admin_key),
    )
    assert disabled.status_code == 200

    response = _post(client, _profile_request(_header(connection)))

    assert response.status_code == 403
    assert _status(response).code == 403


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not xml at all",
        b"<cXML><Request>",
        b"<?xml version='1.0'?><!DOCTYPE cXML [<!ENTITY x 'y'>]><cXML>&x;</cXML>",
        b"<html><body>hello</body></html>",
    ],
    ids=["empty", "text", "unclosed", "entity", "not-cxml"],
)
def test_a_malformed_document_is_406(client: TestClient, body: bytes) -> None:
    response = _post(client, body)

    assert response.status_code == 406
    assert _status(response).code == 406


def test_a_document_over_5_mib_is_refused_with_406(client: TestClient) -> None:
    response = _post(client, b"<cXML>" + b" " * (5 * 1024 * 1024) + b"</cXML>")

    assert response.status_code == 406
    status = _status(response)
    assert status.code == 406
    assert "larger than" in status.detail


def test_another_request_type_is_told_where_to_go(
    client: TestClient, connection: dict[str, Any]
) -> None:
    order = builders.order_request_new()

    response = _post(client, cxml.serialize(order))

    assert response.status_code == 400
    status = _status(response)
    assert status.code == 450
    assert "https://market.example/cxml/orders" in status.detail


def test_an_unexpected_failure_is_a_cxml_500(
    client: TestClient, connection: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr("marketplace.web.cxml_support.authenticate_buyer", broken)

    response = _post(client, _profile_request(_header(connection)))

    assert response.status_code == 500
    status = _status(response)
    assert status.code == 500
    assert "database" not in response.text


def test_a_get_is_answered_in_cxml(client: TestClient) -> None:
    response = client.get(PROFILE)

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert _status(response).code == 405
