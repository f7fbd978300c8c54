"""A small HTTP client of the sandbox's JSON API, for tests and ``marketplace demo``.

It only speaks HTTP, so a process that must not import the sandbox's internals (or that runs
against a sandbox on another machine) can drive it::

    with SandboxClient("http://127.0.0.1:8100") as sandbox:
        supplier = sandbox.configure_supplier("Software Marketplace", info, secret=secret)
        session = sandbox.start_punchout(supplier["id"])       # session["start_page_url"]
        ...  # the browser shops and posts the cart to session["browser_form_post_url"]
        requisition_id = sandbox.wait_for_requisition(session["id"])
        sandbox.submit(requisition_id)
        po = sandbox.approve_all(requisition_id)               # po["status_code"] == 200
        invoice = sandbox.wait_for_invoice(po["number"])

Every method returns the API's JSON object; an API error raises :class:`SandboxClientError`
with the API's message.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from decimal import Decimal
from types import TracebackType
from typing import Any

import httpx

__all__ = ["DEFAULT_REQUESTER", "SandboxClient", "SandboxClientError"]

DEFAULT_REQUESTER = "dana@acme.example"


class SandboxClientError(Exception):
    """The sandbox refused a call (``status`` is the HTTP status, 0 for a timeout)."""

    def __init__(self, message: str, status: int = 0, fields: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.fields = dict(fields or {})


class SandboxClient:
    """Calls the sandbox's ``/api/v1`` over HTTP (``transport`` for tests)."""

    def __init__(
        self,
        base_url: str = "http://127.0.0.1:8100",
        *,
        timeout: float = 90.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"), timeout=timeout, transport=transport
        )

    def __enter__(self) -> SandboxClient:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP connections."""
        self._http.close()

    def _call(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        response = self._http.request(method, "/api/v1" + path, json=body)
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if response.status_code >= 400 or not isinstance(answer, dict):
            error = answer.get("error", {}) if isinstance(answer, dict) else {}
            message = error.get("message") or f"HTTP {response.status_code}: {response.text[:200]}"
            raise SandboxClientError(message, response.status_code, error.get("fields"))
        return answer

    # -- setup ---------------------------------------------------------------------------

    def configure_supplier(
        self,
        name: str,
        purchase_information: Mapping[str, Any],
        *,
        secret: str | None = None,
        test: bool = False,
        allow_invoicing: bool = True,
    ) -> dict[str, Any]:
        """Create or update (by name) a supplier from the marketplace's purchase information;
        the supplier, with ``invoice_url`` (give it to the marketplace connection)."""
        return self._call(
            "POST",
            "/suppliers",
            {
                "name": name,
                "purchase_information": dict(purchase_information),
                "shared_secret": secret,
                "test": test,
                "allow_invoicing": allow_invoicing,
            },
        )

    def suppliers(self) -> list[dict[str, Any]]:
        """Every supplier."""
        items: list[dict[str, Any]] = self._call("GET", "/suppliers")["items"]
        return items

    # -- punchout and requisitions -------------------------------------------------------

    def start_punchout(
        self, supplier_id: int, user: str = DEFAULT_REQUESTER, *, po_number: int | None = None
    ) -> dict[str, Any]:
        """Send the setup request; the session (``start_page_url``, ``browser_form_post_url``).
        Raises SandboxClientError with the supplier's answer when it refused."""
        body = {"supplier_id": supplier_id, "user": user, "po_number": po_number}
        session = self._call("POST", "/punchouts", body)
        if session["status"] == "failed":
            raise SandboxClientError(session["error"] or "the punchout failed", 502)
        return session

    def punchout(self, session_id: int) -> dict[str, Any]:
        """A punchout session (``status``, ``requisition_id``)."""
        return self._call("GET", f"/punchouts/{session_id}")

    def wait_for_requisition(self, session_id: int, timeout: float = 30.0) -> int:
        """Poll until the session's cart came back; its requisition id."""
        deadline = time.monotonic() + timeout
        while True:
            session = self.punchout(session_id)
            if session["requisition_id"] is not None:
                return int(session["requisition_id"])
            if session["status"] == "empty":
                raise SandboxClientError("the cart came back empty: no requisition")
            if time.monotonic() > deadline:
                raise SandboxClientError(f"no cart came back to punchout {session_id}")
            time.sleep(0.2)  # polling another process with a deadline

    def requisition(self, requisition_id: int) -> dict[str, Any]:
        """A requisition with its lines and approval chain."""
        return self._call("GET", f"/requisitions/{requisition_id}")

    def submit(self, requisition_id: int, user: str | None = None) -> dict[str, Any]:
        """Submit for approval."""
        return self._call("POST", f"/requisitions/{requisition_id}/submit", {"user": user})

    def approve(
        self, requisition_id: int, user: str | None = None, comment: str = ""
    ) -> dict[str, Any]:
        """Approve as the current approver; ``purchase_order`` is set after the last one."""
        body = {"user": user, "comment": comment}
        return self._call("POST", f"/requisitions/{requisition_id}/approve", body)

    def reject(
        self, requisition_id: int, user: str | None = None, comment: str = ""
    ) -> dict[str, Any]:
        """Reject as the current approver."""
        body = {"user": user, "comment": comment}
        return self._call("POST", f"/requisitions/{requisition_id}/reject", body)

    def approve_all(self, requisition_id: int) -> dict[str, Any]:
        """Approve with every approver in the chain; the purchase order (with the supplier's
        answer: ``outcome``, ``status_code``, ``answer``)."""
        while True:
            decided = self.approve(requisition_id)
            if decided["purchase_order"] is not None:
                po: dict[str, Any] = decided["purchase_order"]
                return po

    # -- purchase orders and invoices ----------------------------------------------------

    def purchase_order(self, number: int) -> dict[str, Any]:
        """A PO with its transmissions."""
        return self._call("GET", f"/purchase-orders/{number}")

    def resend(self, number: int) -> dict[str, Any]:
        """Resend the PO's failed transmission."""
        return self._call("POST", f"/purchase-orders/{number}/resend")

    def change(self, number: int, quantities: Mapping[int, Decimal | int | str]) -> dict[str, Any]:
        """Send new quantities (``type="update"``)."""
        body = {"quantities": {str(k): str(v) for k, v in quantities.items()}}
        return self._call("POST", f"/purchase-orders/{number}/change", body)

    def cancel(self, number: int) -> dict[str, Any]:
        """Cancel the PO (``type="delete"``)."""
        return self._call("POST", f"/purchase-orders/{number}/cancel")

    def invoices(self) -> list[dict[str, Any]]:
        """Every invoice, matched to PO lines."""
        items: list[dict[str, Any]] = self._call("GET", "/invoices")["items"]
        return items

    def wait_for_invoice(
        self, po_number: int, *, credit: bool = False, timeout: float = 60.0
    ) -> dict[str, Any]:
        """Poll until an invoice (or a credit memo) for the PO arrived; that invoice."""
        deadline = time.monotonic() + timeout
        while True:
            for item in self.invoices():
                if po_number in item["po_numbers"] and item["credit"] is credit:
                    return item
            if time.monotonic() > deadline:
                kind = "credit memo" if credit else "invoice"
                raise SandboxClientError(f"no {kind} for PO {po_number} arrived")
            time.sleep(0.5)  # polling another process with a deadline
