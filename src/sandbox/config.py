"""The sandbox's settings: one frozen ``SandboxSettings`` read from ``SANDBOX_*`` variables.

Read once at start-up (``SandboxSettings.from_env(os.environ)``) and passed explicitly to
``create_app`` and the CLI. Variables (all optional):

- ``SANDBOX_DATABASE_URL``: default ``sqlite:///./var/sandbox.db`` (its own SQLite file).
- ``SANDBOX_HOST`` / ``SANDBOX_PORT``: where ``sandbox serve`` listens; ``127.0.0.1`` / ``8100``.
- ``SANDBOX_BASE_URL``: the public base URL (BrowserFormPost and invoice URLs are built from
  it); default ``http://{host}:{port}``.
- ``SANDBOX_SECRET_KEY``: encrypts the suppliers' shared secrets at rest; generated once into
  ``{var_dir}/sandbox_secret_key`` (mode 0600) when unset.
- ``SANDBOX_VAR_DIR``: the folder for local state; default ``./var``.
- ``SANDBOX_CXML_DTD_DIR``, else ``CXML_DTD_DIR``: the official cXML DTDs; default
  ``../shared/cxml-dtd`` beside the project checkout when that folder exists.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["SandboxSettings", "SettingsError", "default_cxml_dtd_dir"]


class SettingsError(ValueError):
    """A ``SANDBOX_*`` variable holds a value that cannot be used."""


@dataclass(frozen=True)
class SandboxSettings:
    """Everything the sandbox reads from its environment, fixed at start-up."""

    database_url: str
    base_url: str
    secret_key: str = field(repr=False)
    cxml_dtd_dir: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8100

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str], *, host: str | None = None, port: int | None = None
    ) -> SandboxSettings:
        """Build settings from ``SANDBOX_*`` variables (``host``/``port`` override them)."""

        def get(name: str) -> str | None:
            value = environ.get(name, "").strip()
            return value or None

        var_dir_text = get("SANDBOX_VAR_DIR") or "./var"
        host = host or get("SANDBOX_HOST") or "127.0.0.1"
        port = port or _parse_port(get("SANDBOX_PORT") or "8100")
        dtd_dir = get("SANDBOX_CXML_DTD_DIR") or get("CXML_DTD_DIR")
        shown = f"[{host}]" if ":" in host else host
        return cls(
            database_url=get("SANDBOX_DATABASE_URL") or f"sqlite:///{var_dir_text}/sandbox.db",
            base_url=(get("SANDBOX_BASE_URL") or f"http://{shown}:{port}").rstrip("/"),
            secret_key=get("SANDBOX_SECRET_KEY") or _load_or_create_key(Path(var_dir_text)),
            cxml_dtd_dir=Path(dtd_dir) if dtd_dir else default_cxml_dtd_dir(),
            host=host,
            port=port,
        )

    @property
    def invoice_url(self) -> str:
        """The invoice inbox URL to give suppliers (Coupa's ``/cxml/invoices``)."""
        return self.base_url + "/cxml/invoices"


def default_cxml_dtd_dir() -> Path | None:
    """``../shared/cxml-dtd`` beside the project checkout, or None if it isn't there."""
    project_root = Path(__file__).resolve().parents[2]
    if not (project_root / "pyproject.toml").is_file():
        return None  # installed as a wheel: no checkout, no shared folder beside it
    candidate = project_root.parent / "shared" / "cxml-dtd"
    return candidate if candidate.is_dir() else None


def _load_or_create_key(var_dir: Path) -> str:
    """Read ``{var_dir}/sandbox_secret_key``, creating it (mode 0600) when missing; two
    processes starting together end up with the same key (hard link, never a torn file)."""
    path = var_dir / "sandbox_secret_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        tmp = var_dir / f".sandbox_secret_key.{os.getpid()}.{secrets.token_hex(4)}"
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
        raise SettingsError(f"{path} is empty; delete it or set SANDBOX_SECRET_KEY")
    return value


def _parse_port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise SettingsError(f"SANDBOX_PORT must be a number, not {text!r}") from None
    if not 0 < port < 65536:
        raise SettingsError(f"SANDBOX_PORT must be between 1 and 65535, not {port}")
    return port
