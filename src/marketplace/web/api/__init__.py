"""The JSON API under ``/api/v1``, authenticated with ``Authorization: Bearer <api_key>``.

Every operation depends on :class:`~marketplace.web.deps.Require` with the action it needs;
its routes are :class:`ActionRoute`\\ s, which refuse to exist without one and copy the action
into the operation's OpenAPI entry as ``x-required-action`` (absent: any valid API key),
so the document says what each operation needs. The one exception is ``POST /usage``: sellers
report usage with a metering key (``x-authentication: bearer-metering-key``), see
:mod:`.billing`.
"""

from __future__ import annotations

from fastapi import APIRouter

from marketplace.web.api import agreements, billing, catalog, keys, organization, procurement

__all__ = ["API_PREFIX", "api_router"]

API_PREFIX = "/api/v1"


def api_router() -> APIRouter:
    """All JSON API operations."""
    router = APIRouter(prefix=API_PREFIX)
    router.include_router(catalog.router)
    router.include_router(organization.router)
    router.include_router(keys.router)
    router.include_router(procurement.router)
    router.include_router(agreements.router)
    router.include_router(billing.router)
    router.include_router(billing.metering_router)
    return router
