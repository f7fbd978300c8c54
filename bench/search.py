"""Catalog search latency at 10,000 and 100,000 products, beside the raw full-text query.

For each size, a fresh database is seeded through the real path (``seed_catalog``, then
``Database.optimize()``, as ``marketplace catalog seed`` does). A fixed set of 50 queries
(30 of one or two words, some of them partial; 20 with a pricing-model, delivery-method or
category filter) runs five rounds through ``search_products``, one unit of work per query,
as a page or API request does. Each query's latency is the median of its rounds (otherwise
this shared machine's scheduler hiccups decide the p95); p50 and p95 are taken over the 50
queries. The ceiling is the bare full-text query in the same database, measured the same
way: FTS5 ``MATCH ... ORDER BY rank LIMIT 20`` on SQLite, ``@@ tsquery LIMIT 20`` on
PostgreSQL.

Targets (SQLite): p95 <= 25 ms at 100,000 products, and p95 at 100,000 no more than twice
p95 at 10,000. PostgreSQL runs too when ``MARKETPLACE_TEST_POSTGRES_URL`` points at a server
that accepts connections (a throwaway database is created and dropped for each size).

    .venv/bin/python bench/search.py [--sizes 10000,100000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from dataclasses import dataclass

from sqlalchemy import text

from _databases import postgres_database, postgres_reachable, sqlite_database
from marketplace.domain.catalog import DeliveryMethod, PricingModel, SearchQuery
from marketplace.services.catalog import search_products, seed_catalog
from marketplace.storage import migrate
from marketplace.storage.database import Database, open_database
from marketplace.storage.text import parse_query

P95_CEILING_MS = 25.0
GROWTH_LIMIT = 2.0
WORDS = (
    "security", "monitoring", "data", "kubernetes", "backup", "firewall", "machine learning",
    "cost", "database", "log analytics", "identity", "observability", "gateway", "model",
    "threat detection", "vulnerability scanner", "service mesh", "llm", "budget", "migration",
    "cloud", "secu", "mon", "analytics platform", "container", "compliance", "sql",
    "etl pipeline", "zero trust", "incident response",
)  # fmt: skip
FILTERS: tuple[dict[str, object], ...] = (
    {"pricing_model": PricingModel.FREE},
    {"delivery_method": DeliveryMethod.SAAS},
    {"category": "Security"},
    {"pricing_model": PricingModel.SAAS_CONTRACT, "delivery_method": DeliveryMethod.CONTAINER},
)


def queries() -> list[SearchQuery]:
    """The fixed 50 queries: every word alone, then 20 of them with a filter."""
    rng = random.Random(1)
    found = [SearchQuery(text=word) for word in WORDS]
    for word in rng.sample(WORDS, 20):
        found.append(SearchQuery(text=word, **rng.choice(FILTERS)))  # type: ignore[arg-type]
    return found


@dataclass(frozen=True)
class Figures:
    """Latencies in milliseconds."""

    p50: float
    p95: float

    @classmethod
    def of(cls, samples: list[float]) -> Figures:
        ordered = sorted(samples)
        return cls(statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)])


def service_latencies(database: Database, batch: list[SearchQuery], rounds: int) -> Figures:
    """Each query through ``search_products``, one unit of work per call."""
    samples: list[list[float]] = [[] for _ in batch]
    for query in batch:
        search_products(database.unit_of_work(), query)  # warm the caches
    for _ in range(rounds):
        for index, query in enumerate(batch):
            started = time.perf_counter()
            search_products(database.unit_of_work(), query)
            samples[index].append((time.perf_counter() - started) * 1000)
    return Figures.of([statistics.median(times) for times in samples])


def raw_latencies(database: Database, batch: list[SearchQuery], rounds: int) -> Figures:
    """The bare full-text query for each query's words (filters ignored)."""
    sqlite = database.dialect == "sqlite"
    statement = text(
        "SELECT rowid FROM product_search WHERE product_search MATCH :q ORDER BY rank LIMIT 20"
        if sqlite
        else "SELECT s.product_pk FROM product_search AS s "
        "WHERE s.document @@ CAST(:q AS tsquery) LIMIT 20"
    )
    samples: list[list[float]] = [[] for _ in batch]
    with database.engine.connect() as connection:
        for _ in range(rounds + 1):
            for index, query in enumerate(batch):
                terms = parse_query(query.text)
                if sqlite:
                    words = [f'"{w}"' for w in terms.exact]
                    words += [f'"{terms.prefix}"*'] if terms.prefix else []
                else:
                    words = [f"'{w}'" for w in terms.exact]
                    words += [f"'{terms.prefix}':*"] if terms.prefix else []
                expression = (" AND " if sqlite else " & ").join(words)
                started = time.perf_counter()
                connection.execute(statement, {"q": expression}).fetchall()
                samples[index].append((time.perf_counter() - started) * 1000)
    return Figures.of([statistics.median(times[1:]) for times in samples])


def measure_size(label: str, url: str, size: int, rounds: int) -> Figures:
    """Seed a fresh database with ``size`` products and print its figures."""
    migrate.upgrade(url)
    database = open_database(url)
    try:
        started = time.perf_counter()
        seed_catalog(database.unit_of_work, size)
        database.optimize()
        took = time.perf_counter() - started
        batch = queries()
        service = service_latencies(database, batch, rounds)
        raw = raw_latencies(database, batch, rounds)
    finally:
        database.dispose()
    print(
        f"{label:<11}{size:>9,}  {service.p50:>8.2f}  {service.p95:>8.2f}"
        f"  {raw.p50:>12.2f}  {raw.p95:>12.2f}   (seeded in {took:.0f} s)"
    )
    return service


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="catalog sizes, ascending")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the 50 queries")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    print(f"{'backend':<11}{'products':>9}  {'p50 ms':>8}  {'p95 ms':>8}"
          f"  {'raw FTS p50':>12}  {'raw FTS p95':>12}")  # fmt: skip
    sqlite: dict[int, Figures] = {}
    for size in sizes:
        with sqlite_database("search") as url:
            sqlite[size] = measure_size("SQLite", url, size, args.rounds)
    postgres_url = os.environ.get("MARKETPLACE_TEST_POSTGRES_URL", "")
    if postgres_url and postgres_reachable(postgres_url):
        for size in sizes:
            with postgres_database(postgres_url, "search") as url:
                measure_size("PostgreSQL", url, size, args.rounds)
    else:
        print("PostgreSQL: skipped (set MARKETPLACE_TEST_POSTGRES_URL to a reachable server)")
    largest, smallest = sqlite[sizes[-1]], sqlite[sizes[0]]
    growth = largest.p95 / smallest.p95
    fast = largest.p95 <= P95_CEILING_MS
    flat = growth <= GROWTH_LIMIT
    print(f"SQLite p95 at {sizes[-1]:,}: {largest.p95:.1f} ms (target <= {P95_CEILING_MS:.0f} ms): "
          f"{'meets' if fast else 'MISSES'}")  # fmt: skip
    print(f"SQLite p95 growth {sizes[0]:,} -> {sizes[-1]:,}: x{growth:.2f} "
          f"(target <= x{GROWTH_LIMIT:.0f}): {'meets' if flat else 'MISSES'}")  # fmt: skip
    return 0 if fast and flat else 1


if __name__ == "__main__":
    raise SystemExit(main())
