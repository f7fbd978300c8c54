"""The marketplace web application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from marketplace.config import Settings
from marketplace.services.secret_box import FernetSecretBox
from marketplace.web import cxml_endpoints
from marketplace.web.api import api_router
from marketplace.web.deps import Database
from marketplace.web.errors import install_error_handlers
from marketplace.web.pages import account, auth, catalog, invoices, orders, procurement, punchout
from marketplace.web.rendering import make_templates

STATIC_DIR = Path(__file__).parent / "static"

# Everything the pages load comes from this site; scripts only from /static (no inline ones).
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def create_app(settings: Settings, database: Database | None = None) -> FastAPI:
    """Build the marketplace's ASGI application for ``settings``.

    Without ``database``, the app opens ``settings.database_url`` (and closes it when the
    app shuts down); the database must already be migrated (``marketplace db upgrade``).
    """
    owned = None
    if database is None:
        # Imported here so that an app given its database (tests, tools) needs no SQL driver.
        from marketplace.storage.database import open_database

        owned = open_database(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if owned is not None:
            owned.dispose()

    app = FastAPI(
        title="Software Marketplace",
        summary="A software marketplace that sells through buyers' procurement systems.",
        version="0.1.0",
        openapi_url="/api/openapi.json",
        # FastAPI's interactive docs load scripts from a CDN; we serve no external assets.
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = database if database is not None else owned
    app.state.templates = make_templates()
    app.state.secret_box = FernetSecretBox([settings.secret_key.reveal()])
    install_error_handlers(app)
    app.add_middleware(SecurityHeadersMiddleware)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in (
        catalog.router,
        auth.router,
        account.router,
        procurement.router,
        orders.router,
        invoices.router,
        punchout.router,
    ):
        app.include_router(router)
    app.include_router(api_router())
    app.include_router(cxml_endpoints.router)

    @app.get("/healthz", tags=["health"], operation_id="healthz")
    def healthz() -> dict[str, str]:
        """Report that the process is up."""
        return {"status": "ok"}

    return app


class SecurityHeadersMiddleware:
    """Adds the security headers above to every HTTP response that does not set its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
