"""Suppliers as Coupa keeps them: the supplier record with its PO transmission (cXML), its
punchout site, and whether it may send cXML invoices.

Coupa's screens name the fields (Supplier → PO Transmission: PO Method cXML, PO URL, Our
Domain/Identity, Supplier Domain/Identity, Shared Secret; Punchout Site: Punchout URL, Domain,
Identity, Secret, Sender Domain, Sender Identity, Protocol cxml). An **Ariba-style** supplier
is reached through "Ariba Network": both parties are ANIDs in the ``NetworkID`` domain and the
Sender is ``AribaNetworkUserId``/``sysadmin@ariba.com`` with the supplier's own secret; its
punchout is Level 1 (the store's home page, no SelectedItem, no SupplierSetup URL).

:func:`from_purchase_information` turns the marketplace's purchase information (pasted JSON)
into a :class:`SupplierInput`; :func:`check` says what is wrong with one, per field.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from sandbox.domain.errors import InputError

__all__ = [
    "ARIBA_SENDER_DOMAIN",
    "ARIBA_SENDER_IDENTITY",
    "DEFAULT_CXML_VERSION",
    "TEXT_FIELDS",
    "Supplier",
    "SupplierInput",
    "SupplierMode",
    "check",
    "from_purchase_information",
]

DEFAULT_CXML_VERSION = "1.2.014"
ARIBA_SENDER_DOMAIN = "AribaNetworkUserId"
ARIBA_SENDER_IDENTITY = "sysadmin@ariba.com"
_VERSION = re.compile(r"^1\.2\.\d{3}$")
_MAX_TEXT = 200


class SupplierMode(enum.Enum):
    """How documents reach the supplier: directly (Coupa) or through Ariba Network."""

    COUPA = "coupa"
    ARIBA = "ariba"

    @property
    def label(self) -> str:
        """The mode as the pages name it."""
        return "Coupa" if self is SupplierMode.COUPA else "Ariba-style (via Ariba Network)"


@dataclass(frozen=True, slots=True, kw_only=True)
class SupplierInput:
    """What an administrator enters (or pastes) for a supplier. A secret left as None keeps
    the stored one when a supplier is edited."""

    name: str
    mode: SupplierMode = SupplierMode.COUPA
    test: bool = False
    cxml_version: str = DEFAULT_CXML_VERSION
    po_url: str = ""
    our_domain: str = ""
    our_identity: str = ""
    supplier_domain: str = ""
    supplier_identity: str = ""
    po_secret: str | None = field(default=None, repr=False)
    punchout_url: str = ""
    punchout_domain: str = ""
    punchout_identity: str = ""
    punchout_secret: str | None = field(default=None, repr=False)
    sender_domain: str = ""
    sender_identity: str = ""
    allow_invoicing: bool = True

    def normalized(self) -> SupplierInput:
        """Stripped text; Ariba-style suppliers get Ariba Network as their Sender."""
        changes: dict[str, Any] = {name: str(getattr(self, name)).strip() for name in TEXT_FIELDS}
        stripped = replace(self, **changes)
        if stripped.mode is SupplierMode.ARIBA:
            stripped = replace(
                stripped, sender_domain=ARIBA_SENDER_DOMAIN, sender_identity=ARIBA_SENDER_IDENTITY
            )
        return stripped


# A supplier's settings that are plain text (the form's fields, the table's columns).
TEXT_FIELDS = (
    "name",
    "cxml_version",
    "po_url",
    "our_domain",
    "our_identity",
    "supplier_domain",
    "supplier_identity",
    "punchout_url",
    "punchout_domain",
    "punchout_identity",
    "sender_domain",
    "sender_identity",
)
_REQUIRED = {
    "name": "Enter the supplier's name.",
    "po_url": "Enter the PO URL the supplier gave you.",
    "our_domain": "Enter our domain (usually DUNS or NetworkID).",
    "our_identity": "Enter our identity.",
    "supplier_domain": "Enter the supplier's domain.",
    "supplier_identity": "Enter the supplier's identity.",
}
_PUNCHOUT_REQUIRED = {
    "punchout_domain": "Enter the punchout site's domain.",
    "punchout_identity": "Enter the punchout site's identity.",
    "sender_domain": "Enter the sender domain.",
    "sender_identity": "Enter the sender identity.",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Supplier:
    """A stored supplier; its secrets are kept apart (encrypted) and never shown again."""

    id: int
    settings: SupplierInput
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def name(self) -> str:
        """The supplier's name."""
        return self.settings.name

    @property
    def has_punchout(self) -> bool:
        """True when a punchout site is set up (the supplier gets a Shop Online tile)."""
        return bool(self.settings.punchout_url)

    @property
    def po_secret(self) -> str:
        """The PO transmission's shared secret (also the invoice secret, as in Coupa)."""
        return self.settings.po_secret or ""

    @property
    def punchout_secret(self) -> str:
        """The punchout site's secret."""
        return self.settings.punchout_secret or ""


