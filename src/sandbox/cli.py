"""The ``sandbox`` command."""

from __future__ import annotations

import click
import uvicorn

from sandbox.app import create_app


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Buyer sandbox: a Coupa-like procurement system for trying the marketplace."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8100,
    show_default=True,
    help="Port to listen on.",
)
def serve(host: str, port: int) -> None:
    """Serve the buyer sandbox web application."""
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"Buyer sandbox on http://{shown}:{port}/ (Ctrl-C to stop)")
    uvicorn.run(create_app(), host=host, port=port)
