"""The app as a whole: health, errors as pages / JSON / cXML, headers, static files."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_healthz_reports_ok(client: TestClient) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_an_unknown_page_is_a_404_page_and_an_unknown_api_path_json(client: TestClient) -> None:
    page = client.get("/no/such/page")
    api = client.get("/api/v1/requisitions/42")

    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>Not found</h1>" in page.text
    assert api.status_code == 404
    assert api.json() == {
        "error": {"code": "not_found", "message": "There is no requisition 42.", "fields": {}}
    }


def test_pages_load_nothing_from_other_sites(client: TestClient) -> None:
    response = client.get("/sign-in")

    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'self'" in policy
    assert "<title>Sign in · Buyer sandbox (Coupa-like procurement system)</title>" in response.text
    assert "<script>" not in response.text
    assert "http" not in response.text.split("<main")[0]
    assert client.get("/static/sandbox.css").status_code == 200
    assert client.get("/static/sandbox.js").status_code == 200


def test_signing_in_and_out(client: TestClient) -> None:
    signed_in = client.post("/sign-in", data={"email": "priya@acme.example", "next": "/approvals"})
    assert str(signed_in.url).endswith("/approvals")
    assert "Signed in as <strong>Priya Raman</strong>" in signed_in.text

    nobody = client.post("/sign-in", data={"email": "eve@evil.example"})
    assert nobody.status_code == 400

    elsewhere = client.post(
        "/sign-in",
        data={"email": "dana@acme.example", "next": "//evil.example"},
        follow_redirects=False,
    )
    assert elsewhere.headers["location"] == "/"

    out = client.post("/sign-out", follow_redirects=False)
    assert out.headers["location"] == "/sign-in"
