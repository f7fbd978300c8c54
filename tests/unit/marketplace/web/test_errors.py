import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient

from marketplace.domain.errors import (
    AccessDeniedError,
    AuthenticationError,
    ConflictError,
    FieldError,
    MarketplaceError,
    NotFoundError,
    ValidationError,
)
from marketplace.web.pages import page_router

ERRORS: list[tuple[MarketplaceError, int, str]] = [
    (
        ValidationError("Bad input.", (FieldError("name", "Enter a name."),)),
        400,
        "validation_error",
    ),
    (AuthenticationError("Who are you?"), 401, "unauthenticated"),
    (AccessDeniedError("Not for you.", "aws-marketplace:Subscribe"), 403, "access_denied"),
    (NotFoundError("No such thing."), 404, "not_found"),
    (ConflictError("Already there."), 409, "conflict"),
]


def _raising(app: FastAPI, error: Exception) -> None:
    api = APIRouter(prefix="/api/v1")
    pages = page_router()

    @api.get("/raise")
    def api_raise() -> None:
        raise error

    @pages.get("/raise-page")
    def page_raise() -> None:
        raise error

    app.include_router(api)
    app.include_router(pages)


@pytest.mark.parametrize(("error", "status", "code"), ERRORS)
def test_domain_errors_are_json_errors_with_their_status_on_the_api(
    app: FastAPI, error: MarketplaceError, status: int, code: str
) -> None:
    _raising(app, error)

    response = TestClient(app).get("/api/v1/raise", headers={"accept": "text/html"})

    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"] == error.message


def test_a_validation_error_names_each_bad_field(app: FastAPI) -> None:
    error = ValidationError(
        "Two problems.", (FieldError("name", "Enter a name."), FieldError("email", "Bad."))
    )
    _raising(app, error)

    body = TestClient(app).get("/api/v1/raise").json()

    assert body["error"]["fields"] == [
        {"field": "name", "message": "Enter a name."},
        {"field": "email", "message": "Bad."},
    ]


def test_an_unauthenticated_api_call_is_told_to_use_a_bearer_key(app: FastAPI) -> None:
    _raising(app, AuthenticationError("Who are you?"))

    response = TestClient(app).get("/api/v1/raise")

    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(("error", "status", "code"), [e for e in ERRORS if e[1] != 401])
def test_domain_errors_on_pages_are_friendly_pages(
    app: FastAPI, error: MarketplaceError, status: int, code: str
) -> None:
    _raising(app, error)

    response = TestClient(app).get("/raise-page")

    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert error.message in response.text
    assert '<a class="skip-link" href="#main">' in response.text


def test_a_page_that_needs_a_user_redirects_strangers_to_sign_in(app: FastAPI) -> None:
    _raising(app, AuthenticationError("Sign in."))

    response = TestClient(app).get("/raise-page?x=1", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/raise-page%3Fx%3D1"
