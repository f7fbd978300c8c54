import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from web_support import PASSWORD, People, csrf_from, sign_in

from marketplace.web.csrf import csrf_protect
from marketplace.web.sessions import SESSION_COOKIE


def _signin_form(client: TestClient, next: str = "/") -> str:
    return csrf_from(client.get("/signin", params={"next": next}).text)


def _post_signin(client: TestClient, email: str, password: str, next: str = "/") -> httpx.Response:
    token = _signin_form(client, next)
    return client.post(
        "/signin",
        data={"email": email, "password": password, "next": next, "csrf_token": token},
        follow_redirects=False,
    )


def test_sign_in_page_has_labelled_email_and_password_fields(client: TestClient) -> None:
    page = client.get("/signin").text

    assert "<title>Sign in · Software Marketplace</title>" in page
    assert '<label for="email">E-mail address</label>' in page
    assert '<input type="email" id="email" name="email"' in page
    assert '<label for="password">Password</label>' in page
    assert '<input type="password" id="password" name="password"' in page
    assert 'name="csrf_token"' in page


def test_signing_in_sets_an_httponly_session_cookie_and_goes_back(
    client: TestClient, people: People
) -> None:
    response = _post_signin(client, people.buyer_email, PASSWORD, next="/account")

    assert response.status_code == 303
    assert response.headers["location"] == "/account"
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE)
    )
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" in cookie  # the base URL is https
    assert people.buyer_email not in cookie


def test_the_header_shows_the_signed_in_user_and_a_sign_out_form(
    client: TestClient, people: People
) -> None:
    sign_in(client, people.buyer_email)

    page = client.get("/").text

    assert "Signed in as <strong>Bo Buyer</strong>" in page
    assert '<form method="post" action="/signout"' in page
    assert ">Sign out</button>" in page


def test_a_wrong_password_and_an_unknown_user_get_the_same_message(
    client: TestClient, people: People
) -> None:
    wrong_password = _post_signin(client, people.buyer_email, "not the password")
    unknown_user = _post_signin(client, "nobody@acme.example", "not the password")

    assert wrong_password.status_code == unknown_user.status_code == 401
    assert "The e-mail address or password is not right." in wrong_password.text
    assert wrong_password.text.replace(people.buyer_email, "X") == unknown_user.text.replace(
        "nobody@acme.example", "X"
    ).replace(csrf_from(unknown_user.text), csrf_from(wrong_password.text))
    assert SESSION_COOKIE not in wrong_password.headers.get("set-cookie", "")


def test_the_form_keeps_the_email_but_never_the_password(
    client: TestClient, people: People
) -> None:
    response = _post_signin(client, people.buyer_email, "a secret attempt")

    assert f'value="{people.buyer_email}"' in response.text
    assert "a secret attempt" not in response.text


def test_empty_fields_are_named_in_the_error_summary(client: TestClient) -> None:
    response = _post_signin(client, "", "")

    assert response.status_code == 400
    assert "Enter your e-mail address." in response.text
    assert "Enter your password." in response.text
    assert 'aria-invalid="true"' in response.text


def test_sign_in_without_the_csrf_token_is_refused(client: TestClient, people: People) -> None:
    client.get("/signin")

    response = client.post(
        "/signin",
        data={"email": people.buyer_email, "password": PASSWORD},
        follow_redirects=False,
    )

    assert response.status_code == 403
    assert "This form has expired" in response.text
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")


def test_a_token_from_another_browser_is_refused(
    app: FastAPI, client: TestClient, people: People
) -> None:
    with TestClient(app, base_url="https://market.example") as other:
        stolen = csrf_from(other.get("/signin").text)
    client.get("/signin")

    response = client.post(
        "/signin",
        data={"email": people.buyer_email, "password": PASSWORD, "csrf_token": stolen},
        follow_redirects=False,
    )

    assert response.status_code == 403


def test_sign_in_never_redirects_to_another_site(client: TestClient, people: People) -> None:
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"):
        response = _post_signin(client, people.buyer_email, PASSWORD, next=target)

        assert response.headers["location"] == "/"


def test_signing_out_ends_the_session(client: TestClient, people: People) -> None:
    sign_in(client, people.buyer_email)
    token = csrf_from(client.get("/").text)

    response = client.post("/signout", data={"csrf_token": token}, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert "Signed in as" not in client.get("/").text
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_signing_out_needs_the_csrf_token(client: TestClient, people: People) -> None:
    sign_in(client, people.buyer_email)

    response = client.post("/signout", follow_redirects=False)

    assert response.status_code == 403
    assert "Signed in as" in client.get("/").text


def test_a_tampered_session_cookie_reads_as_signed_out(client: TestClient, people: People) -> None:
    sign_in(client, people.buyer_email)
    value = client.cookies[SESSION_COOKIE]
    tampered = value[:-2] + ("AA" if value[-2:] != "AA" else "BB")

    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, value)
    assert "Signed in as" in client.get("/").text
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, tampered)
    assert "Signed in as" not in client.get("/").text


def test_a_signed_in_user_visiting_sign_in_goes_straight_on(
    client: TestClient, people: People
) -> None:
    sign_in(client, people.buyer_email)

    response = client.get("/signin", params={"next": "/account"}, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/account"


def test_every_page_post_checks_the_csrf_token(app: FastAPI) -> None:
    posts = [
        context
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        and "POST" in (context.methods or ())
        and not (context.path or "").startswith(("/api/", "/cxml/"))  # no cookies: credentials
    ]

    assert {context.path for context in posts} >= {"/signin", "/signout"}
    assert len(posts) > 2  # the other pages' forms are found too
    for context in posts:
        route = context.original_route
        assert isinstance(route, APIRoute)
        calls = [dependency.call for dependency in route.dependant.dependencies]
        assert csrf_protect in calls, f"{context.path} does not check the CSRF token"


def test_the_header_sign_in_link_returns_to_the_page_with_its_query(client: TestClient) -> None:
    page = client.get("/search", params={"q": "backup", "category": "DevOps"}).text

    assert 'href="/signin?next=/search%3Fq%3Dbackup%26category%3DDevOps"' in page
