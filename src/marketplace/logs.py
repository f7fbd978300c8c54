"""Logging for every marketplace process: plain text for people, or one JSON object a line;
the request id in every record; secrets masked before anything is written.

``configure_logging(format)`` is called once by ``marketplace serve`` and ``marketplace
worker`` (``MARKETPLACE_LOG_FORMAT``: ``text``, the default, or ``json``). It puts one handler
on the root logger with two filters, so every logger that propagates (uvicorn's included)
goes through them:

- :class:`RequestIdFilter` sets ``record.request_id`` from :data:`request_id_var`, which the
  web app's request-id middleware sets for the length of a request (``None`` outside one);
- :class:`RedactingFilter` masks shared secrets, API and metering keys, ``Authorization``
  values, passwords in URLs, punchout session ids and StartPage tokens in URLs and
  ``<SharedSecret>…</SharedSecret>`` in the message, in the extras (``extra={…}``) and in the
  traceback, and drops the value of any extra whose name says it is a secret. It goes by
  patterns: a secret written bare into a message, with nothing around it to recognise it
  by, is not caught, so code never logs one.

A JSON line holds ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message``,
``request_id``, every extra, and ``exception`` (the traceback) when there is one.

This module sits beside the layers: anything may import it; it imports nothing of the
marketplace.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any, Literal, TextIO

__all__ = [
    "REDACTED",
    "JsonFormatter",
    "LogFormat",
    "RedactingFilter",
    "RequestIdFilter",
    "TextFormatter",
    "configure_logging",
    "redact",
    "request_id_var",
]

LogFormat = Literal["text", "json"]

REDACTED = "[REDACTED]"
_HANDLER_NAME = "marketplace"

request_id_var: ContextVar[str | None] = ContextVar("marketplace_request_id", default=None)
"""The id of the request being handled (set by the web app's middleware)."""

# What a secret looks like in text. Each pattern keeps what identifies the thing (the element,
# the key's public prefix, the user name) and masks only the secret part.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # cXML credentials: <SharedSecret>s3cret</SharedSecret> (any case, attributes, newlines).
    (
        re.compile(r"(<SharedSecret\b[^>]*>).*?(</SharedSecret\s*>)", re.IGNORECASE | re.DOTALL),
        rf"\1{REDACTED}\2",
    ),
    # Our API keys (mk_<prefix>_<secret>) and sellers' metering keys (sk_<prefix>_<secret>).
    (re.compile(r"\b((?:mk|sk)_[a-z0-9]{4,})_[A-Za-z0-9_-]{8,}"), rf"\1_{REDACTED}"),
    # Authorization header values: "Bearer …", and "Basic …" when it looks like base64.
    (re.compile(r"(?i)\b(bearer)(\s+)[A-Za-z0-9._~+/=-]{6,}"), rf"\1\2{REDACTED}"),
    (re.compile(r"\b(Basic)(\s+)(?=\S*[0-9+/=A-Z])[A-Za-z0-9+/]{6,}={0,2}"), rf"\1\2{REDACTED}"),
    # "authorization: …" however it is quoted (a header line, a dict's repr, JSON).
    (
        re.compile(r"""(?i)(["']?authorization["']?\s*[:=]\s*["']?)(?!\[REDACTED\])[^"'\r\n,}]+"""),
        rf"\1{REDACTED}",
    ),
    # name=value and "name": "value" for names that hold secrets.
    (
        re.compile(
            r"""(?i)(["']?\b[\w-]*(?:secret|password|passwd|api[_-]?key|metering[_-]?key|"""
            r"""secret[_-]?key|token)["']?\s*[:=]\s*["']?)"""
            r"""(?!\[REDACTED\])[^"'\s,;&}<]+"""
        ),
        rf"\1{REDACTED}",
    ),
    # Bearer credentials in our URLs (access logs): a punchout session's signed id
    # (``?ps=…``, good while the session is open) and a StartPage's one-time token.
    (re.compile(r"([?&]ps=)[^&#\s\"']+"), rf"\1{REDACTED}"),
    (re.compile(r"(/punchout/start/)[A-Za-z0-9_.~-]+"), rf"\1{REDACTED}"),
    # Passwords in URLs: scheme://user:password@host.
    (
        re.compile(r"(\b[a-z][a-z0-9+.-]*://[^/\s:@]*:)[^/\s@]+(@)", re.IGNORECASE),
        rf"\1{REDACTED}\2",
    ),
)

_SECRET_NAME = re.compile(
    r"(?i)(secret|password|passwd|authorization|api[_-]?key|metering[_-]?key|token|credential)"
)

# Every attribute a LogRecord has of its own; the others came in through ``extra``.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
    "request_part",
    "color_message",  # uvicorn's message again, with terminal colours
}


def redact(text: str) -> str:
    """``text`` with every secret it shows masked (see the module docstring)."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _redact_value(name: str, value: Any) -> Any:
    if _SECRET_NAME.search(name) and value not in (None, ""):
        return REDACTED
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {str(key): _redact_value(str(key), item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_value("", item) for item in value]
    return value


def extras(record: logging.LogRecord) -> dict[str, Any]:
    """What the record carries through ``extra={…}``."""
    return {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}


class RequestIdFilter(logging.Filter):
    """Puts the current request's id (or None) on every record as ``request_id``."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class RedactingFilter(logging.Filter):
    """Masks secrets in the message, the extras and the traceback of every record."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what there is, never fail to log
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = redact(message), None
        for name, value in extras(record).items():
            setattr(record, name, _redact_value(name, value))
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class TextFormatter(logging.Formatter):
    """``2024-06-24 12:00:00,123 INFO marketplace.web [req-id] message`` (the id when there
    is one)."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s%(request_part)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", None)
        record.request_part = f" [{request_id}]" if request_id else ""
        return super().format(record)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request_id, extras, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for name, value in extras(record).items():
            entry.setdefault(name, value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, default=str, ensure_ascii=False)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (a test runner may swap it)."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        """Ignored: the stream is always the current stderr."""


def make_handler(log_format: LogFormat, stream: TextIO | None = None) -> logging.Handler:
    """A stream handler (stderr unless given) with the request-id and redacting filters."""
    handler: logging.Handler = _StderrHandler() if stream is None else logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    return handler


def configure_logging(
    log_format: LogFormat = "text", level: str = "INFO", stream: TextIO | None = None
) -> logging.Handler:
    """Send every log record to stderr (or ``stream``) as text or JSON lines, secrets masked
    (replacing the handler an earlier call installed). Returns the handler."""
    handler = make_handler(log_format, stream)
    handler.set_name(_HANDLER_NAME)
    root = logging.getLogger()
    for old in list(root.handlers):
        if old.get_name() == _HANDLER_NAME:  # ours, from an earlier call; others stay
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # uvicorn's loggers propagate to the root when it is started with log_config=None.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
        logger.disabled = False  # an earlier dictConfig may have switched it off
        logger.setLevel(logging.NOTSET)
    return handler
