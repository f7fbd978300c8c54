"""The invoice inbox: ``POST /cxml/invoices`` (cXML in, a cXML Status out), and the
Invoices pages that show each invoice matched to its PO lines."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

import cxml
from sandbox.documents.common import payload_host
from sandbox.services import invoice_views
from sandbox.services.invoices import receive_invoice
from sandbox.web.rendering import current_user, page, sandbox_of, sign_in_redirect

router = APIRouter(include_in_schema=False)

_CXML_TYPE = "text/xml; charset=utf-8"
_HTTP = frozenset((400, 401, 403, 404, 405, 406, 409, 412, 417))


def cxml_answer(request: Request, code: int, text: str) -> Response:
    """A cXML ``Response/Status``; the HTTP status mirrors it (2xx → 200, as the marketplace
    answers), so that proxies and logs read it too."""
    host = payload_host(sandbox_of(request).settings.base_url)
    document = cxml.status_response(code, text, host=host)
    http = 200 if code < 300 else code if code in _HTTP else 500 if code >= 500 else 400
    return Response(cxml.serialize(document), status_code=http, media_type=_CXML_TYPE)


@router.post("/cxml/invoices")
async def invoice_inbox(request: Request) -> Response:
    """Receive an InvoiceDetailRequest and answer with a cXML status."""
    body = await request.body()
    answer = await run_in_threadpool(receive_invoice, sandbox_of(request), body)
    return cxml_answer(request, answer.status_code, answer.text)


@router.get("/cxml/invoices")
async def invoice_inbox_get(request: Request) -> Response:
    """cXML travels by POST only."""
    response = cxml_answer(request, 405, "Post a cXML InvoiceDetailRequest to this URL.")
    response.headers["Allow"] = "POST"
    return response


@router.get("/invoices")
async def invoice_list(request: Request) -> Response:
    """Every invoice matched to its PO lines, and the inbox log."""
    if current_user(request) is None:
        return sign_in_redirect(request)
    sandbox = sandbox_of(request)
    views = await run_in_threadpool(invoice_views.list_invoices, sandbox)
    log = await run_in_threadpool(invoice_views.inbox_log, sandbox)
    return page(request, "invoices.html", views=views, log=log)


@router.get("/invoices/{invoice_id}")
async def invoice_page(request: Request, invoice_id: int) -> Response:
    """One invoice, line by line against the PO."""
    if current_user(request) is None:
        return sign_in_redirect(request)
    view = await run_in_threadpool(invoice_views.get_invoice, sandbox_of(request), invoice_id)
    return page(request, "invoice.html", view=view, invoice=view.invoice)
