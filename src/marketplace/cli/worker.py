"""``marketplace worker``: deliver the outbox (e-mail, cXML invoices and confirmations)."""

from __future__ import annotations

import click

from marketplace.cli.context import open_store, state
from marketplace.cli.errors import MarketplaceCommand
from marketplace.cli.output import emit_json, note
from marketplace.domain.outbox import AttemptOutcome
from marketplace.logs import configure_logging
from marketplace.services.delivery import DeliveryReport
from marketplace.worker.runner import Worker, billing_for, senders_for

__all__ = ["worker"]


@click.command(cls=MarketplaceCommand)
@click.option("--once", is_flag=True, help="Deliver everything due now, then exit.")
@click.option("--json", "as_json", is_flag=True, help="With --once: print one JSON object.")
def worker(once: bool, as_json: bool) -> None:
    """Deliver the outbox: e-mail over SMTP (MARKETPLACE_SMTP_URL; unset, to the log) and
    cXML documents over HTTP, retrying transient failures with back-off. Bill first, when it
    starts and every day (UTC), as `marketplace billing run` does.

    `marketplace serve` runs a worker too; run more (here or on other machines sharing one
    PostgreSQL database) to deliver faster. Ctrl-C stops it after the message in hand.

    \b
    Example:
      marketplace worker --once
    """
    settings = state().settings()
    configure_logging(settings.log_format, settings.log_level)
    with open_store(state().database_url()) as database:
        runner = Worker(
            database.unit_of_work,
            senders_for(settings, database.unit_of_work),
            billing=billing_for(settings),
        )
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
            runner.run(on_round=lambda report: note(_summary(report)))
        except KeyboardInterrupt:
            runner.stop()
            note("Worker: stopped.")


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
