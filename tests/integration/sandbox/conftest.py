"""Fixtures for the sandbox's integration tests: the app over its own SQLite file (a
temporary one), a fake supplier behind ``httpx.MockTransport``, and a TestClient."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sandbox_support import BASE_URL, SECRET, FakeSupplier, purchase_information, sandbox_settings

from sandbox.services.context import Sandbox, open_sandbox
from sandbox.services.transport import HttpCxmlPoster
from sandbox.web.app import create_app


@pytest.fixture
def supplier_side() -> FakeSupplier:
    """The marketplace's cXML side, faked."""
    return FakeSupplier()


@pytest.fixture
def sandbox(tmp_path: Any, supplier_side: FakeSupplier) -> Iterator[Sandbox]:
    resources = open_sandbox(
        sandbox_settings(tmp_path),
        poster=HttpCxmlPoster(httpx.Client(transport=supplier_side.transport())),
    )
    yield resources
    resources.close()


@pytest.fixture
def client(sandbox: Sandbox) -> Iterator[TestClient]:
    with TestClient(create_app(sandbox.settings, sandbox=sandbox), base_url=BASE_URL) as tc:
        yield tc


@pytest.fixture
def supplier(client: TestClient) -> dict[str, Any]:
    """The marketplace as a supplier, set up from its purchase information."""
    response = client.post(
        "/api/v1/suppliers",
        json={
            "name": "Software Marketplace",
            "purchase_information": purchase_information(),
            "shared_secret": SECRET,
        },
    )
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer
