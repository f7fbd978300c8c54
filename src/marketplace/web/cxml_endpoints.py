"""The cXML endpoints buyers' procurement systems post to (paths in ``CXML_PATHS``).

Every answer is a cXML document (``text/xml; charset=utf-8``), errors included: see
:mod:`marketplace.web.cxml_support` for how failures become a ``Response/Status``.

- ``POST /cxml/profile``: an authenticated ``ProfileRequest`` gets a ``ProfileResponse``
  listing the requests we accept and the absolute URL of each (cXML Reference Guide,
  "Profile Transaction"; Coupa and Ariba also send it as a ping).
- ``POST /cxml/punchout``: an authenticated ``PunchOutSetupRequest`` opens a punchout
  session and gets a ``PunchOutSetupResponse`` whose StartPage URL
  (``{base_url}/punchout/start/{token}``) is good once, for five minutes. The buyer may add
  ``?start_url=<sign-in URL>`` (or the older ``?idc_url=``; ``start_url`` wins) to the
  punchout URL: the StartPage then sends the user there first (see
  :mod:`marketplace.web.pages.punchout`). Only its syntax is checked (https; http for this
  machine only), never its domain, as AWS Marketplace does. Failures: 406 unreadable,
  450 not a setup request or ``operation="source"``, 401/403 credentials or a disabled
  connection, 400 a bad ``start_url``, 412 no BrowserFormPost URL for create/edit.

- ``POST /cxml/orders``: an authenticated ``OrderRequest`` (the purchase order) is answered
  with a ``Response/Status`` in the request's version once everything it stands for is
  committed: 200 (agreements created, changed or cancelled; a test order recorded), 400 / 409 /
  417 with what did not match (see :mod:`marketplace.services.orders`; Coupa does not retry
  4xx), 500 only for a failure of ours (Coupa retries it). The same payloadID again gets the
  first answer.

Anything but a POST gets a cXML 405 (cXML travels by POST only; a redirect that turned the
POST into a GET is the usual cause).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

import cxml
from cxml.models.envelope import Document, Status
from cxml.models.order import OrderRequest
from cxml.models.profile import ProfileRequest, ProfileResponse, Transaction
from cxml.models.punchout import PunchOutSetupRequest, PunchOutSetupResponse
from marketplace.domain.procurement import url_problem
from marketplace.services import orders, punchout
from marketplace.services.procurement import CXML_PATHS
from marketplace.web.cxml_support import (
    answer,
    authenticate,
    cxml_url,
    expect,
    reply,
    status_answer,
)
from marketplace.web.deps import get_database, get_settings

router = APIRouter(include_in_schema=False)

START_PAGE_PATH = "/punchout/start/"
"""Where StartPage URLs point (``marketplace.web.pages.punchout`` serves them)."""

# The query parameters of the punchout URL that name a sign-in page, the first one found
# wins: ``start_url`` today, ``idc_url`` in AWS Marketplace's earlier documentation.
START_URL_PARAMS = ("start_url", "idc_url")

_OTHER_METHODS = ["GET", "HEAD", "PUT", "PATCH", "DELETE"]

# The transactions a ProfileResponse lists, and which of our URLs takes each.
PROFILE_TRANSACTIONS = (
    ("ProfileRequest", "profile"),
    ("PunchOutSetupRequest", "punchout"),
    ("OrderRequest", "order"),
)


@router.post(CXML_PATHS["profile"])
async def profile(request: Request) -> Response:
    """Answer a ProfileRequest with the transactions we support and their URLs."""
    return await answer(request, _profile_response)


@router.api_route(CXML_PATHS["profile"], methods=_OTHER_METHODS)
def profile_other_methods(request: Request) -> Response:
    """Anything but a POST: a cXML status saying what to send (cXML travels by POST only)."""
    return _post_only(request, "ProfileRequest")


@router.post(CXML_PATHS["punchout"])
async def punchout_setup(request: Request) -> Response:
    """Answer a PunchOutSetupRequest with the one-time StartPage URL of a new session."""
    return await answer(request, _punchout_setup_response)


@router.api_route(CXML_PATHS["punchout"], methods=_OTHER_METHODS)
def punchout_other_methods(request: Request) -> Response:
    """Anything but a POST: a cXML status saying what to send."""
    return _post_only(request, "PunchOutSetupRequest")


@router.post(CXML_PATHS["order"])
async def order(request: Request) -> Response:
    """Answer an OrderRequest (a purchase order, its change or its cancellation)."""
    return await answer(request, _order_response)


@router.api_route(CXML_PATHS["order"], methods=_OTHER_METHODS)
def order_other_methods(request: Request) -> Response:
    """Anything but a POST: a cXML status saying what to send."""
    return _post_only(request, "OrderRequest")


def _post_only(request: Request, request_name: str) -> Response:
    response = status_answer(get_settings(request), 405, f"Post a cXML {request_name} to this URL.")
    response.headers["Allow"] = "POST"
    return response


def _profile_response(request: Request, document: Document) -> Document:
    settings = get_settings(request)
    expect(settings, document, ProfileRequest)
    authenticate(request, document)
    transactions = tuple(
        Transaction(request_name, cxml_url(settings, name))
        for request_name, name in PROFILE_TRANSACTIONS
    )
    payload = ProfileResponse(effective_date=cxml.now(), transactions=transactions)
    return reply(settings, payload, version=document.version)


def _punchout_setup_response(request: Request, document: Document) -> Document:
    settings = get_settings(request)
    setup = expect(settings, document, PunchOutSetupRequest)
    caller = authenticate(request, document)
    started = punchout.start_punchout(
        get_database(request).unit_of_work(),
        caller,
        setup,
        cxml_version=document.version,
        start_url=_start_url(request),
    )
    start_page = settings.base_url + START_PAGE_PATH + started.start_token
    return reply(settings, PunchOutSetupResponse(start_page), version=document.version)


def _order_response(request: Request, document: Document) -> Document:
    settings = get_settings(request)
    expect(settings, document, OrderRequest)
    caller = authenticate(request, document)
    # A conflict makes receive_order start again in a new transaction: all or nothing.
    units = get_database(request).unit_of_work(all_or_nothing=True)
    answered = orders.receive_order(units, caller, document)
    return reply(
        settings,
        None,
        version=document.version,
        status=Status.of(answered.status_code, answered.text),
    )


def _start_url(request: Request) -> str | None:
    """The sign-in URL the punchout URL names (cXML 400 when it is not a usable URL)."""
    for name in START_URL_PARAMS:
        value = request.query_params.get(name)
        if value is None:
            continue
        value = value.strip()
        problem = url_problem(value) if value else "It is empty."
        if problem is not None:
            raise cxml.CxmlError(f"The {name} parameter of the punchout URL: {problem}", 400)
        return value
    return None
