from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from cli_support import FakeStorage, Invoke

from marketplace.config import Settings
from marketplace.services.demo import DemoInfo
from marketplace.worker.runner import DailyBilling

DEMO = DemoInfo(
    organization_id="o-demo000001",
    organization_name="Demo Buyer Corp",
    management_account_id="111111111111",
    member_account_id="222222222222",
    admin_email="admin@demo-buyer.example",
    member_admin_email="engineering-admin@demo-buyer.example",
    buyer_email="buyer@demo-buyer.example",
    password="marketplace-demo",
    products=500,
    created=True,
)


class Server:
    """Records what ``serve`` hands to the demo seeding, the app factory and uvicorn."""

    def __init__(self, storage: FakeStorage) -> None:
        self.storage = storage
        self.seeded = 0
        self.settings: Settings | None = None
        self.run: dict[str, Any] = {}
        self.options: dict[str, Any] = {}
        self.environ: dict[str, str] = {}

    def seed_demo(self, uow_factory: Any) -> DemoInfo:
        self.storage.calls.append("seed_demo")
        self.seeded += 1
        return DEMO

    def create_app(self, settings: Settings) -> str:
        self.storage.calls.append("create_app")
        self.settings = settings
        return "the app"

    def configure_logging(self, log_format: str, level: str) -> None:
        self.storage.calls.append(f"configure_logging({log_format}, {level})")

    def uvicorn_run(self, app: str, *, host: str, port: int, **options: Any) -> None:
        self.storage.calls.append("uvicorn.run")
        self.run = {"app": app, "host": host, "port": port}
        self.options = options
        self.environ = dict(os.environ)  # what spawned app processes would start with


class FakeWorker:
    """Stands in for the outbox worker thread ``serve`` starts beside the app."""

    def __init__(self, storage: FakeStorage) -> None:
        self.storage = storage
        self.billing: DailyBilling | None = None
        self.lease: dt.timedelta | None = None
        self.environ_after: dict[str, str] = {}

    def __call__(
        self, units: Any, senders: Any, *, billing: DailyBilling | None, lease: dt.timedelta
    ) -> FakeWorker:
        self.billing = billing
        self.lease = lease
        return self

    def start_thread(self) -> None:
        self.storage.calls.append("worker.start")

    def stop(self) -> None:
        self.storage.calls.append("worker.stop")
        self.environ_after = dict(os.environ)  # once uvicorn.run has returned


@pytest.fixture
def worker(storage: FakeStorage) -> FakeWorker:
    return FakeWorker(storage)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch, storage: FakeStorage, worker: FakeWorker) -> Server:
    fake = Server(storage)
    monkeypatch.setattr("marketplace.services.demo.seed_demo", fake.seed_demo)
    monkeypatch.setattr("marketplace.cli.serve.create_app", fake.create_app)
    monkeypatch.setattr("marketplace.cli.serve.uvicorn.run", fake.uvicorn_run)
    monkeypatch.setattr("marketplace.cli.serve.Worker", worker)
    monkeypatch.setattr("marketplace.cli.serve.configure_logging", fake.configure_logging)
    return fake


def test_serve_migrates_then_seeds_the_demo_then_serves(
    invoke: Invoke, server: Server, storage: FakeStorage
) -> None:
    result = invoke("serve")

    assert result.exit_code == 0, result.output
    assert storage.upgraded == ["sqlite:///unit.db"]
    assert [call for call in storage.calls if call != "open_database"] == [
        "configure_logging(text, INFO)",
        "upgrade",
        "seed_demo",
        "worker.start",
        "create_app",
        "uvicorn.run",
        "worker.stop",
    ]
    assert server.run == {"app": "the app", "host": "127.0.0.1", "port": 8000}


def test_serve_sets_up_logging_first_and_starts_uvicorn_with_timeouts(
    invoke: Invoke, server: Server, storage: FakeStorage
) -> None:
    result = invoke("serve", env={"MARKETPLACE_LOG_FORMAT": "json"})

    assert result.exit_code == 0, result.output
    assert storage.calls[0] == "configure_logging(json, INFO)"
    assert server.options == {
        "log_config": None,  # uvicorn logs through ours (JSON here, secrets masked)
        "timeout_keep_alive": 5,
        "timeout_graceful_shutdown": 30,
    }


def test_serve_bills_daily_with_the_base_url_host_and_the_tax_rate(
    invoke: Invoke, server: Server, worker: FakeWorker
) -> None:
    env = {"MARKETPLACE_BASE_URL": "https://market.example.com", "MARKETPLACE_TAX_RATE": "0.2"}

    result = invoke("serve", env=env)

    assert result.exit_code == 0, result.output
    assert worker.billing == DailyBilling(host="market.example.com", tax_rate=Decimal("0.2"))


def test_serve_no_worker_leaves_delivery_to_marketplace_worker(
    invoke: Invoke, server: Server, storage: FakeStorage
) -> None:
    result = invoke("serve", "--no-worker")

    assert result.exit_code == 0, result.output
    assert "worker.start" not in storage.calls
    assert "uvicorn.run" in storage.calls


def test_serve_prints_each_step_and_the_demo_sign_in(invoke: Invoke, server: Server) -> None:
    result = invoke("serve", "--port", "8123")

    assert result.stdout.splitlines() == [
        "Database: migrating sqlite:///unit.db …",
        "Database: up to date (revision 0001_head).",
        "Demo data: seeding the demo buyer organization and catalog …",
        "Demo data: created (Demo Buyer Corp o-demo000001, 500 products).",
        "Demo sign-in at http://127.0.0.1:8123/signin, password marketplace-demo",
        "  procurement administrator  admin@demo-buyer.example",
        "  member account admin       engineering-admin@demo-buyer.example",
        "  buyer                      buyer@demo-buyer.example",
        "Marketplace on http://127.0.0.1:8123/ (Ctrl-C to stop)",
        "Worker: delivering the outbox in this process (--no-worker to leave it out).",
    ]


