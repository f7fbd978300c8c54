"""``marketplace.logs``: text or JSON lines, the request id on every record, secrets masked."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from marketplace.logs import (
    REDACTED,
    JsonFormatter,
    configure_logging,
    make_handler,
    redact,
    request_id_var,
)

SECRET = "coupa-shared-secret-0123456789"
API_KEY = "mk_abcdefgh1234_" + "Zx9" * 10
METERING_KEY = "sk_sellerprefix_" + "q1W" * 8


@pytest.fixture
def output() -> Iterator[io.StringIO]:
    """A JSON handler on a logger of its own, writing to a buffer."""
    buffer = io.StringIO()
    logger = logging.getLogger("marketplace.tests.logging")
    handler = make_handler("json", buffer)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield buffer
    logger.removeHandler(handler)


def lines(buffer: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


LOG = logging.getLogger("marketplace.tests.logging")


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (f"<SharedSecret>{SECRET}</SharedSecret>", "<SharedSecret>[REDACTED]</SharedSecret>"),
        (
            f'<SharedSecret xml:lang="en">\n  {SECRET}\n</SharedSecret >',
            '<SharedSecret xml:lang="en">[REDACTED]</SharedSecret >',
        ),
        (f"Authorization: Bearer {API_KEY}", "Authorization: [REDACTED]"),
        (f"{{'authorization': 'Bearer {API_KEY}'}}", "{'authorization': '[REDACTED]'}"),
        ("sent Basic dXNlcjpwYXNzd29yZA== to it", "sent Basic [REDACTED] to it"),
        (f"the key {API_KEY} was used", "the key mk_abcdefgh1234_[REDACTED] was used"),
        (f"metering with {METERING_KEY}", "metering with sk_sellerprefix_[REDACTED]"),
        (f"shared_secret={SECRET}&x=1", "shared_secret=[REDACTED]&x=1"),
        (f'{{"shared_secret": "{SECRET}"}}', '{"shared_secret": "[REDACTED]"}'),
        ("password: hunter2hunter2", "password: [REDACTED]"),
        (
            "postgresql+psycopg://app:p4ss%40word@db.internal:5432/market",
            "postgresql+psycopg://app:[REDACTED]@db.internal:5432/market",
        ),
        ("smtp://mailer:s3cret@mail.example:587", "smtp://mailer:[REDACTED]@mail.example:587"),
        (
            '"GET /products/p-1?ps=abc.DEF-123&q=log HTTP/1.1" 200',
            '"GET /products/p-1?ps=[REDACTED]&q=log HTTP/1.1" 200',
        ),
        ("GET /punchout/start/Zq8_x-Y2k9 HTTP/1.1", "GET /punchout/start/[REDACTED] HTTP/1.1"),
        ("start_token=Zq8xY2k9", "start_token=[REDACTED]"),
    ],
)
def test_redact_masks_the_secret_and_keeps_what_identifies_it(text: str, kept: str) -> None:
    assert redact(text) == kept


@pytest.mark.parametrize(
    "text",
    [
        "cXML request to /cxml/orders refused (401): the shared secret did not match",
        "the StartPage token was used twice",
        "Basic plan chosen",
        "secret_id=sec-0123 rotated; payload_key=abc",
        "https://acme.coupahost.example/punchout/checkout?id=17",
    ],
)
def test_redact_leaves_ordinary_text_alone(text: str) -> None:
    assert redact(text) == text


def test_a_json_line_has_time_level_logger_message_request_id_and_extras(
    output: io.StringIO,
) -> None:
    LOG.info("order %s received", "PO-1", extra={"connection_id": "conn-1", "lines": 3})

    (entry,) = lines(output)
    assert entry["level"] == "INFO"
    assert entry["logger"] == "marketplace.tests.logging"
    assert entry["message"] == "order PO-1 received"
    assert entry["request_id"] is None
    assert entry["connection_id"] == "conn-1"
    assert entry["lines"] == 3
    assert str(entry["time"]).endswith("+00:00")


def test_every_record_written_in_a_request_carries_its_id(output: io.StringIO) -> None:
    token = request_id_var.set("req-42")
    try:
        LOG.warning("first")
        LOG.error("second")
    finally:
        request_id_var.reset(token)
    LOG.info("after")

    assert [entry["request_id"] for entry in lines(output)] == ["req-42", "req-42", None]


def test_secrets_are_masked_in_message_arguments_extras_and_tracebacks(
    output: io.StringIO,
) -> None:
    LOG.info(
        "received %s",
        f"<Sender><Credential><SharedSecret>{SECRET}</SharedSecret></Credential></Sender>",
        extra={
            "headers": {"Authorization": f"Bearer {API_KEY}", "Accept": "text/xml"},
            "api_key": API_KEY,
            "note": f"shared_secret={SECRET}",
        },
    )
    try:
        raise ValueError(f"could not read <SharedSecret>{SECRET}</SharedSecret>")
    except ValueError:
        LOG.exception("failed")

    text = output.getvalue()
    assert SECRET not in text
    assert API_KEY not in text
    first, second = lines(output)
    assert first["headers"] == {"Authorization": REDACTED, "Accept": "text/xml"}
    assert first["api_key"] == REDACTED
    assert first["note"] == f"shared_secret={REDACTED}"
    assert "<SharedSecret>[REDACTED]</SharedSecret>" in str(second["exception"])


def test_a_secret_in_a_traceback_is_masked_wherever_its_element_is() -> None:
    buffer = io.StringIO()
    handler = make_handler("text", buffer)
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom", None, None)
    try:
        raise RuntimeError(f"<SharedSecret>{SECRET}</SharedSecret>")
    except RuntimeError as exc:
        record.exc_info = (type(exc), exc, exc.__traceback__)
    handler.handle(record)

    assert SECRET not in buffer.getvalue()
    assert "Traceback" in buffer.getvalue()


def test_text_lines_show_the_request_id_when_there_is_one() -> None:
    buffer = io.StringIO()
    handler = make_handler("text", buffer)
    token = request_id_var.set("abc123")
    try:
        handler.handle(logging.LogRecord("m", logging.INFO, __file__, 1, "in", None, None))
    finally:
        request_id_var.reset(token)
    handler.handle(logging.LogRecord("m", logging.INFO, __file__, 1, "out", None, None))

    first, second = buffer.getvalue().splitlines()
    assert first.endswith("INFO m [abc123] in")
    assert second.endswith("INFO m out")


def test_a_message_that_cannot_be_formatted_is_still_logged() -> None:
    buffer = io.StringIO()
    handler = make_handler("json", buffer)
    handler.handle(logging.LogRecord("m", logging.INFO, __file__, 1, "%d items", ("x",), None))

    assert "%d items" in json.loads(buffer.getvalue())["message"]


def test_configure_logging_replaces_its_own_handler_and_keeps_others() -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    first_buffer, second_buffer = io.StringIO(), io.StringIO()
    try:
        first = configure_logging("text", "DEBUG", stream=first_buffer)
        second = configure_logging("json", "INFO", stream=second_buffer)
        logging.getLogger("uvicorn.error").info("started with password=hunter2hunter2")

        assert first not in root.handlers
        assert second in root.handlers
        assert all(handler in root.handlers for handler in before)
        assert isinstance(second.formatter, JsonFormatter)
        assert root.level == logging.INFO
        (entry,) = [json.loads(line) for line in second_buffer.getvalue().splitlines()]
        assert entry["logger"] == "uvicorn.error"
        assert entry["message"] == f"started with password={REDACTED}"
        assert first_buffer.getvalue() == ""
    finally:
        for handler in list(root.handlers):
            if handler not in before:
                root.removeHandler(handler)
        root.setLevel(level)
