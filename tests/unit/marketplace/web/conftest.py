"""Fixtures for the web unit tests: the app over an in-memory database, and signed-in users."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import storage_builders as build
from fast_passwords import use_cheap_password_hashing
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_support import FakeDatabase, People, make_people

from marketplace.config import Settings
from marketplace.domain.catalog import (
    Dimension,
    DimensionKind,
    Instalment,
    PricingModel,
    Product,
)
from marketplace.services import demo
from marketplace.web.app import create_app


def rich_product() -> Product:
    """ "Observability Suite": a contract, a flexible payment schedule and a free trial."""
    contract = build.offer(
        "prod-rich",
        id="offer-contract",
        name="Team contract",
        dimensions=(
            Dimension(
                key="users",
                name="Users",
                unit="user",
                price=Decimal("1200"),
                kind=DimensionKind.CONTRACT,
            ),
            Dimension(
                key="gb",
                name="Data ingested",
                unit="GB",
                price=Decimal("0.10"),
                kind=DimensionKind.USAGE,
            ),
        ),
        durations=(1, 12, 24, 36),
    )
    schedule = build.offer(
        "prod-rich",
        id="offer-schedule",
        name="Enterprise agreement",
        pricing_model=PricingModel.FLEXIBLE_PAYMENT,
        is_default=False,
        durations=(36,),
        instalments=(
            Instalment(month_offset=0, amount=Decimal("50000")),
            Instalment(month_offset=12, amount=Decimal("25000.50")),
        ),
    )
    trial = build.offer(
        "prod-rich",
        id="offer-trial",
        name="Try it first",
        pricing_model=PricingModel.FREE_TRIAL,
        is_default=False,
        trial_days=30,
        durations=(),
    )
    return build.product(
        "prod-rich",
        long_description="First paragraph about telemetry.\n\nSecond paragraph about alerts.",
        offers=(contract, schedule, trial),
    )


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    use_cheap_password_hashing(monkeypatch)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env(
        {
            "MARKETPLACE_VAR_DIR": str(tmp_path / "var"),
            "MARKETPLACE_SECRET_KEY": "test-secret-key-for-the-web-tests",
            "MARKETPLACE_BASE_URL": "https://market.example",
        }
    )


@pytest.fixture
def database() -> FakeDatabase:
    db = FakeDatabase()
    with db.unit_of_work() as uow:
        uow.catalog.add_sellers([build.seller(), *demo.generate_sellers()])
        uow.catalog.add_products([rich_product(), *demo.generate_products(45)])
        uow.commit()
    return db


@pytest.fixture
def app(settings: Settings, database: FakeDatabase) -> FastAPI:
    return create_app(settings, database=database)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="https://market.example") as test_client:
        yield test_client


@pytest.fixture
def people(database: FakeDatabase) -> People:
    return make_people(database)
