"""The punchout in the browser: the StartPage, shopping inside the procurement system's
frame, Request approval, and the cart going back.

- ``GET /punchout/start/{token}``: the StartPage URL of a PunchOutSetupResponse. Good once,
  for five minutes: it signs the procurement system's user in and sends the browser (303)
  to the session's first page, every one of which carries ``ps`` (see
  :mod:`marketplace.web.sessions`): the ``SelectedItem``'s product page, the re-opened
  cart for ``edit``/``inspect``, else the home page. Used twice, expired or unknown, it is a
  clear 410/404 page, and nobody is signed in.
- **Sign-in page first** (``start_url``/``idc_url`` on the punchout URL): the StartPage then
  sends the browser to that URL with ``return_to=<base_url>/punchout/resume?ps=…`` appended
  to its query string. The organization's identity provider signs the user in and sends them
  on to ``return_to``, which continues into the session. The StartPage has already opened
  the session by then: the sign-in page is the organization's own policy in front of the
  marketplace, which (like AWS Marketplace) does not check the URL's domain.
- ``POST /punchout/request-approval``: the configured offer becomes a subscription request
  and the cart goes back: a page that posts itself to the session's BrowserFormPost URL
  (scripts off: a visible "Continue to Coupa" button), or, pre-approved, a "subscribed"
  page. Invalid choices re-show the product page (400) with the messages by their fields.
- ``POST /punchout/cancel``: "Return to Coupa" with an empty cart (``create``). For a
  re-opened cart it returns that cart unchanged instead, since an empty ``edit`` cart
  would delete the buyer's lines (cXML User's Guide, "PunchOutOrderMessage").
- ``POST /punchout/return``: send the re-opened cart back unchanged (``edit``/``inspect``).
- ``GET /punchout/cart``: the re-opened cart; in ``edit`` each line can be changed.
- ``POST /products/{id}/request-approval``: Request approval outside a punchout (redirect
  to the organization's Coupa, or a message saying where to start).

Punchout responses may be framed by the buyer's site only (``frame-ancestors`` from the
BrowserFormPost URL) and are ``no-store``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import FormData
from starlette.responses import Response

import cxml
from marketplace.domain.accounts import Principal
from marketplace.domain.errors import (
    ConflictError,
    GoneError,
    MarketplaceError,
    NotFoundError,
    ValidationError,
)
from marketplace.domain.punchout import PunchoutOperation, PunchoutSession
from marketplace.services import carts, catalog, punchout, punchout_redirect
from marketplace.services.punchout import CartReturn
from marketplace.web.csrf import csrf_protect, persist_csrf_token, rotate_csrf_token
from marketplace.web.deps import Database, get_database, get_settings, optional_user
from marketplace.web.offer_form import find_offer, parse_choice
from marketplace.web.pages import page_router
from marketplace.web.pages.catalog import product_page
from marketplace.web.rendering import mark_punchout, page_url, render
from marketplace.web.sessions import sign_punchout, start_session

router = page_router()

Protected = [Depends(csrf_protect)]
_START_AGAIN = "Start again from your procurement system."


@dataclass(frozen=True, slots=True)
class Shopping:
    """The open punchout session of a request and its user."""

    session: PunchoutSession
    principal: Principal
    ps: str


def shopping(
    request: Request, principal: Annotated[Principal | None, Depends(optional_user)]
) -> Shopping:
    """Dependency: the request's open punchout session (404 without one, 410 once over)."""
    session: PunchoutSession | None = getattr(request.state, "punchout", None)
    if session is None or principal is None:
        if getattr(request.state, "punchout_ended", False):
            raise GoneError(f"This punchout session has ended. {_START_AGAIN}")
        raise NotFoundError(f"This page belongs to a punchout session. {_START_AGAIN}")
    return Shopping(session, principal, request.state.ps)


InPunchout = Annotated[Shopping, Depends(shopping)]


async def _form(request: Request) -> FormData:
    return await request.form()


PostedForm = Annotated[FormData, Depends(_form)]


# -- entering ------------------------------------------------------------------------------


@router.get("/punchout/start/{token}", response_class=HTMLResponse)
def start_page(request: Request, token: str) -> Response:
    """Use the StartPage token: sign the user in, then on to the session's first page."""
    database = get_database(request)
    try:
        session, principal = punchout.open_start_page(database.unit_of_work(), token)
    except MarketplaceError:
        # The error page must show inside the buyer's frame: frame it for the session's
        # buyer when the token names one (used or expired), never for anyone else.
        request.state.punchout_frame = _session_of_token(database, token)
        raise
    settings = get_settings(request)
    ps = sign_punchout(settings, session.id)
    if session.start_url:
        resume = settings.base_url + page_url("/punchout/resume", ps)
        target = _with_query(session.start_url, return_to=resume)
    else:
        target = _first_page(database, session, ps)
    response = RedirectResponse(target, status_code=303)
    start_session(response, settings, principal.user.id, cross_site=True)
    rotate_csrf_token(request)
    persist_csrf_token(request, response)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/punchout/resume")
def resume(request: Request, shop: InPunchout) -> Response:
    """Back from the organization's sign-in page: on to the session's first page."""
    target = _first_page(get_database(request), shop.session, shop.ps)
    response = RedirectResponse(target, status_code=303)
    mark_punchout(response, shop.session)
    return response


