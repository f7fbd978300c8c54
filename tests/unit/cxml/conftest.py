"""Fixtures for the cxml tests: the official DTDs (a missing folder fails, never skips)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import cxml

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
