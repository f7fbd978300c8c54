"""What every use case needs, in one object: settings, database, secret box, the cXML
transport, the official DTDs, and the clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import cxml
from sandbox.config import SandboxSettings
from sandbox.domain.errors import SandboxError
from sandbox.services.transport import CxmlPoster, HttpCxmlPoster
from sandbox.storage.database import Database, open_database
from sandbox.storage.secret_box import SecretBox

__all__ = ["OutboundDocumentError", "Sandbox", "now", "open_sandbox"]


def now() -> dt.datetime:
    """The current local time, timezone-aware, to the microsecond (records keep their
    order; documents round it to the second)."""
    return dt.datetime.now().astimezone()


class OutboundDocumentError(SandboxError):
    """A document the sandbox built does not validate against the official DTD (a bug)."""


@dataclass
class Sandbox:
    """The sandbox's resources; build it with :func:`open_sandbox`."""

    settings: SandboxSettings
    database: Database
    box: SecretBox
    poster: CxmlPoster
    dtds: cxml.DtdCatalog | None
    clock: Callable[[], dt.datetime] = field(default=now)

    def check_outbound(self, body: bytes) -> None:
        """Refuse to send a document that is not valid against its DTD (when DTDs are here)."""
        if self.dtds is None:
            return
        result = self.dtds.validate(body)
        if not result.valid:
            raise OutboundDocumentError(
                f"The document is not valid against {result.dtd_file} {result.version}: "
                + "; ".join(result.errors[:3])
            )

    def close(self) -> None:
        """Release the database and HTTP connections."""
        self.database.dispose()
        close = getattr(self.poster, "close", None)
        if callable(close):
            close()


def open_sandbox(
    settings: SandboxSettings,
    *,
    poster: CxmlPoster | None = None,
    clock: Callable[[], dt.datetime] | None = None,
) -> Sandbox:
    """Open the database (creating its tables) and the DTD catalog for ``settings``."""
    dtds = None
    if settings.cxml_dtd_dir is not None and settings.cxml_dtd_dir.is_dir():
        dtds = cxml.DtdCatalog(settings.cxml_dtd_dir)
    return Sandbox(
        settings=settings,
        database=open_database(settings.database_url),
        box=SecretBox(settings.secret_key),
        poster=poster or HttpCxmlPoster(),
        dtds=dtds,
        clock=clock or now,
    )
