"""Procurement management through the JSON API on a real database (SQLite, and PostgreSQL
where configured): the shared secret is shown once and then found nowhere, not in any answer,
not in the application's logs, not in the database in plain text."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

import cxml
from cxml import Document, Header, Party, ProfileRequest, ProfileResponse
from marketplace.services import accounts
from marketplace.storage.database import Database
from marketplace.storage.tables import metadata

pytestmark = pytest.mark.integration

CONFIGURATION = "/api/v1/procurement-system-configuration"
CONNECTIONS = "/api/v1/procurement-connections"
GIVEN_SECRET = "given-secret-Zq8Vw3Xr5Tn7"


@pytest.fixture(scope="module")
def admin_key(database: Database) -> str:
    created = accounts.create_organization(
        database.unit_of_work(), name="Initech", admin_email="admin@initech.example"
    )
    return created.api_key


def _as(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _profile_request(connection: dict[str, Any], secret: str) -> bytes:
    header = Header(
        from_=Party.of(connection["buyer_domain"], connection["buyer_identity"]),
        to=Party.of(connection["supplier_domain"], connection["supplier_identity"]),
        sender=Party.of(connection["sender_domain"], connection["sender_identity"], secret),
        user_agent="Coupa Procurement 1.0",
    )
    document = Document(
        payload_id="1741000000001.101.aa01@initech.example",
        timestamp=dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC),
        payload=ProfileRequest(),
        header=header,
    )
    return cxml.serialize(document)


def _post_cxml(client: TestClient, body: bytes) -> httpx.Response:
    return client.post("/cxml/profile", content=body, headers={"Content-Type": "text/xml"})


def _database_bytes(database: Database) -> bytes:
    """Everything the database holds, as bytes: SQLite's files (the WAL included), or every
    row of every table rendered as text on PostgreSQL."""
    if database.dialect == "sqlite":
        path = Path(database.engine.url.database or "")
        files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-journal")]
        return b"".join(f.read_bytes() for f in files if f.exists())
    rows: list[str] = []
    with database.engine.connect() as connection:
        for table in metadata.sorted_tables:
            name = connection.dialect.identifier_preparer.quote(table.name)
            rows += connection.execute(text(f"SELECT t::text FROM {name} t")).scalars()
    return "\n".join(rows).encode("utf-8")


def test_a_shared_secret_is_shown_once_and_found_nowhere_afterwards(
    client: TestClient,
    database: Database,
    admin_key: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, every level, for the whole flow
    key = _as(admin_key)
    put = client.put(CONFIGURATION, json={"system": "COUPA", "name": "Coupa"}, headers=key)
    assert put.status_code == 200, put.text
    generated = client.post(
        CONNECTIONS,
        json={
            "buyer_domain": "DUNS",
            "buyer_identity": "initech-1",
            "invoice_endpoint": "https://initech.coupahost.com/cxml/invoices",
        },
        headers=key,
    )
    given = client.post(
        CONNECTIONS,
        json={"buyer_domain": "DUNS", "buyer_identity": "initech-2", "shared_secret": GIVEN_SECRET},
        headers=key,
    )
    assert generated.status_code == given.status_code == 201, (generated.text, given.text)
    first, second = generated.json(), given.json()
    assert second["shared_secret"] == GIVEN_SECRET
    rotated = client.post(
        f"{CONNECTIONS}/{first['id']}/rotate-secret",
        json={"grace_period_seconds": 600},
        headers=key,
    )
    assert rotated.status_code == 200, rotated.text
    secrets = [first["shared_secret"], GIVEN_SECRET, rotated.json()["shared_secret"]]

    # Both the rotated-out and the new secret open the connection (the grace period) …
    for secret in (first["shared_secret"], secrets[2]):
        answer = _post_cxml(client, _profile_request(first, secret))
        assert answer.status_code == 200, answer.text
        assert isinstance(cxml.parse(answer.content).payload, ProfileResponse)
    # … and a wrong one is refused, and logged.
    refused = _post_cxml(client, _profile_request(second, GIVEN_SECRET + "x"))
    assert refused.status_code == 401

    answers = [client.get(CONNECTIONS, headers=key), client.get(CONFIGURATION, headers=key)]
    for connection in (first, second):
        url = f"{CONNECTIONS}/{connection['id']}"
        answers += [
            client.get(url, headers=key),
            client.get(f"{url}/purchase-information", headers=key),
            client.post(f"{url}/disable", headers=key),
            client.post(f"{url}/enable", headers=key),
        ]
    answers.append(client.get("/api/v1/audit-events", headers=key))
    for answer in [*answers, refused]:
        assert answer.status_code in (200, 401), answer.text
        for secret in secrets:
            assert secret not in answer.text, answer.url

    events = answers[-1].json()["items"]
    assert {e["event_name"] for e in events} >= {
        "PutProcurementSystemConfiguration",
        "CreateProcurementPortalPreference",
        "RotateProcurementPortalSharedSecret",
    }

    assert caplog.records, "the flow logs something (the refused request at least)"
    logged = caplog.text + "\n".join(
        f"{record.getMessage()} {record.args!r} {record.exc_text or ''}"
        for record in caplog.records
    )
    for secret in secrets:
        assert secret not in logged

    stored = _database_bytes(database)
    assert first["id"].encode() in stored, "the dump holds the connections (sanity check)"
    for secret in secrets:
        assert secret.encode("utf-8") not in stored
