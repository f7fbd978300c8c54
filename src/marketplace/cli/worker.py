"""``marketplace worker``: deliver the outbox (e-mail, cXML invoices and confirmations), in
one process or several (``--processes N``)."""

from __future__ import annotations

from collections.abc import Mapping

import click

from marketplace.cli.context import open_store, refuse_sqlite, state
from marketplace.cli.errors import MarketplaceCommand
from marketplace.cli.output import emit_json, note
from marketplace.config import Settings
from marketplace.domain.outbox import AttemptOutcome
from marketplace.logs import configure_logging
from marketplace.services.delivery import DeliveryReport
from marketplace.storage.database import Database, open_database
from marketplace.worker.processes import ProcessGroup, run_until_signalled
from marketplace.worker.runner import Worker, billing_for, lease_for, senders_for

__all__ = ["deliver_in_child", "worker"]


@click.command(cls=MarketplaceCommand)
@click.option("--once", is_flag=True, help="Deliver everything due now, then exit.")
@click.option(
    "--processes",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Worker processes to run (more than one needs PostgreSQL).",
)
@click.option("--json", "as_json", is_flag=True, help="With --once: print one JSON object.")
def worker(once: bool, processes: int, as_json: bool) -> None:
    """Deliver the outbox: e-mail over SMTP (MARKETPLACE_SMTP_URL; unset, to the log) and
    cXML documents over HTTP, retrying transient failures with back-off. Bill first, when it
    starts and every day (UTC), as `marketplace billing run` does.

    `marketplace serve` runs a worker too; run more (here, with --processes, or on other
    machines sharing one PostgreSQL database) to deliver faster: each claims its own
    messages. With --processes N, the first process also bills daily; the others only
    deliver, and one that dies is started again. Ctrl-C or SIGTERM stops every process
    after the message in hand.

    \b
    Examples:
      marketplace worker --once
      marketplace worker --processes 4
    """
    settings = state().settings()
    if processes > 1:
        if once:
            raise click.UsageError("--once runs in one process; leave out --processes.")
        refuse_sqlite(settings.database_url, f"--processes {processes}")
    configure_logging(settings.log_format, settings.log_level)
    with open_store(state().database_url()) as database:
        if processes > 1:
            database.dispose()  # checked it is migrated; each child opens its own
            _run_processes(dict(state().environ), processes)
            return
        runner = _worker(settings, database, bills=True)
        if once:
            billed = runner.bill_if_due()
            if billed is not None:
                note(
                    f"Billing as of today: {billed.total} new invoices, {billed.cxml_queued} cXML."
                )
            report = runner.run_once()
            _print(report, as_json)
            return
        note("Worker: delivering the outbox (Ctrl-C to stop) …")
        try:
            run_until_signalled(runner, on_round=lambda report: note(_summary(report)))
        except KeyboardInterrupt:
            note("Worker: stopped at once; a message in flight goes again after its lease.")
            return
        note("Worker: stopped.")


def _worker(settings: Settings, database: Database, *, bills: bool) -> Worker:
    return Worker(
        database.unit_of_work,
        senders_for(settings, database.unit_of_work),
        billing=billing_for(settings) if bills else None,
        lease=lease_for(settings),
    )


def _run_processes(environ: dict[str, str], processes: int) -> None:
    note(f"Worker: delivering the outbox in {processes} processes (Ctrl-C to stop) …")
    ProcessGroup(deliver_in_child, processes, args=(environ,), name="worker").run()
    note("Worker: stopped.")


def deliver_in_child(index: int, environ: Mapping[str, str]) -> None:
    """One child process of ``marketplace worker --processes N``: a worker over its own
    database connection, until the parent's SIGTERM. Only the first (``index`` 0) bills.

    Module-level, so that multiprocessing can name it to the child it spawns; the child gets
    its settings from ``environ``, the parent's environment with the global options applied.
    """
    settings = Settings.from_env(environ)
    configure_logging(settings.log_format, settings.log_level)
    database = open_database(settings.database_url)
    try:
        run_until_signalled(_worker(settings, database, bills=index == 0), child=True)
    finally:
        database.dispose()


def _summary(report: DeliveryReport) -> str:
    return (
        f"Worker: {report.claimed} due, {report.count(AttemptOutcome.DELIVERED)} delivered, "
        f"{report.count(AttemptOutcome.TRANSIENT)} to retry, "
        f"{report.count(AttemptOutcome.PERMANENT)} failed."
    )


def _print(report: DeliveryReport, as_json: bool) -> None:
    if as_json:
        emit_json(
            {
                "claimed": report.claimed,
                "delivered": report.count(AttemptOutcome.DELIVERED),
                "retrying": report.count(AttemptOutcome.TRANSIENT),
                "failed": report.count(AttemptOutcome.PERMANENT),
            }
        )
        return
    click.echo(_summary(report))
