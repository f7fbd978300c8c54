"""The marketplace's settings: one frozen ``Settings`` read from ``MARKETPLACE_*`` variables.

Read once at start-up (``Settings.from_env(os.environ)``) and passed explicitly to
``create_app``, the worker and the CLI. There are no module-level settings.

Variables (all optional):

- ``MARKETPLACE_DATABASE_URL``: default ``sqlite:///./var/marketplace.db``.
- ``MARKETPLACE_HOST`` / ``MARKETPLACE_PORT``: where ``marketplace serve`` listens;
  default ``127.0.0.1`` / ``8000``.
- ``MARKETPLACE_BASE_URL``: the public base URL used in generated URLs; default
  ``http://{host}:{port}``.
- ``MARKETPLACE_SMTP_URL``: e.g. ``smtp://127.0.0.1:2525``; unset means mail is logged and
  stored, not sent.
- ``MARKETPLACE_SECRET_KEY``: signing and encryption key; if unset, one is generated once
  into ``{var_dir}/secret_key`` (mode 0600) and read back on later starts.
- ``MARKETPLACE_SECRET_KEY_PREVIOUS``: earlier secret keys, comma-separated, newest first,
  while the key is rotated: connection secrets sealed with them still open (``marketplace
  secrets reseal`` re-seals them with the current key); default none.
- ``MARKETPLACE_VAR_DIR``: the folder for local state; default ``./var``.
- ``MARKETPLACE_CXML_DTD_DIR``: the official cXML DTDs; default ``../shared/cxml-dtd``
  beside the project checkout when that folder exists.
- ``MARKETPLACE_DEMO``: ``1``/``0``; whether ``serve`` seeds the demo data (default ``1``).
- ``MARKETPLACE_TAX_RATE``: the tax rate put on invoices, a decimal from 0 to 1 (``0.2`` for
  20 %); default ``0``.
- ``MARKETPLACE_CXML_RATE`` / ``MARKETPLACE_CXML_BURST``: the cXML requests each procurement
  connection may send, per second on average and at once (a token bucket kept in the
  database, shared by every app process); default ``20`` / ``100``. A rate of ``0`` turns
  the limit off.
- ``MARKETPLACE_MAX_BODY_BYTES``: the largest request body the JSON API and the pages take
  (413 beyond it); default ``1048576`` (1 MiB). cXML documents have their own cap (5 MiB).
- ``MARKETPLACE_DATABASE_POOL_SIZE`` / ``MARKETPLACE_DATABASE_MAX_OVERFLOW``: the
  PostgreSQL connections each app process keeps open, and how many more it may open under
  load; default ``5`` / ``10`` (SQLAlchemy's). Every process has its own pool: keep their sum
  under the server's ``max_connections``.
- ``MARKETPLACE_OUTBOX_LEASE_SECONDS``: how long a worker holds the messages it claimed
  before another worker may take them over (a worker killed mid-round leaves them this
  long); default ``120``.
- ``MARKETPLACE_LOG_FORMAT``: ``text`` (for people, the default) or ``json`` (one object a
  line, for log collectors); ``MARKETPLACE_LOG_LEVEL``: default ``INFO``.
"""

from __future__ import annotations

import contextlib
import hmac
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Literal

DEFAULT_CXML_RATE = 20.0
DEFAULT_CXML_BURST = 100
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
DEFAULT_POOL_SIZE = 5
DEFAULT_MAX_OVERFLOW = 10
DEFAULT_OUTBOX_LEASE_SECONDS = 120.0
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingsError(ValueError):
    """A ``MARKETPLACE_*`` variable holds a value that cannot be used."""


