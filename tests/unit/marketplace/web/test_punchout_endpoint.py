"""``POST /cxml/punchout``: an authenticated PunchOutSetupRequest opens a session and gets a
one-time StartPage URL; every failure is a cXML Status, and none of them opens a session."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from punchout_web import (
    BUYER_COOKIE,
    FORM_POST_URL,
    SECRET,
    USER_EMAIL,
    admin_headers,
    configure,
    connect,
    official_dtds,
    setup_request,
    start_page_url,
)
from web_support import FakeDatabase, People

import cxml
from cxml import PunchOutOperation
from marketplace.domain.procurement import CartReturnField
from marketplace.domain.punchout import PunchoutOperation, PunchoutSession

PUNCHOUT = "/cxml/punchout"


@pytest.fixture(scope="module")
def dtd_catalog() -> cxml.DtdCatalog:
    return official_dtds()


@pytest.fixture
def connection(client: TestClient, people: People) -> dict[str, Any]:
    """An enabled Coupa connection of Acme (test mode on), created through the API."""
    configure(client, people.admin_key)
    return connect(client, people.admin_key)


def sessions(database: FakeDatabase) -> list[PunchoutSession]:
    return list(database.factory.store.punchout_sessions.values())


def post(client: TestClient, body: bytes, **params: str) -> httpx.Response:
    return client.post(PUNCHOUT, content=body, params=params, headers={"Content-Type": "text/xml"})


def status_of(response: httpx.Response) -> cxml.Status:
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    document = cxml.parse(response.content)
    assert document.status is not None
    assert document.payload is None, "a failure carries no PunchOutSetupResponse"
    return document.status


def test_a_coupa_setup_request_gets_a_valid_answer_with_a_one_time_start_page(
    client: TestClient,
    connection: dict[str, Any],
    database: FakeDatabase,
    dtd_catalog: cxml.DtdCatalog,
) -> None:
    response = post(client, setup_request(connection))

    assert response.status_code == 200, response.text
    result = dtd_catalog.validate(response.content)
    assert result.valid, result.errors
    document = cxml.parse(response.content)
    assert document.version == "1.2.014"
    url = start_page_url(response)
    assert url.startswith("https://market.example/punchout/start/")
    token = url.rsplit("/", 1)[1]
    assert len(token) >= 40  # 32 random bytes, URL-safe
    [session] = sessions(database)
    assert token not in repr(session)  # only its hash is kept
    assert session.operation is PunchoutOperation.CREATE
    assert session.buyer_cookie == BUYER_COOKIE
    assert session.form_post_url == FORM_POST_URL
    assert session.user_email == USER_EMAIL
    assert session.user_name == "Dana Okafor"
    assert session.cart_field is CartReturnField.URLENCODED
    assert session.connection_id == connection["id"]
    assert session.test is True
    assert session.user_id is None  # nobody is signed in until the StartPage is opened
    assert session.start_url is None


def test_two_setup_requests_open_two_sessions_with_different_start_pages(
    client: TestClient, connection: dict[str, Any], database: FakeDatabase
) -> None:
    first = start_page_url(post(client, setup_request(connection)))
    second = start_page_url(post(client, setup_request(connection)))

    assert first != second
    assert len(sessions(database)) == 2


def test_the_answer_mirrors_the_requests_version(
    client: TestClient, connection: dict[str, Any], dtd_catalog: cxml.DtdCatalog
) -> None:
    response = post(client, setup_request(connection, version="1.2.020"))

    assert response.status_code == 200, response.text
    assert cxml.parse(response.content).version == "1.2.020"
    assert dtd_catalog.validate(response.content).valid


def test_a_wrong_secret_is_401_opens_no_session_and_logs_no_secret(
    client: TestClient,
    connection: dict[str, Any],
    database: FakeDatabase,
    caplog: pytest.LogCaptureFixture,
) -> None:
    wrong = "not-the-secret-but-a-guess-42"
    caplog.set_level(logging.DEBUG)

    response = post(client, setup_request(connection, secret=wrong))

    assert response.status_code == 401
    assert status_of(response).code == 401
    assert sessions(database) == []
    assert any("SharedSecret" in r.getMessage() for r in caplog.records)
    for record in caplog.records:
        assert wrong not in record.getMessage()
        assert SECRET not in record.getMessage()


def test_an_unknown_identity_is_401_and_opens_no_session(
    client: TestClient, connection: dict[str, Any], database: FakeDatabase
) -> None:
    response = post(client, setup_request(connection, buyer_identity="999999999"))

    assert response.status_code == 401
    assert status_of(response).code == 401
    assert sessions(database) == []


def test_a_disabled_connection_is_403_and_opens_no_session(
    client: TestClient, people: People, connection: dict[str, Any], database: FakeDatabase
) -> None:
    disabled = client.post(
        f"/api/v1/procurement-connections/{connection['id']}/disable",
        headers=admin_headers(people.admin_key),
    )
    assert disabled.status_code == 200

    response = post(client, setup_request(connection))

    assert response.status_code == 403
    assert status_of(response).code == 403
    assert sessions(database) == []


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
def test_an_empty_or_malformed_body_is_406_and_opens_no_session(
    client: TestClient, connection: dict[str, Any], database: FakeDatabase, body: bytes
) -> None:
    response = post(client, body)

    assert response.status_code == 406
    assert status_of(response).code == 406
    assert sessions(database) == []


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_anything_but_a_post_is_a_cxml_405_and_opens_no_session(
    client: TestClient, connection: dict[str, Any], database: FakeDatabase, method: str
) -> None:
    response = client.request(method, PUNCHOUT, content=setup_request(connection))

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    status = status_of(response)
    assert status.code == 405
    assert "PunchOutSetupRequest" in status.detail
    assert sessions(database) == []


def test_operation_source_is_450_and_opens_no_session(
    client: TestClient, connection: dict[str, Any], database: FakeDatabase
) -> None:
    response = post(client, setup_request(connection, operation=PunchOutOperation.SOURCE))

    assert status_of(response).code == 450
    assert sessions(database) == []


def test_create_without_browser_form_post_is_412_and_opens_no_session(
    client: TestClient, connection: dict[str, Any], database: FakeDatabase
) -> None:
    response = post(client, setup_request(connection, form_post_url=None))

    assert response.status_code == 412
    status = status_of(response)
    assert status.code == 412
    assert "BrowserFormPost" in status.detail
    assert sessions(database) == []


def test_another_request_type_is_450_and_told_where_to_go(
    client: TestClient, connection: dict[str, Any], database: FakeDatabase
) -> None:
    document = cxml.parse(setup_request(connection))  # its header, with a ProfileRequest
    body = cxml.serialize(
        cxml.Document(
            payload_id=document.payload_id,
            timestamp=document.timestamp,
            payload=cxml.ProfileRequest(),
            header=document.header,
        )
    )

    response = post(client, body)

    status = status_of(response)
    assert status.code == 450
    assert "https://market.example/cxml/profile" in status.detail
    assert sessions(database) == []


def test_start_url_is_kept_with_the_session_and_wins_over_idc_url(
    client: TestClient, connection: dict[str, Any], database: FakeDatabase
) -> None:
    sign_in_page = "https://d-1234567890.awsapps.example/start"

    response = post(
        client,
        setup_request(connection),
        idc_url="https://idc.example/old",
        start_url=sign_in_page,
    )

    assert response.status_code == 200, response.text
    [session] = sessions(database)
    assert session.start_url == sign_in_page


def test_the_older_idc_url_is_honoured(
    client: TestClient, connection: dict[str, Any], database: FakeDatabase
) -> None:
    response = post(client, setup_request(connection), idc_url="https://idc.example/start")

    assert response.status_code == 200, response.text
    assert sessions(database)[0].start_url == "https://idc.example/start"


@pytest.mark.parametrize(
    "start_url",
    ["http://sso.example/start", "javascript:alert(1)", "not a url", "https://"],
)
def test_an_unusable_start_url_is_400_and_opens_no_session(
    client: TestClient, connection: dict[str, Any], database: FakeDatabase, start_url: str
) -> None:
    response = post(client, setup_request(connection), start_url=start_url)

    status = status_of(response)
    assert status.code == 400
    assert "start_url" in status.detail
    assert sessions(database) == []


def test_a_start_url_is_not_looked_at_before_the_credentials(
    client: TestClient, connection: dict[str, Any], database: FakeDatabase
) -> None:
    response = post(client, setup_request(connection, secret="wrong"), start_url="nonsense")

    assert status_of(response).code == 401
    assert sessions(database) == []


def test_an_unexpected_failure_is_a_cxml_500(
    client: TestClient,
    connection: dict[str, Any],
    database: FakeDatabase,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr("marketplace.services.punchout.start_punchout", broken)

    response = post(client, setup_request(connection))

    assert response.status_code == 500
    assert status_of(response).code == 500
    assert "database" not in response.text
    assert sessions(database) == []
