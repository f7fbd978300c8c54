"""Request bodies past ``MARKETPLACE_MAX_BODY_BYTES`` get a 413 (JSON for the API, a page for
browsers) before the app reads them; cXML endpoints keep their own, larger cap."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_support import FakeDatabase, People

import cxml
from marketplace.config import Settings
from marketplace.web.app import create_app

LIMIT = 2048


@pytest.fixture
def small_client(tmp_path: Path, database: FakeDatabase) -> Iterator[TestClient]:
    """The app with a 2 KiB body limit."""
    settings = Settings.from_env(
        {
            "MARKETPLACE_VAR_DIR": str(tmp_path / "var"),
            "MARKETPLACE_SECRET_KEY": "test-secret-key-for-the-web-tests",
            "MARKETPLACE_BASE_URL": "https://market.example",
            "MARKETPLACE_MAX_BODY_BYTES": str(LIMIT),
        }
    )
    with TestClient(create_app(settings, database=database), base_url=settings.base_url) as c:
        yield c


def big_json(size: int) -> bytes:
    return b'{"system": "COUPA", "name": "' + b"x" * size + b'"}'


def test_a_json_body_over_the_limit_gets_a_413_in_the_error_shape(
    small_client: TestClient, people: People
) -> None:
    response = small_client.put(
        "/api/v1/procurement-system-configuration",
        content=big_json(LIMIT),
        headers={"Authorization": f"Bearer {people.admin_key}", "Content-Type": "application/json"},
    )

    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "request_entity_too_large"
    assert "2,048 bytes" in error["message"]


def test_a_body_sent_without_its_length_is_cut_off_at_the_limit(
    small_client: TestClient, people: People
) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b" " * 512  # JSON allows leading whitespace; 5 KiB in all

    response = small_client.put(
        "/api/v1/procurement-system-configuration",
        content=chunks(),
        headers={"Authorization": f"Bearer {people.admin_key}", "Content-Type": "application/json"},
    )

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_entity_too_large"


def test_a_browser_posting_a_form_over_the_limit_gets_an_error_page(
    small_client: TestClient,
) -> None:
    response = small_client.post(
        "/signin",
        data={"email": "a@example.com", "password": "p" * LIMIT},
        headers={"Accept": "text/html"},
    )

    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "2,048 bytes" in response.text


def test_a_body_within_the_limit_goes_through(small_client: TestClient, people: People) -> None:
    response = small_client.put(
        "/api/v1/procurement-system-configuration",
        content=big_json(100),
        headers={"Authorization": f"Bearer {people.admin_key}", "Content-Type": "application/json"},
    )

    assert response.status_code == 200, response.text


def test_cxml_endpoints_answer_in_cxml_whatever_the_general_limit(
    small_client: TestClient,
) -> None:
    body = b"<?xml version='1.0'?><cXML>" + b" " * (LIMIT * 4) + b"</cXML>"

    response = small_client.post(
        "/cxml/punchout", content=body, headers={"Content-Type": "text/xml"}
    )

    assert response.headers["content-type"].startswith("text/xml")
    document = cxml.parse(response.content)
    assert document.status is not None
    assert document.status.code != 413  # read and refused as cXML, not as too large


def test_the_default_limit_is_one_mebibyte(settings: Settings) -> None:
    assert settings.max_body_bytes == 1024 * 1024
