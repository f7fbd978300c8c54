"""How charges become lines of the cart returned to the procurement system.

The rule procurement systems are told to expect (UNSPSC codes let them map lines to
purchasing categories; the ``LineType`` extrinsic carries the type itself):

===========  ========  =====================================  ===============================
type         UNSPSC    when                                   quantity and unit price
===========  ========  =====================================  ===============================
Service      81162000  exactly one charge, not usage-based    1 at the whole amount
                       (a contract's upfront charge, or $0)   (one invoice against the line)
Material     43232701  any usage charge, or several charges   amount / 0.01 at $0.01
                       (e.g. instalments)                     (several invoices allowed)
===========  ========  =====================================  ===============================

In **single-line** mode (the default) all the charges of a request make one line, classified
as above. In **split** mode usage charges get a Material line of their own and the other
charges are one line classified by the same rule.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from marketplace.domain.charges import Charge, to_cents

__all__ = [
    "MATERIAL_UNIT_PRICE",
    "UNSPSC_MATERIAL",
    "UNSPSC_SERVICE",
    "CartLine",
    "LineType",
    "cart_lines",
    "classify",
]

UNSPSC_SERVICE = "81162000"  # IT service delivery
UNSPSC_MATERIAL = "43232701"  # software
MATERIAL_UNIT_PRICE = Decimal("0.01")


class LineType(enum.Enum):
    """The ``LineType`` extrinsic of a cart line."""

    SERVICE = "Service"
    MATERIAL = "Material"

    @property
    def unspsc(self) -> str:
        """The line's UNSPSC classification."""
        return UNSPSC_SERVICE if self is LineType.SERVICE else UNSPSC_MATERIAL


@dataclass(frozen=True, slots=True)
class CartLine:
    """One line of the cart: its type, quantity, unit price and the charges it stands for."""

    line_type: LineType
    quantity: int
    unit_price: Decimal
    charges: tuple[Charge, ...]

    @property
    def unspsc(self) -> str:
        """81162000 for Service lines, 43232701 for Material lines."""
        return self.line_type.unspsc

    @property
    def amount(self) -> Decimal:
        """Quantity x unit price: exactly the sum of the line's charges."""
        return to_cents(self.unit_price * self.quantity)


def classify(charges: Sequence[Charge]) -> LineType:
    """Service for exactly one non-usage charge, Material otherwise."""
    if len(charges) == 1 and not charges[0].kind.is_usage:
        return LineType.SERVICE
    return LineType.MATERIAL


def _line(charges: Sequence[Charge]) -> CartLine:
    total = to_cents(sum((c.amount for c in charges), Decimal(0)))
    line_type = classify(charges)
    if line_type is LineType.SERVICE:
        return CartLine(line_type, 1, total, tuple(charges))
    return CartLine(
        line_type, int(total / MATERIAL_UNIT_PRICE), MATERIAL_UNIT_PRICE, tuple(charges)
    )


def cart_lines(charges: Sequence[Charge], *, split: bool = False) -> tuple[CartLine, ...]:
    """The cart lines of a request's charges (one line unless ``split``; see the module)."""
    if not charges:
        raise ValueError("a request has at least one charge")
    if not split:
        return (_line(charges),)
    usage = [c for c in charges if c.kind.is_usage]
    other = [c for c in charges if not c.kind.is_usage]
    return tuple(_line(group) for group in (other, usage) if group)
