"""An invoice's lines as JSON text, and back.

As in ``punchout_records`` and ``order_records``, amounts go in as their exact decimal
strings, so they come back as the very same ``Decimal``:
``[{"number": int, "description": str, "quantity": "decimal", "unit_price": "decimal",
"amount": "decimal", "supplier_part_id": str, "purchase_order_line": int | null,
"unit_of_measure": str}]``, in order.

Only the standard library and the domain: the in-memory fakes reuse these to give values
back exactly as storage does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal

from marketplace.domain.billing import InvoiceLine

__all__ = ["invoice_lines_from_json", "invoice_lines_json"]


def invoice_lines_json(lines: Iterable[InvoiceLine]) -> str:
    """The invoice lines as a JSON list, in order."""
    return json.dumps(
        [
            {
                "number": line.number,
                "description": line.description,
                "quantity": str(line.quantity),
                "unit_price": str(line.unit_price),
                "amount": str(line.amount),
                "supplier_part_id": line.supplier_part_id,
                "purchase_order_line": line.purchase_order_line,
                "unit_of_measure": line.unit_of_measure,
            }
            for line in lines
        ]
    )


def invoice_lines_from_json(text: str) -> tuple[InvoiceLine, ...]:
    """The invoice lines :func:`invoice_lines_json` wrote."""
    return tuple(
        InvoiceLine(
            number=values["number"],
            description=values["description"],
            quantity=Decimal(values["quantity"]),
            unit_price=Decimal(values["unit_price"]),
            amount=Decimal(values["amount"]),
            supplier_part_id=values["supplier_part_id"],
            purchase_order_line=values["purchase_order_line"],
            unit_of_measure=values["unit_of_measure"],
        )
        for values in json.loads(text)
    )
