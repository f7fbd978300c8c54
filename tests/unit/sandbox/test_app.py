import pytest
from fastapi.testclient import TestClient

from sandbox.app import create_app


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_app())


def test_home_page_names_the_buyer_sandbox(client: TestClient) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<title>Buyer sandbox (Coupa-like procurement system)</title>" in response.text
    assert "<h1>Buyer sandbox (Coupa-like procurement system)</h1>" in response.text


def test_healthz_reports_ok(client: TestClient) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_unknown_path_is_not_found(client: TestClient) -> None:
    assert client.get("/no/such/page").status_code == 404
