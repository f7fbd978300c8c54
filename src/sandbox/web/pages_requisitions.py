"""Requisitions: the list, one requisition with its lines and approval chain, Submit for
approval, and the approvers' Approve / Reject; Approvals lists what waits for the user."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from sandbox.services import requisitions, suppliers
from sandbox.web.rendering import current_user, page, sandbox_of, see_other, sign_in_redirect

router = APIRouter(include_in_schema=False)


@router.get("/requisitions")
async def requisition_list(request: Request) -> Response:
    """Every requisition, newest first."""
    if current_user(request) is None:
        return sign_in_redirect(request)
    sandbox = sandbox_of(request)
    found = await run_in_threadpool(requisitions.list_requisitions, sandbox)
    names = {s.id: s.name for s in await run_in_threadpool(suppliers.list_suppliers, sandbox)}
    return page(request, "requisitions.html", mine=found, supplier_names=names)


@router.get("/approvals")
async def approval_list(request: Request) -> Response:
    """The requisitions whose current approver is the signed-in user."""
    user = current_user(request)
    if user is None:
        return sign_in_redirect(request)
    sandbox = sandbox_of(request)
    found = await run_in_threadpool(requisitions.list_requisitions, sandbox)
    waiting = [
        r for r in found if (step := r.current_approval) and step.approver_email == user.email
    ]
    decided = [
        r
        for r in found
        if any(a.approver_email == user.email and a.decided_at for a in r.approvals)
    ]
    names = {s.id: s.name for s in await run_in_threadpool(suppliers.list_suppliers, sandbox)}
    return page(request, "approvals.html", waiting=waiting, mine=decided, supplier_names=names)


@router.get("/requisitions/{requisition_id}")
async def requisition_page(request: Request, requisition_id: int) -> Response:
    """One requisition: lines, approval chain, and what the user may do with it."""
    if current_user(request) is None:
        return sign_in_redirect(request)
    sandbox = sandbox_of(request)
    requisition = await run_in_threadpool(requisitions.get_requisition, sandbox, requisition_id)
    supplier = await run_in_threadpool(suppliers.get_supplier, sandbox, requisition.supplier_id)
    return page(request, "requisition.html", requisition=requisition, supplier=supplier)


@router.post("/requisitions/{requisition_id}/submit")
async def submit(request: Request, requisition_id: int) -> Response:
    """Submit for approval."""
    user = current_user(request)
    if user is None:
        return sign_in_redirect(request)
    await run_in_threadpool(requisitions.submit, sandbox_of(request), requisition_id, user.email)
    return see_other(f"/requisitions/{requisition_id}")


@router.post("/requisitions/{requisition_id}/approve")
async def approve(request: Request, requisition_id: int, comment: str = Form("")) -> Response:
    """Approve; the last approval issues and sends the purchase order."""
    return await _decide(request, requisition_id, approve=True, comment=comment)


@router.post("/requisitions/{requisition_id}/reject")
async def reject(request: Request, requisition_id: int, comment: str = Form("")) -> Response:
    """Reject: the requisition ends here."""
    return await _decide(request, requisition_id, approve=False, comment=comment)


async def _decide(
    request: Request, requisition_id: int, *, approve: bool, comment: str
) -> Response:
    user = current_user(request)
    if user is None:
        return sign_in_redirect(request)
    decision = await run_in_threadpool(
        lambda: requisitions.decide(
            sandbox_of(request), requisition_id, user.email, approve=approve, comment=comment
        )
    )
    if decision.po is not None:
        return see_other(f"/purchase-orders/{decision.po.number}")
    return see_other(f"/requisitions/{requisition_id}")
