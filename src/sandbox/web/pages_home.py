"""Home (Shop Online tiles, approvals waiting, your requisitions), signing in and out."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from sandbox.domain.errors import NotFoundError
from sandbox.domain.people import find_user
from sandbox.domain.requisitions import Requisition
from sandbox.services import requisitions, suppliers
from sandbox.web.rendering import (
    USER_COOKIE,
    current_user,
    page,
    sandbox_of,
    see_other,
    sign_in_redirect,
)

router = APIRouter(include_in_schema=False)


def _safe_next(target: str) -> str:
    """A local path to return to; anything else goes home."""
    if not target.startswith("/") or target.startswith(("//", "/\\")) or "\n" in target:
        return "/"
    return target


@router.get("/")
async def home(request: Request) -> Response:
    """Shop Online, the approvals waiting for the user, and the user's requisitions."""
    user = current_user(request)
    if user is None:
        return sign_in_redirect(request)
    sandbox = sandbox_of(request)
    all_suppliers = await run_in_threadpool(suppliers.list_suppliers, sandbox)
    recent: list[Requisition] = await run_in_threadpool(requisitions.list_requisitions, sandbox)
    waiting = [
        r
        for r in recent
        if (step := r.current_approval) is not None and step.approver_email == user.email
    ]
    return page(
        request,
        "home.html",
        sites=[s for s in all_suppliers if s.has_punchout],
        supplier_names={s.id: s.name for s in all_suppliers},
        waiting=waiting,
        mine=[r for r in recent if r.requester_email == user.email][:10],
    )


@router.get("/sign-in")
async def sign_in_page(request: Request, next: str = "/") -> Response:
    """Pick a user."""
    return page(request, "sign_in.html", next=_safe_next(next))


@router.post("/sign-in")
async def sign_in(request: Request, email: str = Form(), next: str = Form("/")) -> Response:
    """Sign in as the chosen built-in user."""
    try:
        user = find_user(email)
    except NotFoundError as exc:
        return page(
            request, "error.html", status_code=400, heading="Cannot sign in", message=exc.message
        )
    response = see_other(_safe_next(next))
    response.set_cookie(USER_COOKIE, user.email, httponly=True, samesite="lax", path="/")
    return response


@router.post("/sign-out")
async def sign_out() -> Response:
    """Forget the signed-in user."""
    response = see_other("/sign-in")
    response.delete_cookie(USER_COOKIE, path="/")
    return response


@router.get("/healthz", include_in_schema=True, tags=["health"])
async def healthz() -> dict[str, str]:
    """Report that the process is up."""
    return {"status": "ok"}
