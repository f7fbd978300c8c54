"""The JSON API under ``/api/v1``, authenticated with ``Authorization: Bearer <api_key>``.

Every operation depends on :class:`~marketplace.web.deps.Require` with the action it needs;
its routes are :class:`ActionRoute`\\ s, which refuse to exist without one and copy the action
into the operation's OpenAPI entry as ``x-required-action`` (absent: any valid API key),
so the document says what each operation needs.
"""

from __future__ import annotations

from fastapi import APIRouter

from marketplace.web.api import agreements, catalog, keys, organization, procurement

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
    return router
