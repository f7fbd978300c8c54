"""The ``sandbox`` command: serve the buyer sandbox, and set up a supplier from the
marketplace's purchase information (for scripts such as ``make serve``)."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import click
import uvicorn

from sandbox.config import SandboxSettings, SettingsError
from sandbox.domain.errors import SandboxError
from sandbox.services.context import open_sandbox
from sandbox.services.suppliers import configure_from_purchase_information, parse_pasted_json
from sandbox.web.api_json import supplier_json
from sandbox.web.app import create_app


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Buyer sandbox: a Coupa-like procurement system for trying the marketplace."""


@main.command()
@click.option("--host", default=None, help="Address to listen on [default: 127.0.0.1].")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=None,
    help="Port to listen on [default: 8100].",
)
def serve(host: str | None, port: int | None) -> None:
    """Serve the buyer sandbox (creating its database tables when missing).

    Settings come from SANDBOX_* variables: SANDBOX_DATABASE_URL (default
    sqlite:///./var/sandbox.db), SANDBOX_BASE_URL (default http://HOST:PORT),
    SANDBOX_SECRET_KEY, CXML_DTD_DIR.
    """
    settings = _settings(host=host, port=port)
    shown = f"[{settings.host}]" if ":" in settings.host else settings.host
    click.echo(f"Buyer sandbox on http://{shown}:{settings.port}/ (Ctrl-C to stop)")
    click.echo(f"Invoice inbox for suppliers: {settings.invoice_url}")
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port)


@main.group()
def supplier() -> None:
    """Suppliers (Setup → Suppliers in the web pages)."""


@supplier.command("configure")
@click.option("--name", required=True, help="The supplier's name (updated when it exists).")
@click.option(
    "--purchase-information",
    "source",
    type=click.File("r"),
    default="-",
    show_default=True,
    help="The purchase-information JSON (or `marketplace procurement connect --json` output).",
)
@click.option(
    "--secret-stdin",
    is_flag=True,
    help="Read the shared secret from stdin's first line (the JSON from a file then).",
)
@click.option("--test/--production", default=False, help="deploymentMode [default: production].")
@click.option("--invoicing/--no-invoicing", default=True, help="Allow cXML invoicing.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def configure(
    name: str,
    source: Any,
    secret_stdin: bool,
    test: bool,
    invoicing: bool,
    as_json: bool,
) -> None:
    """Create or update a supplier from the marketplace's purchase information.

    Example:
      marketplace procurement connect --org o-… --buyer-domain DUNS \\
        --buyer-identity acme --json | sandbox supplier configure --name Marketplace
    """
    secret = None
    if secret_stdin:
        if source is sys.stdin or getattr(source, "name", "") == "<stdin>":
            raise click.UsageError("With --secret-stdin, give --purchase-information FILE.")
        secret = sys.stdin.readline().strip() or None
    text = source.read()
    settings = _settings()
    sandbox = open_sandbox(settings)
    try:
        data = parse_pasted_json(text)
        found, created = configure_from_purchase_information(
            sandbox, data, name=name, secret=secret, test=test, allow_invoicing=invoicing
        )
    except SandboxError as exc:
        fields = getattr(exc, "fields", {})
        details = "".join(f"\n  {key}: {value}" for key, value in fields.items())
        raise click.ClickException(exc.message + details) from None
    finally:
        sandbox.close()
    if as_json:
        click.echo(json.dumps({**supplier_json(found, settings.invoice_url), "created": created}))
    else:
        verb = "Created" if created else "Updated"
        click.echo(f"{verb} supplier {found.id}: {found.name}")
        click.echo(f"Invoice URL to give the supplier: {settings.invoice_url}")


def _settings(*, host: str | None = None, port: int | None = None) -> SandboxSettings:
    try:
        return SandboxSettings.from_env(os.environ, host=host, port=port)
    except SettingsError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
