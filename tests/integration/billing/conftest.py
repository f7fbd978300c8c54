"""Fixtures of the billing acceptance tests: settings over the test's database (SQLite and
PostgreSQL, from tests/integration/conftest.py), an invoice receiver on loopback, and a Coupa
buyer whose connection invoices to it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from billing_receiver import (
    CoupaBuyer,
    Receiver,
    add_billing_catalog,
    coupa_buyer,
    invoice_receiver,
)
from punchout_web import SECRET

from marketplace.config import Settings
from marketplace.services.secret_box import FernetSecretBox
from marketplace.storage.database import Database


@pytest.fixture
def environ(database_url: str, tmp_path: Path) -> dict[str, str]:
    """The environment ``marketplace`` runs with over the test's database."""
    return {
        "MARKETPLACE_DATABASE_URL": database_url,
        "MARKETPLACE_SECRET_KEY": "billing-integration-tests",
        "MARKETPLACE_VAR_DIR": str(tmp_path / "var"),
        "MARKETPLACE_BASE_URL": "https://market.example",
        "MARKETPLACE_DEMO": "0",
    }


@pytest.fixture
def settings(environ: dict[str, str]) -> Settings:
    return Settings.from_env(environ)


@pytest.fixture
def box(settings: Settings) -> FernetSecretBox:
    """The box the worker opens connection secrets with (the settings' secret key)."""
    return FernetSecretBox([settings.secret_key.reveal()])


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with invoice_receiver() as listening:
        yield listening


@pytest.fixture
def buyer(database: Database, box: FernetSecretBox, receiver: Receiver) -> CoupaBuyer:
    """Acme with Coupa in production and a connection invoicing to the receiver."""
    add_billing_catalog(database.unit_of_work)
    return coupa_buyer(database.unit_of_work, box, receiver.url, secret=SECRET)