def _first_page(database: Database, session: PunchoutSession, ps: str) -> str:
    if session.operation is not PunchoutOperation.CREATE:
        return page_url("/punchout/cart", ps)
    if session.selected_item:
        product = catalog.find_offer_product(database.unit_of_work(), session.selected_item)
        if product is not None:
            offer = session.selected_item if product.id != session.selected_item else None
            return page_url(f"/products/{product.id}", ps, offer=offer)
    return page_url("/", ps)


def _session_of_token(database: Database, token: str) -> PunchoutSession | None:
    with database.unit_of_work() as uow:
        return uow.punchout.get_session_by_token(punchout.hash_token(token))


def _with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query, keep_blank_values=True), *params.items()]
    return urlunsplit(parts._replace(query=urlencode(query)))


# -- the cart ------------------------------------------------------------------------------


@router.get("/punchout/cart", response_class=HTMLResponse)
def cart(request: Request, shop: InPunchout) -> Response:
    """The cart the procurement system re-opened (``edit``: each line can be changed)."""
    uow = get_database(request).unit_of_work()
    requests = punchout.session_requests(uow, shop.principal, shop.session)
    return render(request, "punchout_cart.html", {"requests": requests})


@router.post("/punchout/request-approval", response_class=HTMLResponse, dependencies=Protected)
def request_approval(request: Request, shop: InPunchout, form: PostedForm) -> Response:
    """Ask approval for the configured offer; the cart goes back (or, pre-approved, the
    user is subscribed at once)."""
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    database = get_database(request)
    product = catalog.get_product(database.unit_of_work(), values.get("product_id", ""))
    offer_id = values.get("offer_id", "")
    if not offer_id:
        raise NotFoundError("Choose one of the product's offers.")
    offer = find_offer(product, offer_id)
    request_id = values.get("request_id") or None
    choice, problems = parse_choice(offer, values)
    try:
        if problems:
            raise ValidationError("Some fields are invalid.", problems)
        result = punchout.request_approval(
            database.unit_of_work(),
            shop.principal,
            shop.session.id,
            product_id=product.id,
            offer_id=offer.id,
            choice=choice,
            request_id=request_id,
        )
    except ValidationError as exc:
        return product_page(
            request,
            product,
            offer_id=offer.id,
            values=values,
            errors=exc.fields,
            request_id=request_id,
            status_code=400,
        )
    if result.cart is None:
        context = {"product": product, "subscription": result.request}
        return render(request, "punchout_subscribed.html", context)
    return cart_return_page(request, result.cart)


@router.post("/punchout/cancel", response_class=HTMLResponse, dependencies=Protected)
def cancel(request: Request, shop: InPunchout) -> Response:
    """Back to the procurement system with an empty cart (a re-opened one: unchanged)."""
    uow = get_database(request).unit_of_work()
    if shop.session.operation is PunchoutOperation.CREATE:
        returned = punchout.cancel_punchout(uow, shop.principal, shop.session.id)
    else:
        returned = punchout.return_cart(uow, shop.principal, shop.session.id)
    return cart_return_page(request, returned)


@router.post("/punchout/return", response_class=HTMLResponse, dependencies=Protected)
def return_unchanged(request: Request, shop: InPunchout) -> Response:
    """Send the re-opened cart back as it is."""
    uow = get_database(request).unit_of_work()
    returned = punchout.return_cart(uow, shop.principal, shop.session.id)
    return cart_return_page(request, returned)


def cart_return_page(request: Request, returned: CartReturn) -> Response:
    """The page that posts the cart to the BrowserFormPost URL by itself (a static script;
    without scripts, its visible button does it). Never cached: it holds the cart."""
    session = returned.session
    system = session.system.display_name
    if not session.form_post_url:  # an inspect without BrowserFormPost: nowhere to post
        request.state.punchout = None
        request.state.punchout_frame = session
        return render(request, "punchout_closed.html", {"system": system})
    host = urlsplit(get_settings(request).base_url).hostname or "marketplace.invalid"
    xml = cxml.serialize(carts.cart_document(returned, host=host))
    field = cxml.CartField(session.cart_field.value)
    context = {
        "system": system,
        "action": session.form_post_url,
        "field_name": field.value,
        "field_value": cxml.field_value(xml, field),
        "lines": sum(len(r.lines) for r in returned.requests),
    }
    templates = request.app.state.templates
    response: Response = templates.TemplateResponse(request, "punchout_cart_post.html", context)
    mark_punchout(response, session)
    return response


# -- outside a punchout ----------------------------------------------------------------------


@router.post(
    "/products/{product_id}/request-approval", response_class=HTMLResponse, dependencies=Protected
)
def direct_request(
    request: Request,
    product_id: str,
    principal: Annotated[Principal | None, Depends(optional_user)],
) -> Response:
    """Request approval while browsing directly: off to the organization's Coupa, or the
    product page saying where to start (Ariba, no redirect set up)."""
    database = get_database(request)
    product = catalog.get_product(database.unit_of_work(), product_id)
    if principal is None:
        return RedirectResponse(f"/signin?next=/products/{product.id}", status_code=303)
    try:
        target = punchout_redirect.direct_request_target(database.unit_of_work(), principal)
    except ConflictError as exc:
        return product_page(request, product, message=exc.message, status_code=409)
    return RedirectResponse(target, status_code=303)
