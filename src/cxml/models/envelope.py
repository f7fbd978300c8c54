"""The cXML envelope: ``cXML`` with its ``Header`` and one ``Request``, ``Message`` or ``Response``.

A :class:`Document` holds the envelope attributes and exactly one payload (an ``OrderRequest``,
a ``PunchOutOrderMessage`` …). The payload's class says which envelope element carries it and
which DTD file declares it; a :class:`Document` whose payload is None is a bare ``Response``
that holds only a ``Status``.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import ClassVar

from cxml.codes import status_text

__all__ = [
    "DEFAULT_VERSION",
    "Credential",
    "DeploymentMode",
    "Document",
    "Envelope",
    "Header",
    "Party",
    "Payload",
    "Status",
]

DEFAULT_VERSION = "1.2.014"


class Envelope(enum.Enum):
    """The element of ``cXML`` that carries a payload."""

    REQUEST = "Request"
    MESSAGE = "Message"
    RESPONSE = "Response"


class DeploymentMode(enum.Enum):
    """``Request@deploymentMode`` / ``Message@deploymentMode``; production when absent."""

    PRODUCTION = "production"
    TEST = "test"


class Payload:
    """Base of every payload class: names its element, envelope and DTD file."""

    __slots__ = ()
    element: ClassVar[str]
    envelope: ClassVar[Envelope]
    dtd_file: ClassVar[str] = "cXML.dtd"
    default_version: ClassVar[str] = DEFAULT_VERSION


@dataclass(frozen=True, slots=True)
class Credential:
    """``Credential``: an identity in a domain, with the shared secret when one is sent.

    The secret never appears in ``repr`` (and so never in logs of the object).
    """

    domain: str
    identity: str
    shared_secret: str | None = field(default=None, repr=False)
    type: str | None = None

    def matches(self, domain: str, identity: str) -> bool:
        """Same identity, and the same domain in any case (Coupa mixes ``DUNS``/``duns``)."""
        return (
            self.identity.strip() == identity.strip()
            and self.domain.strip().casefold() == domain.strip().casefold()
        )


@dataclass(frozen=True, slots=True)
class Party:
    """``From``, ``To`` or the credentials of ``Sender``: one or more credentials."""

    credentials: tuple[Credential, ...]

    @classmethod
    def of(cls, domain: str, identity: str, shared_secret: str | None = None) -> Party:
        """A party with a single credential."""
        return cls((Credential(domain, identity, shared_secret),))

    @property
    def credential(self) -> Credential:
        """The first credential (most parties have one)."""
        return self.credentials[0]

    @property
    def shared_secret(self) -> str | None:
        """The first shared secret among the credentials, or None."""
        for credential in self.credentials:
            if credential.shared_secret is not None:
                return credential.shared_secret
        return None

    def find(self, domain: str, identity: str) -> Credential | None:
        """The credential with this domain (any case) and identity, or None."""
        for credential in self.credentials:
            if credential.matches(domain, identity):
                return credential
        return None


@dataclass(frozen=True, slots=True)
class Header:
    """``Header``: who the document is from, for, and who is sending it (with which software)."""

    from_: Party
    to: Party
    sender: Party
    user_agent: str

    def without_secrets(self) -> Header:
        """The same header with every shared secret removed (for logs and stored copies)."""

        def strip(party: Party) -> Party:
            return Party(
                tuple(Credential(c.domain, c.identity, None, c.type) for c in party.credentials)
            )

        return Header(strip(self.from_), strip(self.to), strip(self.sender), self.user_agent)


@dataclass(frozen=True, slots=True)
class Status:
    """``Status``: a cXML status code, its text and an optional free-text detail."""

    code: int
    text: str = ""
    detail: str = ""
    lang: str | None = None

    @classmethod
    def of(cls, code: int, detail: str = "") -> Status:
        """A status with the standard text for ``code``."""
        return cls(code, status_text(code), detail)

    @property
    def is_success(self) -> bool:
        """True for 2xx codes."""
        return 200 <= self.code < 300


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """A whole cXML document: envelope attributes, header, status and one payload.

    ``version`` is the cXML version: it picks the DTD named in the DOCTYPE and fills the
    ``version`` attribute. Left empty, it is the default of the payload's document type.
    """

    payload_id: str
    timestamp: dt.datetime
    payload: Payload | None
    header: Header | None = None
    status: Status | None = None
    deployment_mode: DeploymentMode = DeploymentMode.PRODUCTION
    lang: str | None = "en-US"
    version: str = ""
    in_reply_to: str | None = None

    def __post_init__(self) -> None:
        if not self.version:
            default = self.payload.default_version if self.payload else DEFAULT_VERSION
            object.__setattr__(self, "version", default)

    @property
    def envelope(self) -> Envelope:
        """Which element of ``cXML`` carries the payload."""
        return self.payload.envelope if self.payload is not None else Envelope.RESPONSE

    @property
    def is_test(self) -> bool:
        """True when the document was sent with ``deploymentMode="test"``."""
        return self.deployment_mode is DeploymentMode.TEST
