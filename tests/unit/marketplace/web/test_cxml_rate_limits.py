"""cXML requests past a connection's rate limit get a cXML 429 with ``Retry-After``; the
limit is per connection and checked once the credentials are known."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from cxml_builders import bill_to
from fastapi.testclient import TestClient
from punchout_web import configure, connect, header, official_dtds, setup_request
from web_support import FakeDatabase, People, make_people

import cxml
from marketplace.config import Settings
from marketplace.web.app import create_app

XML = {"Content-Type": "text/xml"}
BURST = 3


@pytest.fixture
def limited(tmp_path: Path, database: FakeDatabase) -> Iterator[TestClient]:
    """The app with a burst of 3 cXML requests and one more every 100 seconds."""
    settings = Settings.from_env(
        {
            "MARKETPLACE_VAR_DIR": str(tmp_path / "var"),
            "MARKETPLACE_SECRET_KEY": "test-secret-key-for-the-web-tests",
            "MARKETPLACE_BASE_URL": "https://market.example",
            "MARKETPLACE_CXML_RATE": "0.01",
            "MARKETPLACE_CXML_BURST": str(BURST),
        }
    )
    with TestClient(create_app(settings, database=database), base_url=settings.base_url) as c:
        yield c


@pytest.fixture
def connection(limited: TestClient, people: People) -> dict[str, Any]:
    configure(limited, people.admin_key)
    return connect(limited, people.admin_key)


def test_a_connection_over_its_limit_gets_a_cxml_429_with_retry_after(
    limited: TestClient, connection: dict[str, Any], database: FakeDatabase
) -> None:
    answers = [
        limited.post("/cxml/punchout", content=setup_request(connection), headers=XML)
        for _ in range(BURST + 1)
    ]

    assert [a.status_code for a in answers] == [200] * BURST + [429]
    refused = answers[-1]
    assert refused.headers["content-type"] == "text/xml; charset=utf-8"
    assert refused.headers["Retry-After"] == "100"
    document = cxml.parse(refused.content)
    assert document.status is not None
    assert document.status.code == 429
    assert document.status.text == "Too Many Requests"
    assert "try again in 100 seconds" in document.status.detail
    assert official_dtds().validate(refused.content).valid
    assert len(database.factory.store.punchout_sessions) == BURST  # nothing done for it


def test_the_limit_is_per_connection(
    limited: TestClient, connection: dict[str, Any], database: FakeDatabase
) -> None:
    other_people = make_people(database, domain="globex.example")
    configure(limited, other_people.admin_key)
    other = connect(limited, other_people.admin_key, buyer_identity="112233445")
    for _ in range(BURST):
        limited.post("/cxml/punchout", content=setup_request(connection), headers=XML)

    response = limited.post("/cxml/punchout", content=setup_request(other), headers=XML)

    assert response.status_code == 200


def test_requests_that_fail_authentication_take_no_token(
    limited: TestClient, connection: dict[str, Any]
) -> None:
    for _ in range(BURST + 2):
        bad = setup_request(connection, secret="not-the-secret-value")
        assert limited.post("/cxml/punchout", content=bad, headers=XML).status_code == 401

    good = limited.post("/cxml/punchout", content=setup_request(connection), headers=XML)

    assert good.status_code == 200


def test_the_default_limit_leaves_ordinary_traffic_alone(
    client: TestClient, people: People, settings: Settings
) -> None:
    configure(client, people.admin_key)
    connection = connect(client, people.admin_key)

    codes = {
        client.post("/cxml/punchout", content=setup_request(connection), headers=XML).status_code
        for _ in range(30)
    }

    assert codes == {200}
    assert (settings.cxml_rate, settings.cxml_burst) == (20.0, 100)


def test_a_purchase_order_over_the_limit_gets_503_so_that_coupa_retries_it(
    limited: TestClient, connection: dict[str, Any]
) -> None:
    for _ in range(BURST):
        limited.post("/cxml/punchout", content=setup_request(connection), headers=XML)
    order = cxml.serialize(
        cxml.Document(
            payload_id="po-over-the-limit@acme.coupahost.example",
            timestamp=cxml.now(),
            payload=cxml.OrderRequest(
                header=cxml.OrderRequestHeader(
                    order_id="6112",
                    order_date=cxml.now(),
                    total=cxml.Money(Decimal("1.00"), "USD"),
                    bill_to=bill_to(),
                ),
                items=(cxml.ItemOut(quantity=Decimal(1), item_id=cxml.ItemID("offer-1", "sr-1")),),
            ),
            header=header(connection),
        )
    )

    refused = limited.post("/cxml/orders", content=order, headers=XML)

    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "100"
    document = cxml.parse(refused.content)
    assert document.status is not None
    assert document.status.code == 503
