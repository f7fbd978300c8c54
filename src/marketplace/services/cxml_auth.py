"""Who sent a cXML request: its header's credentials checked against the portal connections.

A request is accepted from a connection when all of these hold:

1. a ``From`` credential is the connection's buyer (domain in any case, identity exactly);
2. a ``To`` credential is the connection's supplier;
3. a ``Sender`` credential is the connection's sender (Coupa: the buyer again; Ariba: Ariba
   Network) and carries the shared secret, compared in constant time with every secret of
   the connection still valid (the current one, and a rotated-out one during its grace);
4. the connection is enabled and its organization has a procurement configuration.

Given a rate limit, :func:`authenticate_buyer` also takes a token from the connection's bucket
in the same transaction (one transaction per request instead of two); the caller reads
whether it was let through in ``CxmlCaller.admission``.

Failures are :class:`CxmlAuthenticationError` with the cXML status to answer (401 for
credentials, 403 for a disabled connection) and a ``reason`` for the log that names the
element that did not match, never the secret.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from cxml.credentials import secret_matches
from cxml.models.envelope import Header, Party
from marketplace.domain.errors import MarketplaceError
from marketplace.domain.procurement import PortalConnection, ProcurementConfiguration
from marketplace.services import rate_limits
from marketplace.services.clock import utcnow
from marketplace.services.ports import Clock, SecretBox, UnitOfWork
from marketplace.services.rate_limits import Admission, RateLimit, cxml_key

__all__ = ["CxmlAuthenticationError", "CxmlCaller", "authenticate_buyer"]

_log = logging.getLogger(__name__)


class CxmlAuthenticationError(MarketplaceError):
    """The request's credentials do not open any connection; ``status_code`` is the cXML
    status to answer, ``reason`` says (for the log) which element did not match."""

    code = "cxml_authentication_failed"

    def __init__(self, message: str, *, status_code: int, reason: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.reason = reason


@dataclass(frozen=True, slots=True)
class CxmlCaller:
    """The connection a request came through, its organization's configuration, and whether
    the request is a test (``deploymentMode="test"``, or the connection or organization in
    test mode)."""

    connection: PortalConnection
    configuration: ProcurementConfiguration
    test: bool
    admission: Admission = field(default_factory=lambda: Admission(True))


def authenticate_buyer(
    uow: UnitOfWork,
    header: Header,
    *,
    box: SecretBox,
    test_requested: bool = False,
    clock: Clock = utcnow,
    rate_limit: RateLimit | None = None,
) -> CxmlCaller:
    """The connection ``header`` authenticates as (see the module's rules), or raise; with
    ``rate_limit``, whether the connection's bucket let the request through as well."""
    with uow:
        candidates: dict[str, PortalConnection] = {}
        for credential in header.from_.credentials:
            for found in uow.procurement.find_connections_by_buyer(
                credential.domain.strip(), credential.identity.strip()
            ):
                candidates.setdefault(found.id, found)
        if not candidates:
            raise _unrecognised(f"no connection has the From credential {_show(header.from_)}")
        to_match = [c for c in candidates.values() if header.to.find(*_supplier(c))]
        if not to_match:
            raise _unrecognised(
                f"the To credential {_show(header.to)} is not the supplier credential of "
                f"{_ids(candidates.values())} (From {_show(header.from_)})"
            )
        sender_match = [c for c in to_match if header.sender.find(*_sender(c))]
        if not sender_match:
            expected = ", ".join(f"{c.id}: {'/'.join(_sender(c))}" for c in to_match)
            raise _unrecognised(
                f"the Sender credential {_show(header.sender)} is not the expected sender "
                f"({expected})"
            )
        now = clock()
        connection = _with_matching_secret(uow, box, header, sender_match, now)
        if connection is None:
            offered = "is missing" if header.sender.shared_secret is None else "does not match"
            raise _unrecognised(f"the Sender SharedSecret {offered} for {_ids(sender_match)}")
        configuration = _usable(
            connection, uow.procurement.get_configuration(connection.organization_id)
        )
        admission = Admission(True)
        if rate_limit is not None:
            admission = rate_limits.take(uow, cxml_key(connection.id), rate_limit, clock=clock)
            uow.commit()
    test = test_requested or configuration.test_mode or connection.test_mode
    return CxmlCaller(connection, configuration, test, admission)


def _usable(
    connection: PortalConnection, configuration: ProcurementConfiguration | None
) -> ProcurementConfiguration:
    """The configuration, once the connection is enabled and its organization set up."""
    if not connection.enabled:
        raise CxmlAuthenticationError(
            "This connection is disabled. Its administrator can enable it again.",
            status_code=403,
            reason=f"connection {connection.id} is disabled",
        )
    if configuration is None:
        raise CxmlAuthenticationError(
            "The buyer's procurement system integration is not set up.",
            status_code=403,
            reason=f"organization {connection.organization_id} has no procurement configuration",
        )
    return configuration


def _with_matching_secret(
    uow: UnitOfWork,
    box: SecretBox,
    header: Header,
    connections: list[PortalConnection],
    now: dt.datetime,
) -> PortalConnection | None:
    """The first connection whose valid secrets include the Sender's (checked in constant
    time against each of them)."""
    for connection in connections:
        credential = header.sender.find(*_sender(connection))
        offered = None if credential is None else credential.shared_secret
        if offered is None:
            continue
        valid = []
        for stored in uow.procurement.list_secrets(connection.id):
            if not stored.valid_at(now):
                continue
            try:
                valid.append(box.open(stored.sealed))
            except ValueError:
                _log.error("a shared secret of connection %s cannot be opened", connection.id)
        if valid and secret_matches(offered, valid):
            return connection
    return None


def _supplier(connection: PortalConnection) -> tuple[str, str]:
    return connection.supplier_domain, connection.supplier_identity


def _sender(connection: PortalConnection) -> tuple[str, str]:
    return connection.sender_domain, connection.sender_identity


def _show(party: Party) -> str:
    return ", ".join(f"{c.domain}/{c.identity}" for c in party.credentials) or "(none)"


def _ids(connections: Iterable[PortalConnection]) -> str:
    return "connection " + ", ".join(c.id for c in connections)


def _unrecognised(reason: str) -> CxmlAuthenticationError:
    return CxmlAuthenticationError(
        "The credentials were not recognised. Check the From, To and Sender credentials and "
        "the shared secret against the purchase information.",
        status_code=401,
        reason=reason,
    )
