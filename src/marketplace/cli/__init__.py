"""The ``marketplace`` command.

May import: ``marketplace.services``, ``marketplace.domain``, ``marketplace.storage``,
``marketplace.web`` (to serve it), ``marketplace.config`` and ``cxml``. Never ``sandbox``.
Settings come from ``MARKETPLACE_*`` variables; flags override them.
"""

from __future__ import annotations

import os

import click
import uvicorn

from marketplace.config import Settings, SettingsError
from marketplace.web.app import create_app


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Software marketplace with procurement system integration (Coupa, SAP Ariba)."""


@main.command()
@click.option(
    "--host", default=None, help="Address to listen on [default: MARKETPLACE_HOST or 127.0.0.1]."
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=None,
    help="Port to listen on [default: MARKETPLACE_PORT or 8000].",
)
@click.option(
    "--no-demo", is_flag=True, help="Do not seed the demo catalog and buyer organization."
)
def serve(host: str | None, port: int | None, no_demo: bool) -> None:
    """Serve the marketplace web application."""
    environ = dict(os.environ)
    # Overlay the flags on the environment so that derived values (the default base URL)
    # follow them.
    if host is not None:
        environ["MARKETPLACE_HOST"] = host
    if port is not None:
        environ["MARKETPLACE_PORT"] = str(port)
    if no_demo:
        environ["MARKETPLACE_DEMO"] = "0"
    try:
        settings = Settings.from_env(environ)
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(f"Marketplace on {settings.base_url}/ (Ctrl-C to stop)")
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port)
