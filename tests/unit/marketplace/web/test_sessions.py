import time

from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from web_support import People

from marketplace.config import Settings
from marketplace.web.sessions import SESSION_COOKIE, SESSION_MAX_AGE, cookie_options


class _YesterdaySigner(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - SESSION_MAX_AGE - 60


def test_an_expired_session_reads_as_signed_out(
    client: TestClient, people: People, settings: Settings
) -> None:
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {people.buyer_key}"})
    user_id = me.json()["user"]["id"]
    secret = settings.secret_key.reveal()
    fresh = URLSafeTimedSerializer(secret, salt="marketplace.session").dumps(user_id)
    stale = URLSafeTimedSerializer(
        secret, salt="marketplace.session", signer=_YesterdaySigner
    ).dumps(user_id)

    client.cookies.set(SESSION_COOKIE, fresh)
    assert "Signed in as" in client.get("/").text
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, stale)
    assert "Signed in as" not in client.get("/").text
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_a_session_signed_with_another_key_reads_as_signed_out(
    client: TestClient, people: People
) -> None:
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {people.buyer_key}"})
    forged = URLSafeTimedSerializer("not our key", salt="marketplace.session").dumps(
        me.json()["user"]["id"]
    )
    client.cookies.set(SESSION_COOKIE, forged)

    assert "Signed in as" not in client.get("/").text


def test_cookies_are_secure_only_on_https() -> None:
    def options(base_url: str) -> dict[str, object]:
        settings = Settings.from_env(
            {"MARKETPLACE_BASE_URL": base_url, "MARKETPLACE_SECRET_KEY": "k"}
        )
        return cookie_options(settings)

    assert options("https://market.example")["secure"] is True
    assert options("http://127.0.0.1:8000")["secure"] is False
    assert options("http://127.0.0.1:8000")["httponly"] is True
    assert options("http://127.0.0.1:8000")["samesite"] == "lax"


def test_the_csrf_cookie_is_httponly_too(client: TestClient) -> None:
    response = client.get("/signin")

    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("mk_csrf="))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
