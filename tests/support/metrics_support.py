"""Reading ``/metrics``: the value of one series of Prometheus's text format."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

__all__ = ["sample", "series"]


def series(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of the exposition: (name, labels) → value."""
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def sample(text: str, name: str, **labels: str) -> float | None:
    """The value of the series ``name{labels}`` (exactly those labels), None when absent."""
    return series(text).get((name, frozenset(labels.items())))
