"""``ProfileRequest`` and ``ProfileResponse``: which transactions a server accepts, and where."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from cxml.models.envelope import Envelope, Payload

__all__ = ["Option", "ProfileRequest", "ProfileResponse", "Transaction"]


@dataclass(frozen=True, slots=True)
class ProfileRequest(Payload):
    """``ProfileRequest``: asks for the server's profile; also used as a ping."""

    element: ClassVar[str] = "ProfileRequest"
    envelope: ClassVar[Envelope] = Envelope.REQUEST


@dataclass(frozen=True, slots=True)
class Option:
    """``Option``: a named profile option."""

    name: str
    value: str


@dataclass(frozen=True, slots=True)
class Transaction:
    """``Transaction``: a request the server accepts and the URL to post it to."""

    request_name: str
    url: str
    options: tuple[Option, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ProfileResponse(Payload):
    """``ProfileResponse``: the supported transactions, from ``effective_date`` on."""

    element: ClassVar[str] = "ProfileResponse"
    envelope: ClassVar[Envelope] = Envelope.RESPONSE

    effective_date: dt.datetime
    transactions: tuple[Transaction, ...]
    last_refresh: dt.datetime | None = None
    options: tuple[Option, ...] = ()

    def url_for(self, request_name: str) -> str | None:
        """The URL of the transaction called ``request_name``, or None."""
        for transaction in self.transactions:
            if transaction.request_name == request_name:
                return transaction.url
        return None
