"""Purchase orders: the list, one PO with the supplier's answer to each transmission, and
Resend (after a failure), Change (new quantities → ``update``), Change by punchout
(``edit``) and Cancel (``delete``)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from sandbox.domain.errors import InputError
from sandbox.services import orders
from sandbox.web.rendering import current_user, page, sandbox_of, see_other, sign_in_redirect

router = APIRouter(include_in_schema=False)


@router.get("/purchase-orders")
async def po_list(request: Request) -> Response:
    """Every PO, newest first, with the supplier's last answer."""
    if current_user(request) is None:
        return sign_in_redirect(request)
    sandbox = sandbox_of(request)
    numbers = [po.number for po in await run_in_threadpool(orders.list_pos, sandbox)]
    views = [await run_in_threadpool(orders.get_po, sandbox, number) for number in numbers]
    return page(request, "purchase_orders.html", views=views)


@router.get("/purchase-orders/{number}")
async def po_page(request: Request, number: int) -> Response:
    """One PO: lines, version, the supplier's answers, and what can be done next."""
    if current_user(request) is None:
        return sign_in_redirect(request)
    view = await run_in_threadpool(orders.get_po, sandbox_of(request), number)
    return page(request, "purchase_order.html", view=view, po=view.po, errors={})


@router.post("/purchase-orders/{number}/resend")
async def resend(request: Request, number: int) -> Response:
    """Send the failed transmission again."""
    if current_user(request) is None:
        return sign_in_redirect(request)
    await run_in_threadpool(orders.resend, sandbox_of(request), number)
    return see_other(f"/purchase-orders/{number}")


@router.post("/purchase-orders/{number}/change")
async def change(request: Request, number: int) -> Response:
    """Send the new quantities as the next version (``type="update"``)."""
    if current_user(request) is None:
        return sign_in_redirect(request)
    form = await request.form()
    quantities: dict[int, Decimal] = {}
    errors: dict[str, str] = {}
    for key, value in form.items():
        if not key.startswith("quantity_") or not isinstance(value, str):
            continue
        try:
            quantities[int(key.removeprefix("quantity_"))] = Decimal(value.strip())
        except (ValueError, InvalidOperation):
            errors[key] = "Enter a number."
    sandbox = sandbox_of(request)
    try:
        if errors:
            raise InputError("Some quantities need attention.", errors)
        await run_in_threadpool(orders.change_quantities, sandbox, number, quantities)
    except InputError as exc:
        view = await run_in_threadpool(orders.get_po, sandbox, number)
        return page(
            request,
            "purchase_order.html",
            status_code=400,
            view=view,
            po=view.po,
            errors=exc.fields,
            message=exc.message,
        )
    return see_other(f"/purchase-orders/{number}")


@router.post("/purchase-orders/{number}/cancel")
async def cancel(request: Request, number: int) -> Response:
    """Cancel the PO and send ``type="delete"``."""
    if current_user(request) is None:
        return sign_in_redirect(request)
    await run_in_threadpool(orders.cancel, sandbox_of(request), number)
    return see_other(f"/purchase-orders/{number}")
