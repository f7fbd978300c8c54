"""The marketplace web application factory: :func:`create_app` for a given ``Settings``, and
:func:`app_from_env` for uvicorn's worker processes (``marketplace serve --workers N``)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from marketplace.config import Settings
from marketplace.logs import configure_logging
from marketplace.services import monitoring
from marketplace.services.ports import DatabaseProbe
from marketplace.services.secret_box import FernetSecretBox
from marketplace.web import cxml_endpoints, metrics
from marketplace.web.api import api_router
from marketplace.web.deps import Database
from marketplace.web.errors import install_error_handlers
from marketplace.web.metrics import Metrics, MetricsMiddleware
from marketplace.web.middleware import BodyLimitMiddleware, RequestIdMiddleware
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

    Every request gets an id (``X-Request-ID``, in its log records), is counted and timed
    for ``/metrics``, and may send a body of at most ``settings.max_body_bytes`` (cXML
    documents excepted: they have their own cap). ``/healthz`` says the process is up,
    ``/readyz`` that the database answers and is migrated.
    """
    owned = None
    if database is None:
        # Imported here so that an app given its database (tests, tools) needs no SQL driver.
        from marketplace.storage.database import open_database

        owned = open_database(
            settings.database_url,
            pool_size=settings.database_pool_size,
            max_overflow=settings.database_max_overflow,
        )

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
    app.state.secret_box = FernetSecretBox(settings.secret_keys())
    app.state.metrics = Metrics(app.state.database.unit_of_work)
    install_error_handlers(app)
    # The last added runs first: the request id is there for everything the others log.
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(BodyLimitMiddleware, limit=settings.max_body_bytes)
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    app.add_middleware(RequestIdMiddleware)
    # The procurement systems' endpoints come first: routes are tried in order, and a
    # purchase order should not be compared with every page's path before its own.
    app.include_router(cxml_endpoints.router)
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
    app.include_router(metrics.router)
    _add_health_routes(app)
    return app


def app_from_env() -> FastAPI:
    """The app for the settings in this process's ``MARKETPLACE_*`` environment, logging set up.

    uvicorn calls it in each worker process it starts (``uvicorn --factory
    marketplace.web.app:app_from_env``, which ``marketplace serve --workers N`` runs): a child
    process gets its settings only through the environment, which the parent fills in
    beforehand. The database must already be migrated.
    """
    settings = Settings.from_env(os.environ)
    configure_logging(settings.log_format, settings.log_level)
    return create_app(settings)


def _add_health_routes(app: FastAPI) -> None:
    @app.get("/healthz", tags=["health"], operation_id="healthz")
    def healthz() -> dict[str, str]:
        """Report that the process is up (liveness)."""
        return {"status": "ok"}

    @app.get(
        "/readyz",
        tags=["health"],
        operation_id="readyz",
        responses={503: {"description": "The database does not answer or is not migrated."}},
    )
    def readyz() -> JSONResponse:
        """Report whether the app can serve: the database answers and its schema is at the
        newest migration (readiness); 503 says what is wrong."""
        database = app.state.database
        probe = database if isinstance(database, DatabaseProbe) else None
        readiness = monitoring.check_readiness(probe)
        body: dict[str, str | None] = {
            "status": "ready" if readiness.ready else "not ready",
            "database": readiness.database,
            "revision": readiness.revision,
        }
        if not readiness.ready:
            body.update(expected_revision=readiness.expected, detail=readiness.detail)
        return JSONResponse(body, status_code=200 if readiness.ready else 503)


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
