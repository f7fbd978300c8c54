"""Input checks of the procurement use cases: every bad field reported at once.

Credentials (domains, identities, secrets) are up to 1,024 characters without whitespace, as
the invoicing API's fields are; identities and domains are trimmed (they are pasted from
other screens), secrets never are.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from marketplace.domain.procurement import (
    DEFAULT_SUPPLIER_ANID,
    NETWORK_ID,
    CartReturnField,
    ProcurementSystem,
    is_anid,
    url_host,
    url_problem,
)
from marketplace.services.validation import Checks

__all__ = [
    "CREDENTIAL_MAX_LENGTH",
    "DESCRIPTION_MAX_LENGTH",
    "SECRET_MIN_LENGTH",
    "CleanConnection",
    "check_flag",
    "check_system",
    "clean_connection",
    "description",
    "new_shared_secret",
    "new_supplier_identity",
]

DESCRIPTION_MAX_LENGTH = 1000
CREDENTIAL_MAX_LENGTH = 1024
SECRET_MIN_LENGTH = 8
SECRET_BYTES = 32
SELLERS_MAX = 100
SELLER_MAX_LENGTH = 64
_ANID_HINT = "Enter AN followed by 11 or 12 digits, such as AN01234567890."


@dataclass(frozen=True, slots=True)
class CleanConnection:
    """A connection request's values after checking (secret None: generate one)."""

    buyer_domain: str
    buyer_identity: str
    supplier_domain: str
    supplier_identity: str
    shared_secret: str | None
    invoice_endpoint: str | None
    approval_redirect_url: str | None
    sellers_of_record: tuple[str, ...]
    cart_field: CartReturnField


def new_shared_secret() -> str:
    """A fresh shared secret: 32 random bytes, URL-safe base64 (43 characters)."""
    return secrets.token_urlsafe(SECRET_BYTES)


def new_supplier_identity() -> str:
    """A supplier identity for a new Coupa connection (64 random bits: unique in practice,
    and the credentials' uniqueness is enforced by storage anyway)."""
    return "marketplace-" + secrets.token_hex(8)


def check_system(checks: Checks, value: object) -> ProcurementSystem | None:
    """``COUPA`` or ``ARIBA`` (any case)."""
    if isinstance(value, str):
        try:
            return ProcurementSystem(value.strip().upper())
        except ValueError:
            pass
    checks.fail("system", "Choose COUPA or ARIBA.")
    return None


def check_flag(checks: Checks, field: str, value: object) -> bool | None:
    """An optional boolean: True, False or None (keep)."""
    if value is None or isinstance(value, bool):
        return value
    checks.fail(field, "Use true or false.")
    return None


def description(checks: Checks, value: str | None) -> str | None:
    """An optional description of at most 1,000 characters, trimmed."""
    if value is None:
        return None
    cleaned = value.strip()
    if len(cleaned) > DESCRIPTION_MAX_LENGTH:
        checks.fail("description", f"Use at most {DESCRIPTION_MAX_LENGTH:,} characters.")
    return cleaned


