"""The buyer sandbox, seen from ``marketplace demo``: its JSON API over HTTP, nothing more.

The marketplace imports nothing from ``sandbox`` (an import contract): like any buyer's
procurement system, the sandbox is reached over HTTP only. :class:`SandboxApi` covers the
calls the demo makes; :func:`connect_sandbox_supplier` sets up (or finds) the sandbox's
supplier for the demo connection.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from marketplace.services.demo_wiring import DEMO_SUPPLIER_NAME

__all__ = [
    "REQUESTER",
    "SandboxApi",
    "SandboxApiError",
    "SupplierSetup",
    "connect_sandbox_supplier",
    "find_demo_supplier",
    "is_up",
    "wait_until_up",
]

REQUESTER = "dana@acme.example"
"""The sandbox's built-in requester, who shops."""


class SandboxApiError(Exception):
    """The sandbox refused a call, or did not answer in time."""


def is_up(url: str) -> bool:
    """True when the app at ``url`` answers its ``/healthz`` with 200 (both apps have one)."""
    try:
        return httpx.get(url.rstrip("/") + "/healthz", timeout=2.0).status_code == 200
    except httpx.TransportError:
        return False


def wait_until_up(url: str, *, timeout: float, what: str) -> None:
    """Poll ``url``'s ``/healthz`` until it answers 200; SandboxApiError after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not is_up(url):
        if time.monotonic() > deadline:
            raise SandboxApiError(f"{what} at {url} did not answer within {timeout:.0f} s")
        time.sleep(0.2)  # polling another process, with a deadline


class SandboxApi:
    """Calls the sandbox's ``/api/v1`` (every answer is the API's JSON object; ``transport``
    for tests)."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 60.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout, transport=transport)

    def close(self) -> None:
        """Close the HTTP connections."""
        self._http.close()

    def __enter__(self) -> SandboxApi:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def call(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        """One API call; SandboxApiError with the sandbox's message when it refused."""
        try:
            response = self._http.request(method, "/api/v1" + path, json=body)
        except httpx.TransportError as exc:
            raise SandboxApiError(f"the sandbox at {self.base_url} did not answer: {exc}") from exc
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if response.status_code >= 400 or not isinstance(answer, dict):
            error = answer.get("error", {}) if isinstance(answer, dict) else {}
            message = error.get("message") or f"HTTP {response.status_code}"
            raise SandboxApiError(f"the sandbox refused {method} {path}: {message}")
        return answer

    def suppliers(self) -> list[dict[str, Any]]:
        """Every supplier (never their secrets)."""
        items: list[dict[str, Any]] = self.call("GET", "/suppliers")["items"]
        return items

    def configure_supplier(
        self,
        name: str,
        purchase_information: Mapping[str, str],
        *,
        secret: str | None = None,
        test: bool = False,
    ) -> dict[str, Any]:
        """Create or update (by name) a supplier from purchase information."""
        body = {
            "name": name,
            "purchase_information": dict(purchase_information),
            "shared_secret": secret,
            "test": test,
            "allow_invoicing": True,
        }
        return self.call("POST", "/suppliers", body)

    def start_punchout(self, supplier_id: int, user: str = REQUESTER) -> dict[str, Any]:
        """Send the PunchOutSetupRequest; the session (``start_page_url``)."""
        session = self.call("POST", "/punchouts", {"supplier_id": supplier_id, "user": user})
        if session["status"] == "failed":
            raise SandboxApiError(f"the marketplace refused the punchout: {session['error']}")
        return session

    def wait_for_requisition(self, session_id: int, timeout: float = 30.0) -> int:
        """Poll until the session's cart came back; the requisition's id."""
        deadline = time.monotonic() + timeout
        while True:
            session = self.call("GET", f"/punchouts/{session_id}")
            if session["requisition_id"] is not None:
                return int(session["requisition_id"])
            if time.monotonic() > deadline:
                raise SandboxApiError(f"no cart came back to punchout {session_id}")
            time.sleep(0.2)  # polling another process, with a deadline

    def submit(self, requisition_id: int) -> dict[str, Any]:
        """Submit the requisition for approval (as its requester)."""
        return self.call("POST", f"/requisitions/{requisition_id}/submit", {})

    def approve(self, requisition_id: int) -> dict[str, Any]:
        """Approve as the current approver (``purchase_order`` set after the last one)."""
        return self.call("POST", f"/requisitions/{requisition_id}/approve", {})

    def invoices(self) -> list[dict[str, Any]]:
        """Every invoice in the inbox, matched to PO lines."""
        items: list[dict[str, Any]] = self.call("GET", "/invoices")["items"]
        return items

    def wait_for_invoice(self, po_number: int, timeout: float = 30.0) -> dict[str, Any]:
        """Poll the inbox until an invoice (not a credit memo) for the PO arrived."""
        deadline = time.monotonic() + timeout
        while True:
            for item in self.invoices():
                if po_number in item["po_numbers"] and not item["credit"]:
                    return item
            if time.monotonic() > deadline:
                raise SandboxApiError(f"no invoice for PO {po_number} reached the sandbox")
            time.sleep(0.3)  # polling another process, with a deadline


@dataclass(frozen=True, slots=True)
class SupplierSetup:
    """The sandbox's supplier for the demo connection, and what was done to it."""

    supplier: dict[str, Any]
    action: str  # "created", "updated" or "unchanged"


def find_demo_supplier(api: SandboxApi, supplier_identity: str) -> dict[str, Any] | None:
    """The sandbox's supplier that punches out to the demo connection, or None."""
    for supplier in api.suppliers():
        if (
            supplier["name"] == DEMO_SUPPLIER_NAME
            and supplier["punchout_identity"] == supplier_identity
        ):
            return supplier
    return None


def connect_sandbox_supplier(
    api: SandboxApi, purchase_information: Mapping[str, str], *, secret: str | None
) -> SupplierSetup:
    """Set up the demo's supplier in the sandbox from the connection's purchase information.

    With ``secret`` (a connection made, or given a new secret, just now) the supplier is
    created or updated with it. Without, the supplier must exist already (else
    SandboxApiError): it is brought up to date when the marketplace's URLs moved and keeps
    its secret.
    """
    suppliers = api.suppliers()
    named = next((s for s in suppliers if s["name"] == DEMO_SUPPLIER_NAME), None)
    if secret is not None:
        supplier = api.configure_supplier(DEMO_SUPPLIER_NAME, purchase_information, secret=secret)
        return SupplierSetup(supplier, "created" if named is None else "updated")
    if named is None or named["punchout_identity"] != purchase_information["supplier_identity"]:
        raise SandboxApiError("the sandbox has no supplier for the demo connection")
    if (
        named["punchout_url"] == purchase_information["punchout_url"]
        and named["po_url"] == purchase_information["order_url"]
    ):
        return SupplierSetup(named, "unchanged")
    supplier = api.configure_supplier(DEMO_SUPPLIER_NAME, purchase_information)
    return SupplierSetup(supplier, "updated")
