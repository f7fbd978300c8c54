"""Requisition and PO lines share their columns."""

from __future__ import annotations

import dataclasses
from typing import Any

from sandbox.domain.requisitions import Line

__all__ = ["line_from_row", "line_values"]


def line_values(line: Line) -> dict[str, Any]:
    """The columns of ``line``."""
    return {field.name: getattr(line, field.name) for field in dataclasses.fields(line)}


def line_from_row(row: Any) -> Line:
    """The line in a row of ``requisition_lines`` or ``po_lines``."""
    return Line(**{field.name: getattr(row, field.name) for field in dataclasses.fields(Line)})
