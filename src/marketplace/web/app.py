"""The marketplace web application factory."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from marketplace.config import Settings
from marketplace.web.errors import install_error_handlers


def create_app(settings: Settings) -> FastAPI:
    """Build the marketplace's ASGI application for ``settings``."""
    app = FastAPI(
        title="Software Marketplace",
        summary="A software marketplace that sells through buyers' procurement systems.",
        version="0.1.0",
        openapi_url="/api/openapi.json",
        # FastAPI's interactive docs load scripts from a CDN; we serve no external assets.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
    install_error_handlers(app)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def home(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(request, "home.html")

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        """Report that the process is up."""
        return {"status": "ok"}

    return app
