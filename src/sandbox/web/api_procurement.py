"""JSON API, part one: users, suppliers (from purchase information), punchouts and
requisitions. For tests and ``marketplace demo``; every step is also a page.

The acting user is named in the body (``"user"``: an e-mail of the built-in users); left
out, it is the natural one (Dana shops; the requisition's requester submits; the current
approver decides). There is no authentication: this is a sandbox on this machine.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse

from sandbox.domain.errors import RuleError
from sandbox.domain.people import USERS
from sandbox.domain.punchouts import Display, PunchoutSession
from sandbox.services import orders, punchouts, requisitions, suppliers
from sandbox.services.context import Sandbox
from sandbox.web.api_json import po_json, requisition_json, supplier_json
from sandbox.web.rendering import sandbox_of

router = APIRouter(prefix="/api/v1", tags=["sandbox"])

DEFAULT_REQUESTER = "dana@acme.example"


class SupplierBody(BaseModel):
    """A supplier from the marketplace's purchase information (created, or updated by name)."""

    name: str = Field(min_length=1, max_length=200)
    purchase_information: dict[str, Any]
    shared_secret: str | None = None
    test: bool = False
    allow_invoicing: bool = True


class PunchoutBody(BaseModel):
    """Start a punchout (``po_number``: an edit punchout that changes that PO)."""

    supplier_id: int
    user: str = DEFAULT_REQUESTER
    po_number: int | None = None


class ActingBody(BaseModel):
    """Who acts (default: see the module), with an optional comment."""

    user: str | None = None
    comment: str = ""


def session_json(sandbox: Sandbox, session: PunchoutSession) -> dict[str, Any]:
    """A punchout session (without its BuyerCookie: the cart brings that back)."""
    return {
        "id": session.id,
        "supplier_id": session.supplier_id,
        "user": session.user_email,
        "operation": session.operation,
        "status": session.status.value,
        "start_page_url": session.start_page_url,
        "browser_form_post_url": punchouts.checkout_url(sandbox, session.id),
        "error": session.error or None,
        "requisition_id": session.requisition_id,
        "po_number": session.po_number,
    }


@router.get("/users")
def list_users() -> dict[str, Any]:
    """The built-in users."""
    return {
        "items": [
            {
                "email": u.email,
                "name": u.name,
                "role": u.role.value,
                "approval_limit": None if u.approval_limit is None else f"{u.approval_limit:f}",
            }
            for u in USERS
        ]
    }


@router.get("/suppliers")
def list_suppliers(request: Request) -> dict[str, Any]:
    """Every supplier (never its secrets)."""
    sandbox = sandbox_of(request)
    invoice_url = sandbox.settings.invoice_url
    return {"items": [supplier_json(s, invoice_url) for s in suppliers.list_suppliers(sandbox)]}


@router.post("/suppliers", status_code=201)
def configure_supplier(request: Request, body: SupplierBody) -> JSONResponse:
    """Create (201) or update (200) the supplier called ``name`` from purchase information."""
    sandbox = sandbox_of(request)
    supplier, created = suppliers.configure_from_purchase_information(
        sandbox,
        body.purchase_information,
        name=body.name,
        secret=body.shared_secret,
        test=body.test,
        allow_invoicing=body.allow_invoicing,
    )
    return JSONResponse(
        supplier_json(supplier, sandbox.settings.invoice_url), status_code=201 if created else 200
    )


@router.get("/suppliers/{supplier_id}")
def get_supplier(request: Request, supplier_id: int) -> dict[str, Any]:
    """One supplier."""
    sandbox = sandbox_of(request)
    return supplier_json(suppliers.get_supplier(sandbox, supplier_id), sandbox.settings.invoice_url)


@router.post("/punchouts", status_code=201)
def start_punchout(request: Request, body: PunchoutBody) -> dict[str, Any]:
    """Send the setup request; the session with its StartPage URL (or ``status: failed`` and
    the ``error`` the supplier answered)."""
    sandbox = sandbox_of(request)
    session = punchouts.start_punchout(
        sandbox, body.supplier_id, body.user, display=Display.WINDOW, po_number=body.po_number
    )
    return session_json(sandbox, session)


@router.get("/punchouts/{session_id}")
def get_punchout(request: Request, session_id: int) -> dict[str, Any]:
    """A session: ``requisition_id`` once its cart came back."""
    sandbox = sandbox_of(request)
    return session_json(sandbox, punchouts.get_session(sandbox, session_id))


@router.get("/requisitions/{requisition_id}")
def get_requisition(request: Request, requisition_id: int) -> dict[str, Any]:
    """A requisition with its lines and approval chain."""
    return requisition_json(requisitions.get_requisition(sandbox_of(request), requisition_id))


@router.post("/requisitions/{requisition_id}/submit")
def submit_requisition(
    request: Request, requisition_id: int, body: ActingBody | None = None
) -> dict[str, Any]:
    """Submit for approval (as its requester unless ``user`` says)."""
    sandbox = sandbox_of(request)
    user = body.user if body and body.user else None
    if user is None:
        user = requisitions.get_requisition(sandbox, requisition_id).requester_email
    return requisition_json(requisitions.submit(sandbox, requisition_id, user))


@router.post("/requisitions/{requisition_id}/approve")
async def approve_requisition(
    request: Request, requisition_id: int, body: ActingBody | None = None
) -> dict[str, Any]:
    """Approve as the current approver (or ``user``); the last approval answers with the
    purchase order and the supplier's answer to it."""
    return await _decide(request, requisition_id, body, approve=True)


@router.post("/requisitions/{requisition_id}/reject")
async def reject_requisition(
    request: Request, requisition_id: int, body: ActingBody | None = None
) -> dict[str, Any]:
    """Reject as the current approver (or ``user``)."""
    return await _decide(request, requisition_id, body, approve=False)


async def _decide(
    request: Request, requisition_id: int, body: ActingBody | None, *, approve: bool
) -> dict[str, Any]:
    sandbox = sandbox_of(request)

    def run() -> dict[str, Any]:
        user = body.user if body and body.user else None
        if user is None:
            step = requisitions.get_requisition(sandbox, requisition_id).current_approval
            if step is None:
                raise RuleError(f"Requisition {requisition_id} waits for no approval.")
            user = step.approver_email
        decision = requisitions.decide(
            sandbox, requisition_id, user, approve=approve, comment=body.comment if body else ""
        )
        answer: dict[str, Any] = {"requisition": requisition_json(decision.requisition)}
        answer["purchase_order"] = (
            po_json(orders.get_po(sandbox, decision.po.number)) if decision.po else None
        )
        return answer

    return await run_in_threadpool(run)
