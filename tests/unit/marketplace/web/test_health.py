"""``/healthz`` says the process is up; ``/readyz`` that its database answers and is migrated."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from web_support import FakeDatabase

from marketplace.config import Settings
from marketplace.web.app import create_app


class ProbedDatabase(FakeDatabase):
    """The in-memory database, with the schema revisions a readiness check reads."""

    def __init__(self, revision: str | None = "0006", head: str = "0006") -> None:
        super().__init__()
        self.revision = revision
        self.head = head
        self.error: Exception | None = None

    def schema_revisions(self) -> tuple[str | None, str]:
        if self.error is not None:
            raise self.error
        return self.revision, self.head


@pytest.fixture
def probed() -> ProbedDatabase:
    return ProbedDatabase()


@pytest.fixture
def probed_client(settings: Settings, probed: ProbedDatabase) -> Iterator[TestClient]:
    with TestClient(create_app(settings, database=probed)) as client:
        yield client


def test_healthz_answers_while_the_process_is_up(client: TestClient) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ready_when_the_database_is_at_the_newest_revision(
    probed_client: TestClient,
) -> None:
    response = probed_client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok", "revision": "0006"}


def test_readyz_says_the_database_needs_migrating(
    probed_client: TestClient, probed: ProbedDatabase
) -> None:
    probed.revision = "0005"

    response = probed_client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["database"] == "migrations pending"
    assert body["revision"] == "0005"
    assert body["expected_revision"] == "0006"
    assert "marketplace db upgrade" in body["detail"]


def test_readyz_says_a_database_was_never_migrated(
    probed_client: TestClient, probed: ProbedDatabase
) -> None:
    probed.revision = None

    response = probed_client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["database"] == "not migrated"


def test_readyz_says_the_database_does_not_answer_and_shows_no_error_text(
    probed_client: TestClient, probed: ProbedDatabase
) -> None:
    probed.error = ConnectionRefusedError("postgresql://app:hunter2@db:5432 refused")

    response = probed_client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
    assert "hunter2" not in response.text
    # Liveness does not depend on the database: the process is still up.
    assert probed_client.get("/healthz").status_code == 200


def test_readyz_is_not_ready_when_the_database_cannot_report_its_schema(
    client: TestClient,
) -> None:
    response = client.get("/readyz")  # the plain in-memory database has no schema

    assert response.status_code == 503
    assert response.json()["database"] == "unchecked"


def test_health_endpoints_are_tagged_health_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]

    assert paths["/healthz"]["get"]["tags"] == ["health"]
    assert paths["/readyz"]["get"]["tags"] == ["health"]
    assert "/metrics" not in paths
