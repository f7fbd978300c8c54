from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from marketplace.config import Settings
from marketplace.web.app import create_app


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    settings = Settings.from_env({"MARKETPLACE_VAR_DIR": str(tmp_path / "var")})
    return TestClient(create_app(settings))


def test_home_page_names_the_marketplace(client: TestClient) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<title>Software Marketplace</title>" in response.text
    assert "<h1>Software Marketplace</h1>" in response.text
    assert "procurement system integration" in response.text.lower()


def test_home_page_loads_nothing_from_other_sites(client: TestClient) -> None:
    page = client.get("/").text

    assert "http://" not in page
    assert "https://" not in page


def test_healthz_reports_ok(client: TestClient) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_openapi_is_served_under_api(client: TestClient) -> None:
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Software Marketplace"
    assert client.get("/docs").status_code == 404


def test_unknown_path_is_a_json_not_found_error(client: TestClient) -> None:
    response = client.get("/no/such/page")

    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not Found", "fields": []}}


def test_wrong_method_is_a_json_error_that_names_the_allowed_methods(client: TestClient) -> None:
    response = client.post("/healthz")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["allow"]


def test_invalid_parameters_are_a_json_error_listing_the_fields(tmp_path: Path) -> None:
    app = create_app(Settings.from_env({"MARKETPLACE_VAR_DIR": str(tmp_path / "var")}))

    @app.get("/echo")
    async def echo(count: int) -> dict[str, int]:
        return {"count": count}

    response = TestClient(app).get("/echo", params={"count": "many"})

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert [field["name"] for field in error["fields"]] == ["count"]


def test_unexpected_error_is_a_json_500_without_a_trace(tmp_path: Path) -> None:
    app = create_app(Settings.from_env({"MARKETPLACE_VAR_DIR": str(tmp_path / "var")}))

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    response = TestClient(app, raise_server_exceptions=False).get("/boom")

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert "secret internals" not in response.text