def clean_connection(
    checks: Checks,
    system: ProcurementSystem,
    *,
    buyer_domain: str | None,
    buyer_identity: str | None,
    supplier_domain: str | None,
    supplier_identity: str | None,
    shared_secret: str | None,
    invoice_endpoint: str | None,
    approval_redirect_url: str | None,
    sellers_of_record: Sequence[str],
    cart_field: str | None,
    buyer_anid: str | None,
    supplier_anid: str | None,
) -> CleanConnection:
    """Check a new connection's fields for ``system``; generated values fill the gaps."""
    if system is ProcurementSystem.ARIBA:
        buyer = _anid(checks, "buyer_anid", buyer_anid or buyer_identity, required=True)
        supplier = _anid(checks, "supplier_anid", supplier_anid or supplier_identity)
        for field, value in (("buyer_domain", buyer_domain), ("supplier_domain", supplier_domain)):
            if value and value.strip().casefold() != NETWORK_ID.casefold():
                checks.fail(field, f"SAP Ariba credentials are in the {NETWORK_ID} domain.")
        if invoice_endpoint:
            checks.fail("invoice_endpoint", "SAP Ariba connections have no cXML invoicing.")
        if approval_redirect_url:
            checks.fail(
                "approval_redirect_url", "SAP Ariba has no redirect: punchouts start in Ariba."
            )
        invoice, redirect = None, None
        buyer_dom, supplier_dom = NETWORK_ID, NETWORK_ID
        supplier = supplier or DEFAULT_SUPPLIER_ANID
    else:
        for field, value in (("buyer_anid", buyer_anid), ("supplier_anid", supplier_anid)):
            if value:
                checks.fail(field, "Only SAP Ariba connections have Ariba Network ids.")
        buyer_dom = _token(checks, "buyer_domain", buyer_domain, required=True)
        buyer = _token(checks, "buyer_identity", buyer_identity, required=True)
        supplier_dom = _token(checks, "supplier_domain", supplier_domain) or NETWORK_ID
        supplier = _token(checks, "supplier_identity", supplier_identity) or new_supplier_identity()
        invoice = _url(checks, "invoice_endpoint", invoice_endpoint)
        redirect = _url(checks, "approval_redirect_url", approval_redirect_url)
        if invoice and redirect and url_host(invoice) != url_host(redirect):
            checks.fail(
                "approval_redirect_url",
                f"Use the invoice endpoint's host ({url_host(invoice)}) for the redirect URL too.",
            )
    return CleanConnection(
        buyer_domain=buyer_dom,
        buyer_identity=buyer,
        supplier_domain=supplier_dom,
        supplier_identity=supplier,
        shared_secret=check_secret(checks, "shared_secret", shared_secret),
        invoice_endpoint=invoice,
        approval_redirect_url=redirect,
        sellers_of_record=_sellers(checks, sellers_of_record),
        cart_field=_cart_field(checks, cart_field),
    )


def check_secret(checks: Checks, field: str, value: str | None) -> str | None:
    """An optional shared secret: 8 to 1,024 characters, no whitespace (never trimmed)."""
    if value is None or value == "":
        return None
    if any(char.isspace() for char in value) or any(ord(char) < 32 for char in value):
        checks.fail(field, "Remove the spaces: a shared secret has none.")
    elif len(value) < SECRET_MIN_LENGTH:
        checks.fail(
            field,
            f"Use at least {SECRET_MIN_LENGTH} characters, or leave it empty "
            "to have a strong one generated.",
        )
    elif len(value) > CREDENTIAL_MAX_LENGTH:
        checks.fail(field, f"Use at most {CREDENTIAL_MAX_LENGTH:,} characters.")
    return value


def _token(checks: Checks, field: str, value: str | None, *, required: bool = False) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        if required:
            checks.fail(field, "Enter a value; it is required.")
        return ""
    if any(char.isspace() for char in cleaned) or any(ord(char) < 32 for char in cleaned):
        checks.fail(field, "Remove the spaces: credentials have none.")
    elif len(cleaned) > CREDENTIAL_MAX_LENGTH:
        checks.fail(field, f"Use at most {CREDENTIAL_MAX_LENGTH:,} characters.")
    return cleaned


def _anid(checks: Checks, field: str, value: str | None, *, required: bool = False) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        if required:
            checks.fail(field, _ANID_HINT)
        return ""
    if not is_anid(cleaned):
        checks.fail(field, _ANID_HINT)
    return cleaned


def _url(checks: Checks, field: str, value: str | None) -> str | None:
    cleaned = (value or "").strip()
    if not cleaned:
        return None
    problem = url_problem(cleaned)
    if problem:
        checks.fail(field, problem)
    return cleaned


def _sellers(checks: Checks, values: Sequence[str]) -> tuple[str, ...]:
    items = [values] if isinstance(values, str) else list(values)
    cleaned = tuple(dict.fromkeys(v.strip() for v in items if isinstance(v, str) and v.strip()))
    if any(not isinstance(v, str) for v in items):
        checks.fail("sellers_of_record", "List sellers of record as text, such as MARKETPLACE_INC.")
    elif len(cleaned) > SELLERS_MAX:
        checks.fail("sellers_of_record", f"List at most {SELLERS_MAX} sellers of record.")
    elif any(len(v) > SELLER_MAX_LENGTH or any(c.isspace() for c in v) for v in cleaned):
        checks.fail(
            "sellers_of_record",
            f"Each seller of record is one word of at most {SELLER_MAX_LENGTH} characters.",
        )
    return cleaned


def _cart_field(checks: Checks, value: str | None) -> CartReturnField:
    if value is None or not value.strip():
        return CartReturnField.URLENCODED
    try:
        return CartReturnField(value.strip().lower())
    except ValueError:
        checks.fail("cart_field", "Choose cxml-urlencoded or cxml-base64.")
        return CartReturnField.URLENCODED
