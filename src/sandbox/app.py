"""The buyer sandbox's web application factory."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates


def create_app() -> FastAPI:
    """Build the sandbox's ASGI application."""
    app = FastAPI(
        title="Buyer sandbox",
        summary="A Coupa-like procurement system that speaks cXML to the marketplace.",
        version="0.1.0",
        openapi_url="/api/openapi.json",
        # FastAPI's interactive docs load scripts from a CDN; we serve no external assets.
        docs_url=None,
        redoc_url=None,
    )
    templates = Jinja2Templates(directory=Path(__file__).parent / "templates")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def home(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(request, "home.html")

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        """Report that the process is up."""
        return {"status": "ok"}

    return app