@dataclass(frozen=True)
class Secret:
    """A secret string whose ``repr`` and ``str`` never show the value."""

    _value: str = field(repr=False)

    def reveal(self) -> str:
        """Return the secret value; call this only where the value is really needed."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    def __str__(self) -> str:
        return "**********"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class Settings:
    """Everything the marketplace reads from its environment, fixed at start-up."""

    database_url: str
    base_url: str
    host: str
    port: int
    smtp_url: str | None
    secret_key: Secret
    var_dir: Path
    cxml_dtd_dir: Path | None
    seed_demo: bool = True
    tax_rate: Decimal = Decimal(0)
    cxml_rate: float = DEFAULT_CXML_RATE
    cxml_burst: int = DEFAULT_CXML_BURST
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    log_format: Literal["text", "json"] = "text"
    log_level: str = "INFO"
    previous_secret_keys: tuple[Secret, ...] = ()
    database_pool_size: int = DEFAULT_POOL_SIZE
    database_max_overflow: int = DEFAULT_MAX_OVERFLOW
    outbox_lease_seconds: float = DEFAULT_OUTBOX_LEASE_SECONDS

    def secret_keys(self) -> tuple[str, ...]:
        """The secret key and the previous ones, newest first, revealed (for sealing secrets:
        the first seals, every one opens)."""
        return (self.secret_key.reveal(), *(key.reveal() for key in self.previous_secret_keys))

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Build settings from ``MARKETPLACE_*`` variables, generating the secret key if unset."""

        def get(name: str) -> str | None:
            value = environ.get(f"MARKETPLACE_{name}", "").strip()
            return value or None

        var_dir_text = get("VAR_DIR") or "./var"
        var_dir = Path(var_dir_text)
        host = get("HOST") or "127.0.0.1"
        port = _parse_port(get("PORT") or "8000")
        secret = get("SECRET_KEY")
        dtd_dir = get("CXML_DTD_DIR")
        return cls(
            database_url=get("DATABASE_URL") or f"sqlite:///{var_dir_text}/marketplace.db",
            base_url=(get("BASE_URL") or _default_base_url(host, port)).rstrip("/"),
            host=host,
            port=port,
            smtp_url=get("SMTP_URL"),
            secret_key=Secret(secret) if secret else load_or_create_secret_key(var_dir),
            var_dir=var_dir,
            cxml_dtd_dir=Path(dtd_dir) if dtd_dir else default_cxml_dtd_dir(),
            seed_demo=_parse_bool("MARKETPLACE_DEMO", get("DEMO") or "1"),
            tax_rate=_parse_tax_rate(get("TAX_RATE") or "0"),
            cxml_rate=_parse_number("MARKETPLACE_CXML_RATE", get("CXML_RATE"), DEFAULT_CXML_RATE),
            cxml_burst=int(
                _parse_number("MARKETPLACE_CXML_BURST", get("CXML_BURST"), DEFAULT_CXML_BURST, 1)
            ),
            max_body_bytes=int(
                _parse_number(
                    "MARKETPLACE_MAX_BODY_BYTES", get("MAX_BODY_BYTES"), DEFAULT_MAX_BODY_BYTES, 1
                )
            ),
            log_format=_parse_log_format(get("LOG_FORMAT") or "text"),
            log_level=_parse_log_level(get("LOG_LEVEL") or "INFO"),
            previous_secret_keys=tuple(
                Secret(key.strip())
                for key in (get("SECRET_KEY_PREVIOUS") or "").split(",")
                if key.strip()
            ),
            database_pool_size=int(
                _parse_number(
                    "MARKETPLACE_DATABASE_POOL_SIZE",
                    get("DATABASE_POOL_SIZE"),
                    DEFAULT_POOL_SIZE,
                    1,
                )
            ),
            database_max_overflow=int(
                _parse_number(
                    "MARKETPLACE_DATABASE_MAX_OVERFLOW",
                    get("DATABASE_MAX_OVERFLOW"),
                    DEFAULT_MAX_OVERFLOW,
                )
            ),
            outbox_lease_seconds=_parse_number(
                "MARKETPLACE_OUTBOX_LEASE_SECONDS",
                get("OUTBOX_LEASE_SECONDS"),
                DEFAULT_OUTBOX_LEASE_SECONDS,
                1,
            ),
        )


def load_or_create_secret_key(var_dir: Path) -> Secret:
    """Read ``{var_dir}/secret_key``, creating it (mode 0600) with a fresh random key if missing.

    Creation is atomic: the key is written to a private temporary file and hard-linked into
    place, so two processes starting together end up with the same key, never a torn file.
    """
    path = var_dir / "secret_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        tmp = var_dir / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(secrets.token_urlsafe(48) + "\n")
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    value = path.read_text(encoding="ascii").strip()
    if not value:
        raise SettingsError(f"{path} is empty; delete it or set MARKETPLACE_SECRET_KEY")
    return Secret(value)


def default_cxml_dtd_dir() -> Path | None:
    """Return ``../shared/cxml-dtd`` beside the project checkout, or None if it isn't there."""
    project_root = Path(__file__).resolve().parents[2]
    if not (project_root / "pyproject.toml").is_file():
        return None  # installed as a wheel: no checkout, no shared folder beside it
    candidate = project_root.parent / "shared" / "cxml-dtd"
    return candidate if candidate.is_dir() else None


def _default_base_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def _parse_port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise SettingsError(f"MARKETPLACE_PORT must be a number, not {text!r}") from None
    if not 0 < port < 65536:
        raise SettingsError(f"MARKETPLACE_PORT must be between 1 and 65535, not {port}")
    return port


def _parse_bool(name: str, text: str) -> bool:
    lowered = text.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be 1 or 0, not {text!r}")


def _parse_tax_rate(text: str) -> Decimal:
    problem = f"MARKETPLACE_TAX_RATE must be a decimal from 0 to 1 (0.2 for 20 %), not {text!r}"
    try:
        rate = Decimal(text)
    except InvalidOperation:
        raise SettingsError(problem) from None
    if not rate.is_finite() or not 0 <= rate <= 1:
        raise SettingsError(problem)
    return rate


def _parse_number(name: str, text: str | None, default: float, minimum: float = 0) -> float:
    """A finite number of at least ``minimum`` (``default`` when unset); whole for integers."""
    if text is None:
        return default
    try:
        value = int(text) if isinstance(default, int) else float(text)
    except ValueError:
        kind = "a whole number" if isinstance(default, int) else "a number"
        raise SettingsError(f"{name} must be {kind}, not {text!r}") from None
    if value != value or value in (float("inf"), float("-inf")) or value < minimum:
        raise SettingsError(f"{name} must be at least {minimum:g}, not {text!r}")
    return value


def _parse_log_format(text: str) -> Literal["text", "json"]:
    lowered = text.lower()
    if lowered == "json":
        return "json"
    if lowered == "text":
        return "text"
    raise SettingsError(f"MARKETPLACE_LOG_FORMAT must be text or json, not {text!r}")


def _parse_log_level(text: str) -> str:
    if text.upper() not in _LOG_LEVELS:
        choices = ", ".join(_LOG_LEVELS)
        raise SettingsError(f"MARKETPLACE_LOG_LEVEL must be one of {choices}, not {text!r}")
    return text.upper()