def url_problem(value: str) -> str | None:
    """What is wrong with an endpoint URL, or None (http or https, a host, no spaces)."""
    if any(ch.isspace() for ch in value):
        return "A URL has no spaces."
    try:
        parts = urlsplit(value)
    except ValueError:
        return "Enter a full URL such as https://supplier.example.com/cxml/orders."
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "Enter a full URL such as https://supplier.example.com/cxml/orders."
    return None


def check(draft: SupplierInput, *, new: bool) -> SupplierInput:
    """The normalized input, or InputError naming each bad field. A new supplier needs its
    secrets; an edited one keeps those left empty."""
    draft = draft.normalized()
    problems: dict[str, str] = {}
    for name, message in _REQUIRED.items():
        if not getattr(draft, name):
            problems[name] = message
    if draft.punchout_url:
        problems.update(
            {name: msg for name, msg in _PUNCHOUT_REQUIRED.items() if not getattr(draft, name)}
        )
        if new and not draft.punchout_secret:
            problems["punchout_secret"] = "Enter the punchout site's secret (it is required)."
    if new and not draft.po_secret:
        problems["po_secret"] = "Enter the shared secret."
    for name in ("po_url", "punchout_url"):
        value = getattr(draft, name)
        if value and (problem := url_problem(value)):
            problems[name] = problem
    for name in TEXT_FIELDS:
        if len(getattr(draft, name)) > _MAX_TEXT and name not in problems:
            problems[name] = f"Use at most {_MAX_TEXT} characters."
    if not _VERSION.match(draft.cxml_version):
        problems["cxml_version"] = "Enter a cXML version such as 1.2.014."
    if problems:
        raise InputError("Some fields need attention.", problems)
    return draft


def from_purchase_information(
    data: Mapping[str, Any],
    *,
    name: str,
    secret: str | None = None,
    test: bool = False,
    allow_invoicing: bool = True,
) -> SupplierInput:
    """A supplier set up from the marketplace's purchase information.

    ``data`` is the purchase-information JSON, or the answer that wraps it (``{"purchase_
    information": {…}, "shared_secret": …}``, as ``marketplace procurement connect --json``
    prints). ``secret`` wins over a ``shared_secret`` in the JSON. The PO transmission and
    the punchout site share the credentials and the secret, as Coupa's often do.
    """
    info = data.get("purchase_information", data)
    if not isinstance(info, Mapping):
        raise InputError("The purchase information is not a JSON object.")
    shared = secret or _text(data, "shared_secret") or _text(info, "shared_secret")
    protocol = _text(info, "protocol") or "cxml"
    if protocol.casefold() != "cxml":
        raise InputError(f"The protocol is {protocol!r}; this sandbox speaks cxml only.")
    missing = [key for key in _INFO_KEYS if not _text(info, key)]
    if missing:
        raise InputError(
            "The purchase information lacks " + ", ".join(missing) + ".",
            {"purchase_information": "Paste the whole purchase information JSON."},
        )
    sender_domain = _text(info, "sender_domain")
    mode = (
        SupplierMode.ARIBA
        if sender_domain.casefold() == ARIBA_SENDER_DOMAIN.casefold()
        else SupplierMode.COUPA
    )
    return SupplierInput(
        name=name,
        mode=mode,
        test=test,
        cxml_version=_text(info, "cxml_version") or DEFAULT_CXML_VERSION,
        po_url=_text(info, "order_url"),
        our_domain=_text(info, "buyer_domain"),
        our_identity=_text(info, "buyer_identity"),
        supplier_domain=_text(info, "supplier_domain"),
        supplier_identity=_text(info, "supplier_identity"),
        po_secret=shared,
        punchout_url=_text(info, "punchout_url"),
        punchout_domain=_text(info, "supplier_domain"),
        punchout_identity=_text(info, "supplier_identity"),
        punchout_secret=shared,
        sender_domain=sender_domain,
        sender_identity=_text(info, "sender_identity"),
        allow_invoicing=allow_invoicing,
    )


_INFO_KEYS = (
    "punchout_url",
    "order_url",
    "buyer_domain",
    "buyer_identity",
    "supplier_domain",
    "supplier_identity",
    "sender_domain",
    "sender_identity",
)


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return value.strip() if isinstance(value, str) else ""
