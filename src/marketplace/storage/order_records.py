"""A purchase order's lines, and an agreement's purchase order line numbers, as JSON text.

As in ``punchout_records`` (which gives an agreement's choice and charges, and the strings
of an order's agreement ids), amounts go in as their exact decimal strings, so they come
back as the very same ``Decimal``:

- order lines: ``[{"line_number": int, "supplier_part_id": str, "request_id": str | null,
  "quantity": "decimal", "unit_price": "decimal" | null, "currency": str | null,
  "description": str}]``, in order;
- line numbers: ``[int, …]``, in order.

Only the standard library and the domain: the in-memory fakes reuse these to give values
back exactly as storage does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal

from marketplace.domain.orders import OrderLine

__all__ = [
    "line_numbers_from_json",
    "line_numbers_json",
    "order_lines_from_json",
    "order_lines_json",
]


def order_lines_json(lines: Iterable[OrderLine]) -> str:
    """The order lines as a JSON list, in order."""
    return json.dumps(
        [
            {
                "line_number": line.line_number,
                "supplier_part_id": line.supplier_part_id,
                "request_id": line.request_id,
                "quantity": str(line.quantity),
                "unit_price": None if line.unit_price is None else str(line.unit_price),
                "currency": line.currency,
                "description": line.description,
            }
            for line in lines
        ]
    )


def order_lines_from_json(text: str) -> tuple[OrderLine, ...]:
    """The order lines :func:`order_lines_json` wrote."""
    return tuple(
        OrderLine(
            line_number=values["line_number"],
            supplier_part_id=values["supplier_part_id"],
            request_id=values["request_id"],
            quantity=Decimal(values["quantity"]),
            unit_price=None if values["unit_price"] is None else Decimal(values["unit_price"]),
            currency=values["currency"],
            description=values["description"],
        )
        for values in json.loads(text)
    )


def line_numbers_json(numbers: Iterable[int]) -> str:
    """Line numbers as a JSON list, in order."""
    return json.dumps(list(numbers))


def line_numbers_from_json(text: str) -> tuple[int, ...]:
    """The line numbers :func:`line_numbers_json` wrote."""
    return tuple(json.loads(text))
