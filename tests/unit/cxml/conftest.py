"""Fixtures for the cxml tests: the official DTDs (missing fails, never skips), both readers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

import cxml
from cxml import parser

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = Path(__file__).resolve().parent / "samples"


def dtd_dir() -> Path:
    """The folder of official DTDs: $CXML_DTD_DIR, else ../shared/cxml-dtd beside the project."""
    configured = os.environ.get("CXML_DTD_DIR")
    return Path(configured) if configured else ROOT.parent / "shared" / "cxml-dtd"


@pytest.fixture(scope="session")
def dtd_catalog() -> cxml.DtdCatalog:
    folder = dtd_dir()
    if not (folder / "1.2.014" / "cXML.dtd").is_file():
        pytest.fail(f"the official cXML DTDs are missing: expected them in {folder}")
    return cxml.DtdCatalog(folder)


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES


@pytest.fixture(scope="module", autouse=True, params=["speedups", "lxml-elements"])
def reader(request: pytest.FixtureRequest) -> Iterator[str]:
    """Every cxml test runs twice: reading the C-level copy of the tree, and lxml's elements.

    The readers are one implementation over both (cxml.reading._speedups); the second run is
    what a machine without a C compiler gets. Module-scoped, so hypothesis tests can use it.
    """
    mode: str = request.param
    if mode == "speedups":
        yield mode
        return
    saved = parser._copy_tree
    parser._copy_tree = None
    try:
        yield mode
    finally:
        parser._copy_tree = saved
