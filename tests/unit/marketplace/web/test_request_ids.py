"""Every request has an id: the caller's ``X-Request-ID`` when it is a sensible one, else a
new one; it comes back on the response and is on every log record of the request."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from punchout_web import configure, connect, setup_request
from web_support import People

from marketplace.logs import make_handler


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """The marketplace's log records as JSON lines."""
    buffer = io.StringIO()
    logger = logging.getLogger("marketplace")
    handler = make_handler("json", buffer)
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    yield buffer
    logger.removeHandler(handler)
    logger.setLevel(level)


def records(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_a_request_without_an_id_gets_a_new_one(client: TestClient) -> None:
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]

    assert len(first) == 32
    assert int(first, 16) >= 0
    assert first != second


@pytest.mark.parametrize(
    "given", ["3f1c0d9e-7a2b-4c5d-8e9f-0a1b2c3d4e5f", "coupa:po/6112@acme", "x" * 128]
)
def test_the_callers_request_id_comes_back_as_it_was(client: TestClient, given: str) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": given})

    assert response.headers["X-Request-ID"] == given


@pytest.mark.parametrize(
    "given", ["x" * 129, "two words", "tab\there", "<script>", "new\\nline", 'quote"d']
)
def test_an_unsafe_request_id_is_replaced_by_a_new_one(client: TestClient, given: str) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": given})

    assert response.headers["X-Request-ID"] != given
    assert len(response.headers["X-Request-ID"]) == 32


def test_error_responses_carry_the_id_too(client: TestClient) -> None:
    response = client.get("/api/v1/agreements", headers={"X-Request-ID": "req-401"})

    assert response.status_code == 401
    assert response.headers["X-Request-ID"] == "req-401"


def test_log_records_of_a_cxml_request_carry_its_id_and_no_secret(
    client: TestClient, people: People, log_lines: io.StringIO
) -> None:
    configure(client, people.admin_key)
    connection = connect(client, people.admin_key)
    body = setup_request(connection, secret="not-the-shared-secret-at-all")

    response = client.post(
        "/cxml/punchout",
        content=body,
        headers={"Content-Type": "text/xml", "X-Request-ID": "coupa-req-7"},
    )

    assert response.status_code == 401
    refused = [r for r in records(log_lines) if "refused" in r["message"]]
    assert refused, records(log_lines)
    assert {r["request_id"] for r in refused} == {"coupa-req-7"}
    assert "not-the-shared-secret-at-all" not in log_lines.getvalue()


def test_an_unexpected_error_is_logged_with_the_request_id(
    app: FastAPI, log_lines: io.StringIO
) -> None:
    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("kaput")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom", headers={"X-Request-ID": "req-boom"})

    assert response.status_code == 500
    (logged,) = [r for r in records(log_lines) if r["level"] == "ERROR"]
    assert logged["request_id"] == "req-boom"
    assert "kaput" in logged["exception"]
