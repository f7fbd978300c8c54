"""Setup → Suppliers: create and edit suppliers with their PO transmission, punchout site
and cXML invoicing, by hand or by pasting the marketplace's purchase information."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import Response

from sandbox.domain.errors import InputError
from sandbox.domain.suppliers import (
    DEFAULT_CXML_VERSION,
    TEXT_FIELDS,
    SupplierInput,
    SupplierMode,
)
from sandbox.services import suppliers
from sandbox.web.rendering import current_user, page, sandbox_of, see_other, sign_in_redirect

router = APIRouter(include_in_schema=False)


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _draft(form: FormData) -> SupplierInput:
    values: dict[str, Any] = {name: _text(form, name) for name in TEXT_FIELDS}
    mode = SupplierMode.ARIBA if _text(form, "mode") == "ariba" else SupplierMode.COUPA
    return SupplierInput(
        mode=mode,
        test=_text(form, "environment") == "test",
        allow_invoicing=_text(form, "allow_invoicing") == "yes",
        po_secret=_text(form, "po_secret") or None,
        punchout_secret=_text(form, "punchout_secret") or None,
        **values,
    )


def _form_page(
    request: Request,
    draft: SupplierInput,
    *,
    supplier_id: int | None = None,
    error: InputError | None = None,
    paste: dict[str, Any] | None = None,
) -> Response:
    return page(
        request,
        "supplier_form.html",
        status_code=400 if error else 200,
        draft=draft,
        supplier_id=supplier_id,
        errors=error.fields if error else {},
        message=error.message if error else "",
        paste=paste or {},
    )


@router.get("/setup/suppliers")
async def supplier_list(request: Request) -> Response:
    """Every supplier."""
    if current_user(request) is None:
        return sign_in_redirect(request)
    found = await run_in_threadpool(suppliers.list_suppliers, sandbox_of(request))
    return page(request, "suppliers.html", suppliers=found)


@router.get("/setup/suppliers/new")
async def new_supplier(request: Request) -> Response:
    """The empty supplier form, with the Paste JSON shortcut."""
    if current_user(request) is None:
        return sign_in_redirect(request)
    blank = SupplierInput(name="", cxml_version=DEFAULT_CXML_VERSION)
    return _form_page(request, blank, paste={"allow_invoicing": True})


@router.post("/setup/suppliers")
async def create_supplier(request: Request) -> Response:
    """Create a supplier from the form."""
    if current_user(request) is None:
        return sign_in_redirect(request)
    draft = _draft(await request.form())
    try:
        saved = await run_in_threadpool(suppliers.save_supplier, sandbox_of(request), draft)
    except InputError as exc:
        return _form_page(request, draft, error=exc)
    return see_other(f"/setup/suppliers/{saved.id}?saved=1")


@router.post("/setup/suppliers/paste")
async def paste_supplier(request: Request) -> Response:
    """Create (or update, by name) a supplier from pasted purchase information."""
    if current_user(request) is None:
        return sign_in_redirect(request)
    form = await request.form()
    name = _text(form, "name")
    pasted = _text(form, "purchase_information")
    test = _text(form, "environment") == "test"
    allow_invoicing = _text(form, "allow_invoicing") == "yes"
    paste: dict[str, Any] = {
        "name": name,
        "purchase_information": pasted,
        "test": test,
        "allow_invoicing": allow_invoicing,
    }
    blank = SupplierInput(name=name)
    try:
        if not name:
            raise InputError("Some fields need attention.", {"paste_name": "Name the supplier."})
        data = suppliers.parse_pasted_json(pasted)
        saved, _ = await run_in_threadpool(
            lambda: suppliers.configure_from_purchase_information(
                sandbox_of(request),
                data,
                name=name,
                secret=_text(form, "shared_secret") or None,
                test=test,
                allow_invoicing=allow_invoicing,
            )
        )
    except InputError as exc:
        return _form_page(request, blank, error=_paste_error(exc), paste=paste)
    return see_other(f"/setup/suppliers/{saved.id}?saved=1")


def _paste_error(error: InputError) -> InputError:
    """The error with each problem moved to the paste form's field that can fix it."""
    fields: dict[str, str] = {}
    for key, problem in error.fields.items():
        if key in ("name", "paste_name"):
            target = "paste_name"
        elif key.endswith("secret"):
            target, problem = "paste_secret", "Enter the shared secret the marketplace showed once."
        else:
            target = "purchase_information"
            problem = problem if key == target else f"{key}: {problem}"
        fields.setdefault(target, problem)
    if not fields:
        fields["purchase_information"] = error.message
    return InputError(error.message, fields)


@router.get("/setup/suppliers/{supplier_id}")
async def edit_supplier(request: Request, supplier_id: int, saved: int = 0) -> Response:
    """A supplier's settings (secrets never shown again)."""
    if current_user(request) is None:
        return sign_in_redirect(request)
    supplier = await run_in_threadpool(suppliers.get_supplier, sandbox_of(request), supplier_id)
    return page(
        request,
        "supplier_form.html",
        draft=supplier.settings,
        supplier_id=supplier.id,
        errors={},
        message="",
        saved=bool(saved),
        paste={},
    )


@router.post("/setup/suppliers/{supplier_id}")
async def update_supplier(request: Request, supplier_id: int) -> Response:
    """Save a supplier's settings (secrets left empty stay as they are)."""
    if current_user(request) is None:
        return sign_in_redirect(request)
    draft = _draft(await request.form())
    try:
        await run_in_threadpool(suppliers.save_supplier, sandbox_of(request), draft, supplier_id)
    except InputError as exc:
        return _form_page(request, draft, supplier_id=supplier_id, error=exc)
    return see_other(f"/setup/suppliers/{supplier_id}?saved=1")
