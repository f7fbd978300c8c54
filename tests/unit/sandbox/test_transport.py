"""How the supplier's answer is read: accepted, rejected (4xx, not retried) or failed
(unreachable, 5xx or not cXML: resend)."""

import httpx
import pytest

import cxml
from cxml.models.envelope import Status
from sandbox.domain.orders import Outcome
from sandbox.services.transport import HttpCxmlPoster


def poster(handler: object) -> HttpCxmlPoster:
    return HttpCxmlPoster(httpx.Client(transport=httpx.MockTransport(handler)))  # type: ignore[arg-type]


def status_body(code: int, detail: str = "") -> bytes:
    return cxml.serialize(cxml.response(None, Status.of(code, detail)))


@pytest.mark.parametrize(
    ("http", "body", "outcome", "summary"),
    [
        (200, status_body(200, "Order received"), Outcome.ACCEPTED, "200 OK: Order received"),
        (200, status_body(201), Outcome.ACCEPTED, "201 Accepted"),
        (200, status_body(400, "Quantity differs"), Outcome.REJECTED, "400 Bad Request"),
        (417, status_body(417, "No such request"), Outcome.REJECTED, "417 Expectation Failed"),
        (500, status_body(500, "Database down"), Outcome.FAILED, "500 Internal Server Error"),
        (200, status_body(560), Outcome.FAILED, "560 Temporary server error"),
        (502, b"<html>Bad gateway</html>", Outcome.FAILED, "HTTP 502: No cXML status"),
        (404, b"<html>Not found</html>", Outcome.REJECTED, "HTTP 404: No cXML status"),
        (200, b"<html>Login</html>", Outcome.FAILED, "HTTP 200: No cXML status"),
    ],
)
def test_the_answer_decides_the_outcome(
    http: int, body: bytes, outcome: Outcome, summary: str
) -> None:
    answer = poster(lambda request: httpx.Response(http, content=body)).post("http://s/x", b"<x/>")

    assert answer.http_status == http
    assert answer.outcome is outcome
    assert answer.summary().startswith(summary)


def test_an_unreachable_supplier_is_a_failure_to_retry() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    answer = poster(refuse).post("http://127.0.0.1:9/cxml/orders", b"<x/>")

    assert answer.outcome is Outcome.FAILED
    assert answer.http_status is None
    assert "Could not reach http://127.0.0.1:9/cxml/orders" in answer.summary()
