import json
from collections.abc import Callable
from typing import Any

import pytest
from cli_support import FakeStorage, Invoke


@pytest.fixture
def seed_catalog(monkeypatch: pytest.MonkeyPatch, storage: FakeStorage) -> list[dict[str, Any]]:
    """Replace ``seed_catalog`` by a fake that reports progress per batch and adds products."""
    calls: list[dict[str, Any]] = []

    def fake(uow_factory: Callable[[], Any], count: int, **options: Any) -> int:
        calls.append({"count": count, **options})
        done = 0
        while done < count:
            done = min(done + options["batch_size"], count)
            options["progress"](done)
        storage.databases[-1].catalog.products += count
        return count

    monkeypatch.setattr("marketplace.services.catalog.seed_catalog", fake)
    return calls


def test_catalog_seed_adds_the_products_and_reports_the_total(
    invoke: Invoke, seed_catalog: list[dict[str, Any]]
) -> None:
    result = invoke("catalog", "seed", "--products", "2500")

    assert result.exit_code == 0
    assert seed_catalog[0]["count"] == 2500
    assert seed_catalog[0]["seed"] == 7
    assert result.stdout.startswith("Added 2,500 products in ")
    assert result.stdout.endswith("the catalog now holds 2,500 products.\n")


def test_catalog_seed_passes_the_seed_and_batch_size(
    invoke: Invoke, seed_catalog: list[dict[str, Any]]
) -> None:
    invoke("catalog", "seed", "--products", "10", "--seed", "42", "--batch-size", "3")

    assert seed_catalog[0]["seed"] == 42
    assert seed_catalog[0]["batch_size"] == 3


def test_catalog_seed_off_a_terminal_prints_a_progress_line_per_tenth_on_stderr(
    invoke: Invoke, seed_catalog: list[dict[str, Any]]
) -> None:
    result = invoke("catalog", "seed", "--products", "10000", "--batch-size", "500")

    lines = result.stderr.splitlines()
    assert len(lines) == 10
    assert lines[0].startswith("Seeding products: 1,000/10,000 products (")
    assert lines[-1].startswith("Seeding products: 10,000/10,000 products (")
    assert all(line.endswith("products/s)") for line in lines)


def test_catalog_seed_json_prints_one_object_and_keeps_progress_on_stderr(
    invoke: Invoke, seed_catalog: list[dict[str, Any]]
) -> None:
    result = invoke("catalog", "seed", "--products", "200", "--json")

    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["added"] == 200
    assert document["total"] == 200
    assert document["seconds"] >= 0
    assert "200/200" in result.stderr


@pytest.mark.parametrize("count", ["0", "-5", "many"])
def test_catalog_seed_refuses_a_count_that_is_not_positive(
    invoke: Invoke, seed_catalog: list[dict[str, Any]], count: str
) -> None:
    result = invoke("catalog", "seed", "--products", count)

    assert result.exit_code == 2
    assert "--products" in result.stderr
    assert seed_catalog == []


def test_catalog_seed_refuses_a_database_that_needs_migrating(
    invoke: Invoke, seed_catalog: list[dict[str, Any]], storage: FakeStorage
) -> None:
    storage.up_to_date = False

    result = invoke("catalog", "seed", "--products", "5")

    assert result.exit_code == 1
    assert "run `marketplace db upgrade`" in result.stderr
    assert seed_catalog == []
