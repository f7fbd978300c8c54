"""The server-rendered pages: catalog (home, search, product), sign-in, the user's account.

Each module has a ``router``; page routers render their errors as HTML pages and know the
signed-in user (see :mod:`marketplace.web.deps`).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from marketplace.web.deps import html_errors, optional_user


def page_router() -> APIRouter:
    """A router for pages: not in the OpenAPI document, HTML errors, user loaded."""
    return APIRouter(
        include_in_schema=False,
        dependencies=[Depends(html_errors), Depends(optional_user)],
    )
