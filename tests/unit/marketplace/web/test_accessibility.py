"""Every page: landmarks, a skip link, a title, one h1, a label for every control, unique
ids, CSRF tokens in every POST form, and nothing loaded from another site."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from page_checks import assert_accessible
from web_support import People, sign_in

PUBLIC_PAGES = ["/", "/search", "/search?q=suite&category=DevOps", "/products/prod-rich", "/signin"]
PRIVATE_PAGES = ["/your-software", "/account", "/signout"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_are_accessible(client: TestClient, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 200
    assert_accessible(response.text)


@pytest.mark.parametrize("path", PUBLIC_PAGES + PRIVATE_PAGES)
def test_pages_are_accessible_when_signed_in(client: TestClient, people: People, path: str) -> None:
    sign_in(client, people.admin_email)

    response = client.get(path)

    assert response.status_code == 200
    assert_accessible(response.text)


def test_error_pages_are_accessible(client: TestClient) -> None:
    for path in ["/products/prod-nope", "/search?pricing_model=bogus"]:
        assert_accessible(client.get(path).text)


def test_the_sign_in_form_with_errors_is_accessible(client: TestClient) -> None:
    from web_support import csrf_from

    token = csrf_from(client.get("/signin").text)
    response = client.post("/signin", data={"csrf_token": token})

    assert_accessible(response.text)
    assert 'role="alert"' in response.text


def test_the_checks_catch_an_unlabelled_input() -> None:
    bad = (
        '<html lang="en"><head><title>X · Software Marketplace</title></head><body>'
        '<a href="#main">Skip</a><header><nav></nav></header><main id="main"><h1>X</h1>'
        '<input id="q" name="q"></main><footer></footer></body></html>'
    )

    with pytest.raises(AssertionError, match="no label"):
        assert_accessible(bad)
