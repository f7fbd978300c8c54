"""``marketplace catalog``: the product catalog (a deterministic demo catalog for now)."""

from __future__ import annotations

import time

import click

from marketplace.cli.context import open_store, state
from marketplace.cli.errors import MarketplaceGroup
from marketplace.cli.output import emit_json, progress_reporter
from marketplace.services import catalog as catalog_services

__all__ = ["catalog"]


@click.group(cls=MarketplaceGroup)
def catalog() -> None:
    """The product catalog."""


@catalog.command()
@click.option(
    "--products",
    "count",
    type=click.IntRange(1, 10_000_000),
    default=1000,
    show_default=True,
    help="How many products to add.",
)
@click.option(
    "--seed",
    "random_seed",
    type=int,
    default=7,
    show_default=True,
    help="The same seed always gives the same products.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(1, 100_000),
    default=1000,
    show_default=True,
    help="Products stored per transaction.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (progress on stderr).")
def seed(count: int, random_seed: int, batch_size: int, as_json: bool) -> None:
    """Add a deterministic, realistic demo catalog: sellers, products and their offers.

    Every pricing model and delivery method is represented. Progress is shown on stderr
    (a bar on a terminal, a line per tenth otherwise); the total is printed at the end.

    \b
    Example:
      marketplace catalog seed --products 100000
    """
    with open_store(state().database_url()) as database:
        started = time.monotonic()
        with progress_reporter(count, label="Seeding products", unit="products") as report:
            added = catalog_services.seed_catalog(
                database.unit_of_work,
                count,
                seed=random_seed,
                batch_size=batch_size,
                progress=report,
            )
        # Merge the search index and refresh statistics after a bulk load: searches at
        # 100,000 products take half the time afterwards.
        database.optimize()
        seconds = time.monotonic() - started
        with database.unit_of_work() as uow:
            total = uow.catalog.count_products()
    if as_json:
        emit_json({"added": added, "total": total, "seconds": round(seconds, 3)})
        return
    rate = f"{added / seconds:,.0f}" if seconds > 0 else "-"
    click.echo(
        f"Added {added:,} products in {seconds:,.1f} s ({rate} products/s); "
        f"the catalog now holds {total:,} products."
    )
