"""A subscription request's choice, charges and cart lines as JSON text, and back.

Money goes in as its exact decimal string (``"1234.56"``, ``"0.01"``), so it comes back as
the very same ``Decimal``; the rest is plain JSON:

- choice: ``{"duration_months": int | null, "quantities": {key: int},
  "usage_budget": "decimal" | null, "annual": bool}`` (quantities keep their order);
- charges: ``[{"kind": ChargeKind value, "label": str, "amount": "decimal",
  "due_month": int}]``;
- lines: ``[{"line_type": LineType value, "quantity": int, "unit_price": "decimal",
  "charges": [charge, …]}]``, each line's charges written out in full (a line always
  round-trips, whether or not its charges are the request's).

A session's extrinsics are ``[[name, value], …]`` (order kept), its request ids ``[id, …]``.
Only the standard library and the domain: the in-memory fakes reuse these to give values
back exactly as storage does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from marketplace.domain.charges import Charge, ChargeKind, OfferChoice
from marketplace.domain.line_items import CartLine, LineType

__all__ = [
    "charges_from_json",
    "charges_json",
    "choice_from_json",
    "choice_json",
    "extrinsics_from_json",
    "extrinsics_json",
    "lines_from_json",
    "lines_json",
    "strings_from_json",
    "strings_json",
]


def choice_json(choice: OfferChoice) -> str:
    """The choice as a JSON object (the budget as its exact decimal string)."""
    return json.dumps(
        {
            "duration_months": choice.duration_months,
            "quantities": dict(choice.quantities),
            "usage_budget": None if choice.usage_budget is None else str(choice.usage_budget),
            "annual": choice.annual,
        }
    )


def choice_from_json(text: str) -> OfferChoice:
    """The choice :func:`choice_json` wrote."""
    values = json.loads(text)
    budget = values["usage_budget"]
    return OfferChoice(
        duration_months=values["duration_months"],
        quantities=dict(values["quantities"]),
        usage_budget=None if budget is None else Decimal(budget),
        annual=values["annual"],
    )


def _charge(charge: Charge) -> dict[str, Any]:
    return {
        "kind": charge.kind.value,
        "label": charge.label,
        "amount": str(charge.amount),
        "due_month": charge.due_month,
    }


def _charge_from(values: dict[str, Any]) -> Charge:
    return Charge(
        ChargeKind(values["kind"]), values["label"], Decimal(values["amount"]), values["due_month"]
    )


def charges_json(charges: Iterable[Charge]) -> str:
    """The charges as a JSON list, in order."""
    return json.dumps([_charge(charge) for charge in charges])


def charges_from_json(text: str) -> tuple[Charge, ...]:
    """The charges :func:`charges_json` wrote."""
    return tuple(_charge_from(values) for values in json.loads(text))


def lines_json(lines: Iterable[CartLine]) -> str:
    """The cart lines as a JSON list, in order, each with its charges."""
    return json.dumps(
        [
            {
                "line_type": line.line_type.value,
                "quantity": line.quantity,
                "unit_price": str(line.unit_price),
                "charges": [_charge(charge) for charge in line.charges],
            }
            for line in lines
        ]
    )


def lines_from_json(text: str) -> tuple[CartLine, ...]:
    """The cart lines :func:`lines_json` wrote."""
    return tuple(
        CartLine(
            LineType(values["line_type"]),
            values["quantity"],
            Decimal(values["unit_price"]),
            tuple(_charge_from(charge) for charge in values["charges"]),
        )
        for values in json.loads(text)
    )


def extrinsics_json(extrinsics: Iterable[tuple[str, str]]) -> str:
    """Name/value pairs as a JSON list of pairs, in order (names may repeat)."""
    return json.dumps([[name, value] for name, value in extrinsics])


def extrinsics_from_json(text: str) -> tuple[tuple[str, str], ...]:
    """The pairs :func:`extrinsics_json` wrote."""
    return tuple((name, value) for name, value in json.loads(text))


def strings_json(values: Iterable[str]) -> str:
    """Strings as a JSON list, in order."""
    return json.dumps(list(values))


def strings_from_json(text: str) -> tuple[str, ...]:
    """The strings :func:`strings_json` wrote."""
    return tuple(json.loads(text))