def test_serve_flags_override_the_environment_for_the_app_too(
    invoke: Invoke, server: Server
) -> None:
    result = invoke(
        "serve",
        "--host",
        "0.0.0.0",
        "--port",
        "9001",
        env={"MARKETPLACE_HOST": "10.0.0.1", "MARKETPLACE_PORT": "7000"},
    )

    assert result.exit_code == 0, result.output
    assert server.run["host"] == "0.0.0.0"
    assert server.run["port"] == 9001
    assert server.settings is not None
    assert server.settings.base_url == "http://0.0.0.0:9001"


@pytest.mark.parametrize(("args", "env"), [(("--no-demo",), {}), ((), {"MARKETPLACE_DEMO": "0"})])
def test_serve_without_the_demo_migrates_and_serves_only(
    invoke: Invoke,
    server: Server,
    storage: FakeStorage,
    args: tuple[str, ...],
    env: dict[str, str],
) -> None:
    result = invoke("serve", *args, env=env)

    assert result.exit_code == 0, result.output
    assert server.seeded == 0
    assert storage.upgraded == ["sqlite:///unit.db"]
    assert "Demo data: skipped" in result.stdout
    assert "sign-in" not in result.stdout
    assert server.run["port"] == 8000


def test_serve_refuses_a_port_out_of_range(invoke: Invoke, server: Server) -> None:
    result = invoke("serve", "--port", "70000")

    assert result.exit_code == 2
    assert "--port" in result.stderr
    assert server.run == {}


def test_serve_reports_a_bad_port_in_the_environment_in_one_line(
    invoke: Invoke, server: Server, storage: FakeStorage
) -> None:
    result = invoke("serve", env={"MARKETPLACE_PORT": "eighty"})

    assert result.exit_code == 1
    assert result.stderr == "error: MARKETPLACE_PORT must be a number, not 'eighty'\n"
    assert storage.calls == []


# -- several app processes (--workers) -------------------------------------------------------

POSTGRES = {"MARKETPLACE_DATABASE_URL": "postgresql+psycopg://db.internal/marketplace"}


def test_serve_workers_refuses_sqlite_in_one_line_before_doing_anything(
    invoke: Invoke, server: Server, storage: FakeStorage
) -> None:
    result = invoke("serve", "--workers", "2")

    assert result.exit_code == 1
    assert result.stderr.startswith("error: --workers 2 needs PostgreSQL")
    assert storage.calls == []


def test_serve_workers_migrates_and_seeds_once_then_has_uvicorn_spawn_the_app_processes(
    invoke: Invoke, server: Server, storage: FakeStorage
) -> None:
    result = invoke("serve", "--workers", "3", "--port", "9001", env=POSTGRES)

    assert result.exit_code == 0, result.output
    assert [call for call in storage.calls if call != "open_database"] == [
        "configure_logging(text, INFO)",
        "upgrade",
        "seed_demo",
        "worker.start",  # one worker thread, in this process beside uvicorn's supervisor
        "uvicorn.run",
        "worker.stop",
    ]
    assert server.run == {"app": "marketplace.web.app:app_from_env", "host": "127.0.0.1",
                          "port": 9001}  # fmt: skip
    assert (server.options["factory"], server.options["workers"]) == (True, 3)
    assert server.options["timeout_graceful_shutdown"] == 30
    assert "App processes: 3, sharing port 9001." in result.stdout


def test_serve_workers_hands_the_flags_and_a_metrics_folder_to_the_app_processes(
    invoke: Invoke, server: Server, worker: FakeWorker
) -> None:
    env = {**POSTGRES, "MARKETPLACE_PORT": "7000", "MARKETPLACE_LOG_FORMAT": "json"}

    result = invoke("--database-url", "postgresql://db.other/m", "serve", "--workers", "2",
                    "--port", "9001", "--no-demo", env=env)  # fmt: skip

    assert result.exit_code == 0, result.output
    children = server.environ
    assert children["MARKETPLACE_PORT"] == "9001"
    assert children["MARKETPLACE_DATABASE_URL"] == "postgresql://db.other/m"
    assert children["MARKETPLACE_LOG_FORMAT"] == "json"
    metrics_dir = Path(children["PROMETHEUS_MULTIPROC_DIR"])
    assert metrics_dir.name.startswith("marketplace-metrics-")
    assert not metrics_dir.exists(), "the temporary metrics folder is removed on the way out"
    restored = worker.environ_after  # this process's own environment, after uvicorn.run
    assert "PROMETHEUS_MULTIPROC_DIR" not in restored
    assert restored["MARKETPLACE_PORT"] == "7000"


def test_serve_workers_keeps_a_metrics_folder_the_operator_chose(
    invoke: Invoke, server: Server, tmp_path: Path
) -> None:
    env = {**POSTGRES, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}

    result = invoke("serve", "--workers", "2", "--no-worker", env=env)

    assert result.exit_code == 0, result.output
    assert server.environ["PROMETHEUS_MULTIPROC_DIR"] == str(tmp_path)
    assert tmp_path.is_dir()


def test_serve_with_one_worker_serves_the_app_in_this_process(
    invoke: Invoke, server: Server
) -> None:
    result = invoke("serve", "--workers", "1", env=POSTGRES)

    assert result.exit_code == 0, result.output
    assert server.run["app"] == "the app"
    assert "workers" not in server.options
