from fastapi import FastAPI
from fastapi.testclient import TestClient

from marketplace.config import Settings
from marketplace.web.app import create_app


def test_the_app_keeps_the_database_it_was_given(settings: Settings) -> None:
    from web_support import FakeDatabase

    database = FakeDatabase()

    app = create_app(settings, database=database)

    assert app.state.database is database
    assert app.state.settings is settings


def test_home_page_names_the_marketplace(client: TestClient) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<title>Software Marketplace</title>" in response.text
    assert '<h1 id="page-title">Software Marketplace</h1>' in response.text
    assert "procurement system integration" in response.text.lower()


def test_healthz_reports_ok(client: TestClient) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_openapi_is_served_under_api_without_the_cdn_docs(client: TestClient) -> None:
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Software Marketplace"
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404


def test_the_style_sheet_is_served_from_the_site(client: TestClient) -> None:
    response = client.get("/static/marketplace.css")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert ":focus-visible" in response.text
    assert "http" not in response.text  # no fonts or images from elsewhere


def test_pages_run_only_our_own_script_files_and_nothing_from_other_sites(
    client: TestClient,
) -> None:
    response = client.get("/")

    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self';" in policy  # files from /static; no inline scripts or handlers
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"


def test_unknown_path_is_a_json_not_found_error_for_programs(client: TestClient) -> None:
    response = client.get("/no/such/page")

    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not Found", "fields": []}}


def test_unknown_path_is_a_friendly_page_for_browsers(client: TestClient) -> None:
    response = client.get("/no/such/page", headers={"accept": "text/html,*/*;q=0.8"})

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Page not found</h1>" in response.text
    assert 'href="/search"' in response.text


def test_wrong_method_is_a_json_error_that_names_the_allowed_methods(client: TestClient) -> None:
    response = client.post("/healthz")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["allow"]


def test_invalid_parameters_are_a_400_listing_the_fields(app: FastAPI) -> None:
    @app.get("/echo")
    def echo(count: int) -> dict[str, int]:
        return {"count": count}

    response = TestClient(app).get("/echo", params={"count": "many"})

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert [field["field"] for field in error["fields"]] == ["count"]


def test_unexpected_error_is_a_json_500_without_a_trace(app: FastAPI) -> None:
    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    response = TestClient(app, raise_server_exceptions=False).get("/boom")

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert "secret internals" not in response.text


def test_unexpected_error_on_a_page_is_a_friendly_500_page(app: FastAPI) -> None:
    @app.get("/boom-page")
    def boom() -> None:
        raise RuntimeError("secret internals")

    client = TestClient(app, raise_server_exceptions=False)
    response = client.get("/boom-page", headers={"accept": "text/html"})

    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in response.text
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text
