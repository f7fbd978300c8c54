"""``marketplace serve``: migrate, seed the demo (unless told not to), and serve the web app,
in one process or several on one port (``--workers N``)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import click
import uvicorn

from marketplace.cli.context import (
    checked_database_url,
    open_store,
    refuse_sqlite,
    shown_url,
    state,
)
from marketplace.cli.errors import MarketplaceCommand
from marketplace.config import Settings
from marketplace.logs import configure_logging
from marketplace.services import demo
from marketplace.services.demo_wiring import DEMO_SUPPLIER_NAME
from marketplace.storage import migrate
from marketplace.web.app import create_app
from marketplace.worker.runner import Worker, billing_for, lease_for, senders_for

__all__ = ["APP_FACTORY", "KEEP_ALIVE_SECONDS", "SHUTDOWN_SECONDS", "serve"]

APP_FACTORY = "marketplace.web.app:app_from_env"  # what each of --workers N processes runs

KEEP_ALIVE_SECONDS = 5  # an idle keep-alive connection is closed after this
SHUTDOWN_SECONDS = 30  # on Ctrl-C or SIGTERM, requests in flight get this long to finish


@click.command(cls=MarketplaceCommand)
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
    "--no-demo",
    is_flag=True,
    help="Do not seed the demo catalog and buyer organization (also MARKETPLACE_DEMO=0).",
)
@click.option(
    "--no-worker",
    is_flag=True,
    help="Do not deliver the outbox in this process (run `marketplace worker` instead).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="App processes serving the one port (more than one needs PostgreSQL).",
)
def serve(host: str | None, port: int | None, no_demo: bool, no_worker: bool, workers: int) -> None:
    """Serve the marketplace web application.

    Migrates the database first, then seeds the demo buyer organization and catalog (unless
    --no-demo) and prints how to sign in to it. A worker thread bills daily and delivers the
    outbox (e-mail, cXML invoices) unless --no-worker. Ctrl-C stops the server.

    With --workers N, N app processes share the port (uvicorn starts them, and starts another
    in place of one that dies); this process migrates, seeds and runs the worker thread
    before they start. Each counts its own metrics into PROMETHEUS_MULTIPROC_DIR (a fresh
    temporary folder unless set), so /metrics shows the sum.

    \b
    Examples:
      marketplace serve --port 8000
      marketplace serve --host 0.0.0.0 --workers 4 --no-demo
    """
    # Overlay the flags on the environment so that derived values (the default base URL)
    # follow them.
    variables = {}
    if host is not None:
        variables["HOST"] = host
    if port is not None:
        variables["PORT"] = str(port)
    if no_demo:
        variables["DEMO"] = "0"
    settings = state().settings(**variables)
    if workers > 1:
        refuse_sqlite(settings.database_url, f"--workers {workers}")
    configure_logging(settings.log_format, settings.log_level)
    _migrate(settings)
    if settings.seed_demo:
        _seed_demo(settings)
    else:
        click.echo("Demo data: skipped (--no-demo or MARKETPLACE_DEMO=0).")
    click.echo(f"Marketplace on {settings.base_url}/ (Ctrl-C to stop)")
    if workers > 1:
        click.echo(f"App processes: {workers}, sharing port {settings.port}.")
    # The app processes get the settings through the environment, the flags laid over it.
    environ = {**state().environ, **{f"MARKETPLACE_{k}": v for k, v in variables.items()}}
    if no_worker:
        _serve(settings, workers, environ)
        return
    with open_store(settings.database_url) as database:
        worker = Worker(
            database.unit_of_work,
            senders_for(settings, database.unit_of_work),
            billing=billing_for(settings),
            lease=lease_for(settings),
        )
        worker.start_thread()
        click.echo("Worker: delivering the outbox in this process (--no-worker to leave it out).")
        try:
            _serve(settings, workers, environ)
        finally:
            worker.stop()


def _serve(settings: Settings, workers: int, environ: Mapping[str, str]) -> None:
    if workers == 1:
        _run(settings)
    else:
        _run_processes(settings, workers, environ)


def _run(settings: Settings) -> None:
    """Serve the app with uvicorn until stopped.

    uvicorn logs through ours (``marketplace.logs``: text or JSON, secrets masked), and has
    timeouts for idle connections and for shutting down. A client too slow to finish its
    request is the TLS-terminating proxy's to cut off (see the README's deployment notes).
    """
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        timeout_graceful_shutdown=SHUTDOWN_SECONDS,
    )


def _run_processes(settings: Settings, workers: int, environ: Mapping[str, str]) -> None:
    """Serve with uvicorn's multi-process mode: it binds the port here and spawns ``workers``
    fresh processes that each build the app with :data:`APP_FACTORY` from ``environ``.

    Nothing a request needs lives in one process's memory (sessions and punchout ids are
    signed tokens; StartPage tokens, rate limits and cXML receipts are in the database), so
    any process may take any request. Prometheus counters go to files in
    ``PROMETHEUS_MULTIPROC_DIR``; unless it is set, a fresh folder removed on the way out.
    """
    children = dict(environ)
    made = None
    if not children.get("PROMETHEUS_MULTIPROC_DIR"):
        made = tempfile.mkdtemp(prefix="marketplace-metrics-")
        children["PROMETHEUS_MULTIPROC_DIR"] = made
    try:
        with _environment(children):  # spawned processes start with this environment
            uvicorn.run(
                APP_FACTORY,
                factory=True,
                workers=workers,
                host=settings.host,
                port=settings.port,
                log_config=None,
                timeout_keep_alive=KEEP_ALIVE_SECONDS,
                timeout_graceful_shutdown=SHUTDOWN_SECONDS,
            )
    finally:
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)


@contextmanager
def _environment(environ: Mapping[str, str]) -> Iterator[None]:
    """``os.environ`` is exactly ``environ`` for the block, and as it was afterwards."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(environ)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _migrate(settings: Settings) -> None:
    url = checked_database_url(settings.database_url)
    click.echo(f"Database: migrating {shown_url(url)} …")
    migrate.upgrade(url)
    click.echo(f"Database: up to date (revision {migrate.head_revision()}).")


def _seed_demo(settings: Settings) -> None:
    click.echo("Demo data: seeding the demo buyer organization and catalog …")
    with open_store(settings.database_url) as database:
        info = demo.seed_demo(database.unit_of_work)
    status = "created" if info.created else "already there"
    click.echo(
        f"Demo data: {status} ({info.organization_name} {info.organization_id}, "
        f"{info.products:,} products)."
    )
    click.echo(f"Demo sign-in at {settings.base_url}/signin, password {info.password}")
    click.echo(f"  procurement administrator  {info.admin_email}")
    click.echo(f"  member account admin       {info.member_admin_email}")
    click.echo(f"  buyer                      {info.buyer_email}")
    if info.connection_id is not None:  # `marketplace demo setup` wired it to the sandbox
        click.echo(
            f"Demo procurement: Coupa connection {info.connection_id}, "
            f"invoices to {info.invoice_endpoint}"
        )
        click.echo(
            f"Try it: open {info.sandbox_url}, sign in as Dana, click Shop at {DEMO_SUPPLIER_NAME}"
        )
