"""The buyer company: its built-in users (no passwords: sign in by picking one), their
approval limits, and the addresses purchase orders are shipped and billed to."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal

from sandbox.domain.errors import NotFoundError

__all__ = [
    "BILL_TO",
    "BUSINESS_UNIT",
    "COMPANY_NAME",
    "SHIP_TO",
    "USERS",
    "CompanyAddress",
    "Role",
    "User",
    "approvers",
    "find_user",
]

COMPANY_NAME = "Acme Corp"
BUSINESS_UNIT = "ACME-US"


class Role(enum.Enum):
    """What a user does in the procurement system."""

    REQUESTER = "requester"
    APPROVER = "approver"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True, kw_only=True)
class User:
    """A built-in user; ``approval_limit`` is None for approvers without a limit."""

    email: str
    first_name: str
    last_name: str
    role: Role
    title: str
    approval_limit: Decimal | None = None

    @property
    def name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}"

    @property
    def login(self) -> str:
        """The login name (Coupa's ``UniqueName``): the part of the e-mail before the ``@``."""
        return self.email.split("@", 1)[0]

    @property
    def is_approver(self) -> bool:
        """True for users who approve requisitions."""
        return self.role is Role.APPROVER


USERS: tuple[User, ...] = (
    User(
        email="dana@acme.example",
        first_name="Dana",
        last_name="Okafor",
        role=Role.REQUESTER,
        title="Platform engineer (requester)",
    ),
    User(
        email="priya@acme.example",
        first_name="Priya",
        last_name="Raman",
        role=Role.APPROVER,
        title="Engineering manager (approves up to $10,000)",
        approval_limit=Decimal("10000"),
    ),
    User(
        email="sam@acme.example",
        first_name="Sam",
        last_name="Whitfield",
        role=Role.APPROVER,
        title="Chief financial officer (approves any amount)",
    ),
    User(
        email="alex@acme.example",
        first_name="Alex",
        last_name="Kim",
        role=Role.ADMIN,
        title="Procurement administrator (sets up suppliers)",
    ),
)


def find_user(email: str) -> User:
    """The built-in user with this e-mail (any case), or NotFoundError."""
    wanted = email.strip().casefold()
    for user in USERS:
        if user.email.casefold() == wanted:
            return user
    raise NotFoundError(f"There is no user {email!r} in this sandbox.")


def approvers() -> tuple[User, ...]:
    """The approvers, lowest limit first (no limit last)."""
    found = [user for user in USERS if user.is_approver]
    return tuple(sorted(found, key=lambda u: (u.approval_limit is None, u.approval_limit or 0)))


@dataclass(frozen=True, slots=True, kw_only=True)
class CompanyAddress:
    """A company address (Coupa sends its address id as ``addressID``)."""

    address_id: str
    name: str
    streets: tuple[str, ...]
    city: str
    state: str
    postal_code: str
    country: str = "United States"
    iso_country_code: str = "US"
    deliver_to: str | None = None
    email: str | None = None


SHIP_TO = CompanyAddress(
    address_id="SHIP-0042",
    name="Acme HQ",
    streets=("500 Market Street",),
    city="San Francisco",
    state="CA",
    postal_code="94105",
    deliver_to="IT Receiving",
    email="receiving@acme.example",
)
BILL_TO = CompanyAddress(
    address_id="BILL-01",
    name="Acme Corp Accounts Payable",
    streets=("PO Box 1000",),
    city="San Francisco",
    state="CA",
    postal_code="94105",
    email="ap@acme.example",
)
