"""The cXML endpoints buyers' procurement systems post to (paths in ``CXML_PATHS``).

Every answer is a cXML document (``text/xml; charset=utf-8``), errors included: see
:mod:`marketplace.web.cxml_support` for how failures become a ``Response/Status``.

- ``POST /cxml/profile``: an authenticated ``ProfileRequest`` gets a ``ProfileResponse``
  listing the requests we accept and the absolute URL of each (cXML Reference Guide,
  "Profile Transaction"; Coupa and Ariba also send it as a ping).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

import cxml
from cxml.models.envelope import Document
from cxml.models.profile import ProfileRequest, ProfileResponse, Transaction
from marketplace.services.procurement import CXML_PATHS
from marketplace.web.cxml_support import (
    answer,
    authenticate,
    cxml_url,
    expect,
    reply,
    status_answer,
)
from marketplace.web.deps import get_settings

router = APIRouter(include_in_schema=False)

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


@router.api_route(CXML_PATHS["profile"], methods=["GET", "HEAD", "PUT", "PATCH", "DELETE"])
def profile_other_methods(request: Request) -> Response:
    """Anything but a POST: a cXML status saying what to send (cXML travels by POST only)."""
    response = status_answer(get_settings(request), 405, "Post a cXML ProfileRequest to this URL.")
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
