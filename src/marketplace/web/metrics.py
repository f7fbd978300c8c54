"""Prometheus metrics at ``/metrics`` (text exposition format).

Counted by this process (``_total`` counters and histograms; per process unless
``PROMETHEUS_MULTIPROC_DIR`` is set, see below)::

    marketplace_http_requests_total{route,method,status}
    marketplace_http_request_duration_seconds{route}          histogram
    marketplace_cxml_documents_total{type,status_code}        cXML requests answered
    marketplace_outbox_attempts_total{kind,outcome}           this process's worker
    process_*, python_*                                       the interpreter's own

``route`` is the route's template (``/products/{product_id}``), never the raw path (unmatched
paths are ``unmatched``), so the series stay few.

Read from the database at each scrape (the same from every process that shares it), by
:class:`DatabaseCollector` through ``services.monitoring.take_snapshot``::

    marketplace_orders_received_total{test}                   purchase orders, every version
    marketplace_agreements{status}
    marketplace_invoices_total{kind}
    marketplace_outbox_pending_messages{kind}
    marketplace_outbox_oldest_due_age_seconds
    marketplace_delivery_attempts_total{outcome}              every worker's
    marketplace_database_up                                   1 when the figures could be read

Several app processes: each counts its own requests, and Prometheus sums the processes'
series. Behind one port (``uvicorn --workers``), set ``PROMETHEUS_MULTIPROC_DIR`` to an empty
folder before the processes start: prometheus-client then keeps the counters in files there
and ``/metrics`` adds up every process's (its multiprocess mode).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Iterator

from fastapi import APIRouter, Request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from marketplace.domain.agreements import AgreementStatus
from marketplace.domain.billing import InvoiceKind
from marketplace.domain.outbox import AttemptOutcome, MessageKind
from marketplace.services import monitoring
from marketplace.services.ports import UnitOfWorkFactory

__all__ = ["DatabaseCollector", "Metrics", "MetricsMiddleware", "router"]

_log = logging.getLogger(__name__)

UNMATCHED = "unmatched"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

router = APIRouter(include_in_schema=False)


class DatabaseCollector(Collector):
    """The database's figures, read when Prometheus scrapes (see the module docstring)."""

    def __init__(self, units: UnitOfWorkFactory) -> None:
        self._units = units

    def describe(self) -> Iterable[Metric]:
        return ()  # nothing to read at registration; the names are checked by the tests

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "marketplace_database_up", "1 when the database's figures could be read, else 0."
        )
        try:
            snapshot = monitoring.take_snapshot(self._units)
        except Exception:  # a scrape must answer even while the database is away
            _log.exception("metrics: could not read the database's figures")
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from _families(snapshot)


def _families(snapshot: monitoring.Snapshot) -> Iterator[Metric]:
    orders = CounterMetricFamily(
        "marketplace_orders_received",
        "Purchase orders received (every version), by whether they were test orders.",
        labels=["test"],
    )
    for test in (False, True):
        orders.add_metric([str(test).lower()], snapshot.orders.get(test, 0))
    yield orders
    agreements = GaugeMetricFamily(
        "marketplace_agreements", "Agreements by status.", labels=["status"]
    )
    for status in AgreementStatus:
        agreements.add_metric([status.value], snapshot.agreements.get(status, 0))
    yield agreements
    invoices = CounterMetricFamily(
        "marketplace_invoices", "Invoices (credit memos included) by kind.", labels=["kind"]
    )
    for kind in InvoiceKind:
        invoices.add_metric([kind.value], snapshot.invoices.get(kind, 0))
    yield invoices
    pending = GaugeMetricFamily(
        "marketplace_outbox_pending_messages",
        "Messages waiting to be delivered (due or not), by kind.",
        labels=["kind"],
    )
    for message_kind in MessageKind:
        pending.add_metric([message_kind.value], snapshot.pending.get(message_kind, 0))
    yield pending
    yield GaugeMetricFamily(
        "marketplace_outbox_oldest_due_age_seconds",
        "How long the longest-waiting due message has waited (0 when none is due).",
        value=snapshot.oldest_due_age,
    )
    attempts = CounterMetricFamily(
        "marketplace_delivery_attempts",
        "Delivery attempts of every worker, by outcome.",
        labels=["outcome"],
    )
    for outcome in AttemptOutcome:
        attempts.add_metric([outcome.value], snapshot.attempts.get(outcome, 0))
    yield attempts


class Metrics:
    """One app's metrics: what it counts, and the registry ``/metrics`` renders.

    ``multiprocess_dir`` (default: ``PROMETHEUS_MULTIPROC_DIR``, which prometheus-client
    itself reads when it is imported) switches to prometheus-client's multiprocess mode.
    """

    def __init__(
        self, units: UnitOfWorkFactory | None, *, multiprocess_dir: str | None = None
    ) -> None:
        if multiprocess_dir is None:
            multiprocess_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None
        self.registry = CollectorRegistry()
        # In multiprocess mode the counters write to files and are read back by the
        # MultiProcessCollector; registering them as well would count them twice.
        own = None if multiprocess_dir else self.registry
        self.requests = Counter(
            "marketplace_http_requests",
            "HTTP requests answered, by route template, method and status.",
            ["route", "method", "status"],
            registry=own,
        )
        self.duration = Histogram(
            "marketplace_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template.",
            ["route"],
            registry=own,
        )
        self.cxml_documents = Counter(
            "marketplace_cxml_documents",
            "cXML requests answered, by document type and the answer's status code.",
            ["type", "status_code"],
            registry=own,
        )
        if multiprocess_dir:
            MultiProcessCollector(self.registry, path=multiprocess_dir)  # type: ignore[no-untyped-call]
        else:
            for collector in (
                monitoring.OUTBOX_ATTEMPTS,
                PROCESS_COLLECTOR,
                PLATFORM_COLLECTOR,
                GC_COLLECTOR,
            ):
                self.registry.register(collector)
        if units is not None:
            self.registry.register(DatabaseCollector(units))

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        """Count one answered HTTP request."""
        self.requests.labels(route=route, method=method, status=str(status)).inc()
        self.duration.labels(route=route).observe(seconds)

    def count_cxml(self, document_type: str, status_code: int) -> None:
        """Count one cXML request answered with ``status_code``."""
        self.cxml_documents.labels(type=document_type, status_code=str(status_code)).inc()

    def render(self) -> bytes:
        """Every metric in Prometheus's text format."""
        return generate_latest(self.registry)


def route_of(scope: Scope) -> str:
    """The template of the route that took the request (``unmatched`` when none did)."""
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    return template if isinstance(template, str) and template else UNMATCHED


class MetricsMiddleware:
    """Counts and times every HTTP request by route template, method and status."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless a response starts

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            elapsed = time.perf_counter() - started
            method = scope["method"] if scope["method"] in _METHODS else "other"
            self.metrics.observe_request(route_of(scope), method, status, elapsed)


@router.get("/metrics")
def metrics(request: Request) -> Response:
    """The metrics in Prometheus's text format (the database's figures read now)."""
    registry: Metrics = request.app.state.metrics
    return Response(registry.render(), media_type=CONTENT_TYPE_LATEST)
