"""Procurement system integration: an organization's configuration and its portal connections.

An organization integrates with one procurement system (Coupa or SAP Ariba). Its
:class:`ProcurementConfiguration` is kept by the management account; each
:class:`PortalConnection` is one set of cXML credentials a buyer system uses to reach the
marketplace (From = the buyer, To = the marketplace as supplier, Sender = whoever opens the
HTTP connection). A connection's shared secrets are :class:`ConnectionSecret` rows, sealed at
rest; during a rotation the previous secret stays valid until its ``expires_at``.

The pure rules of the integration live here too: the Ariba Network id format, the invoice
endpoint and redirect URL rules (HTTPS, plain http only for loopback hosts, one host for both).
"""

from __future__ import annotations

import datetime as dt
import enum
import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = [
    "ARIBA_SENDER_DOMAIN",
    "ARIBA_SENDER_IDENTITY",
    "CXML_VERSION",
    "DEFAULT_SUPPLIER_ANID",
    "NETWORK_ID",
    "PURCHASE_ORDER_ROLE",
    "CartReturnField",
    "ConnectionSecret",
    "ConnectionStatus",
    "PortalConnection",
    "ProcurementConfiguration",
    "ProcurementSystem",
    "is_anid",
    "is_loopback_host",
    "url_host",
    "url_problem",
]

PURCHASE_ORDER_ROLE = "AWSServiceRoleForMarketplacePurchaseOrders"
"""The organization's purchase-order role, created when billing integration is first turned on."""

NETWORK_ID = "NetworkID"
"""The credential domain of Ariba Network ids, and the default supplier domain."""

ARIBA_SENDER_DOMAIN = "AribaNetworkUserId"
ARIBA_SENDER_IDENTITY = "sysadmin@ariba.com"
"""Ariba Network forwards buyers' documents as this Sender (with the supplier's secret)."""

DEFAULT_SUPPLIER_ANID = "AN01000000001"
"""The marketplace's own Ariba Network id, used when a connection names none."""

CXML_VERSION = "1.2.014"
"""The cXML version buyers send punchout and order documents in (Coupa's and Ariba's)."""

_ANID = re.compile(r"AN[0-9]{11,12}")


class ProcurementSystem(enum.Enum):
    """The buyer's procurement system."""

    COUPA = "COUPA"
    ARIBA = "ARIBA"

    @property
    def display_name(self) -> str:
        """The name people know it by."""
        return "Coupa" if self is ProcurementSystem.COUPA else "SAP Ariba"


class CartReturnField(enum.Enum):
    """The form field (and encoding) the cart goes back to the procurement system in."""

    URLENCODED = "cxml-urlencoded"
    BASE64 = "cxml-base64"


class ConnectionStatus(enum.Enum):
    """Whether a connection's punchout (and orders) are accepted."""

    ENABLED = "ENABLED"
    DISABLED = "DISABLED"


@dataclass(frozen=True, slots=True, kw_only=True)
class ProcurementConfiguration:
    """An organization's procurement system integration (one per organization).

    ``redirect_paused`` is True while redirect is off only because the last connection with an
    approval redirect URL was disabled; enabling such a connection again turns it back on.
    """

    organization_id: str
    system: ProcurementSystem
    name: str
    description: str = ""
    enable_redirect: bool = False
    test_mode: bool = True
    preapprove_free: bool = False
    preapprove_byol: bool = False
    billing_integration: bool = False
    purchase_order_role_created_at: dt.datetime | None = None
    redirect_paused: bool = False
    version: int = 1
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def purchase_order_role(self) -> str | None:
        """The purchase-order role's name once it exists, else None."""
        return PURCHASE_ORDER_ROLE if self.purchase_order_role_created_at else None


@dataclass(frozen=True, slots=True, kw_only=True)
class PortalConnection:
    """One buyer system's cXML credentials and settings (a procurement portal preference).

    ``buyer_domain``/``buyer_identity`` is the cXML ``From``; ``supplier_domain``/
    ``supplier_identity`` the ``To``. For Ariba both identities are Ariba Network ids in the
    ``NetworkID`` domain. ``account_id`` is the account the connection belongs to (users
    arriving through it are created there). ``test_mode`` forces test mode for this
    connection whatever the organization's setting.
    """

    id: str
    organization_id: str
    account_id: str
    system: ProcurementSystem
    buyer_domain: str
    buyer_identity: str
    supplier_domain: str
    supplier_identity: str
    invoice_endpoint: str | None = None
    approval_redirect_url: str | None = None
    sellers_of_record: tuple[str, ...] = ()
    cart_field: CartReturnField = CartReturnField.URLENCODED
    status: ConnectionStatus = ConnectionStatus.ENABLED
    test_mode: bool = False
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def enabled(self) -> bool:
        """True while the connection accepts punchouts and orders."""
        return self.status is ConnectionStatus.ENABLED

    @property
    def has_redirect(self) -> bool:
        """True when the connection has an approval redirect URL."""
        return bool(self.approval_redirect_url)

    @property
    def sender_domain(self) -> str:
        """The cXML ``Sender`` domain the buyer system sends (Coupa: the buyer's own)."""
        return ARIBA_SENDER_DOMAIN if self.system is ProcurementSystem.ARIBA else self.buyer_domain

    @property
    def sender_identity(self) -> str:
        """The cXML ``Sender`` identity the buyer system sends (Coupa: the buyer's own)."""
        if self.system is ProcurementSystem.ARIBA:
            return ARIBA_SENDER_IDENTITY
        return self.buyer_identity

    def accepts_seller(self, seller_of_record: str) -> bool:
        """No sellers of record listed: every one; otherwise only those listed."""
        return not self.sellers_of_record or seller_of_record in self.sellers_of_record


@dataclass(frozen=True, slots=True, kw_only=True)
class ConnectionSecret:
    """A sealed shared secret of a connection; ``expires_at`` None means the current one."""

    id: str
    connection_id: str
    sealed: str
    created_at: dt.datetime
    expires_at: dt.datetime | None = None

    def valid_at(self, now: dt.datetime) -> bool:
        """True while the secret is accepted (the current one always is)."""
        return self.expires_at is None or now < self.expires_at


def is_anid(value: str) -> bool:
    """True for an Ariba Network id: ``AN`` and 11 or 12 ASCII digits."""
    return bool(_ANID.fullmatch(value))


def is_loopback_host(host: str) -> bool:
    """True for ``localhost`` (and its subdomains) and loopback addresses (127/8, ::1)."""
    name = host.strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def url_problem(value: str) -> str | None:
    """What is wrong with an endpoint URL, or None: HTTPS (http for loopback hosts only), a
    host, no user name or password in it, no whitespace, at most 1,024 characters."""
    if len(value) > 1024:
        return "Use at most 1,024 characters."
    if any(char.isspace() for char in value) or any(ord(char) < 32 for char in value):
        return "Remove the spaces: a URL has none."
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return "Enter a full URL such as https://buyer.example.com/cxml/invoices."
    del port  # only checked for being a number in range
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if scheme not in ("https", "http") or not host:
        return "Enter a full URL such as https://buyer.example.com/cxml/invoices."
    if parts.username is not None or parts.password is not None:
        return "Leave the user name and password out of the URL."
    if scheme == "http" and not is_loopback_host(host):
        return "Use https: plain http is only allowed for this machine (localhost, 127.0.0.1)."
    return None


def url_host(value: str) -> str:
    """The host of a URL, lower-cased (for the same-host rule)."""
    return (urlsplit(value).hostname or "").lower().rstrip(".")
