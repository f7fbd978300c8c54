"""The small Protocols through which use cases reach storage (and, later, mail and HTTP).

``marketplace.storage`` implements them with SQLAlchemy (``Sql*``); unit tests use ``Fake*``
in-memory versions. A :class:`UnitOfWork` is one transaction: use it as a context manager,
call ``commit()`` to keep the work; leaving the block without committing rolls it back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

from marketplace.domain.accounts import Account, ApiKey, Organization, User
from marketplace.domain.agreements import Agreement, AgreementStatus
from marketplace.domain.audit import AuditEvent
from marketplace.domain.billing import Invoice, InvoiceKind, SellerKey, UsageRecord
from marketplace.domain.catalog import Product, SearchPage, SearchQuery, Seller
from marketplace.domain.orders import PurchaseOrder, Receipt
from marketplace.domain.outbox import (
    AttemptOutcome,
    DeliveryAttempt,
    DeliveryStatus,
    MessageKind,
    OutboxMessage,
)
from marketplace.domain.procurement import (
    ConnectionSecret,
    PortalConnection,
    ProcurementConfiguration,
)
from marketplace.domain.punchout import PunchoutSession, SubscriptionRequest

__all__ = [
    "AccountRepository",
    "AgreementRepository",
    "ApiKeyRepository",
    "AuditRepository",
    "BillingRepository",
    "CatalogRepository",
    "Clock",
    "DatabaseProbe",
    "MessageSender",
    "OrderRepository",
    "OrganizationRepository",
    "OutboxRepository",
    "ProcurementRepository",
    "PunchoutRepository",
    "RateLimitRepository",
    "SecretBox",
    "SecretResealer",
    "SendResult",
    "TokenTake",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "UserRepository",
]

Clock = Callable[[], dt.datetime]


class OrganizationRepository(Protocol):
    """Organizations by id."""

    def add(self, organization: Organization) -> None: ...

    def get(self, organization_id: str) -> Organization | None: ...


class AccountRepository(Protocol):
    """Accounts by id and by organization."""

    def add(self, account: Account) -> None: ...

    def get(self, account_id: str) -> Account | None: ...

    def list_for_organization(self, organization_id: str) -> Sequence[Account]: ...


class UserRepository(Protocol):
    """Users by id and by e-mail (unique across the marketplace, stored lower-case)."""

    def add(self, user: User) -> None: ...

    def get(self, user_id: str) -> User | None: ...

    def get_by_email(self, email: str) -> User | None: ...

    def list_for_account(self, account_id: str) -> Sequence[User]: ...


class ApiKeyRepository(Protocol):
    """API keys by their public prefix."""

    def add(self, key: ApiKey) -> None: ...

    def get(self, key_id: str) -> ApiKey | None: ...

    def get_by_prefix(self, prefix: str) -> ApiKey | None: ...

    def list_for_user(self, user_id: str) -> Sequence[ApiKey]: ...

    def revoke(self, key_id: str, at: dt.datetime) -> None: ...


class CatalogRepository(Protocol):
    """Sellers and products with their offers, and full-text search over them."""

    def add_sellers(self, sellers: Iterable[Seller]) -> None: ...

    def add_products(self, products: Iterable[Product]) -> int:
        """Store products (with offers) and index them for search; return how many."""
        ...

    def get_product(self, product_id: str) -> Product | None: ...

    def get_product_by_offer(self, offer_id: str) -> Product | None:
        """The product one of whose offers has this id, or None."""
        ...

    def search(self, query: SearchQuery) -> SearchPage:
        """Full text over title, descriptions, seller and categories, filtered, best first.

        The same query gives the same hits on every backend; only the order of equally
        relevant hits may differ. ``facets`` counts hits per ``pricing_model``,
        ``delivery_method`` and ``category`` (each ignoring its own filter).
        """
        ...

    def categories(self) -> Sequence[tuple[str, int]]:
        """Every category with its number of products, most used first."""
        ...

    def count_products(self) -> int: ...


class ProcurementRepository(Protocol):
    """Procurement configurations (one per organization), portal connections and their
    sealed secrets.

    Connections are unique by their credentials: the four values buyer domain, buyer
    identity, supplier domain and supplier identity (domains compared in any case,
    identities exactly); ``add_connection`` raises ``ConflictError`` for a taken set.
    """

    def get_configuration(
        self, organization_id: str, *, for_update: bool = False
    ) -> ProcurementConfiguration | None:
        """The organization's configuration; ``for_update`` locks its row until the
        transaction ends (``SELECT … FOR UPDATE`` on PostgreSQL), so that concurrent
        changes of one organization's integration happen one after the other."""
        ...

    def save_configuration(self, configuration: ProcurementConfiguration) -> None:
        """Insert the configuration, or replace the stored one of its organization."""
        ...

    def add_connection(self, connection: PortalConnection) -> None: ...

    def update_connection(self, connection: PortalConnection) -> None:
        """Replace the stored connection with this id (``NotFoundError`` when there is none)."""
        ...

    def get_connection(self, connection_id: str) -> PortalConnection | None: ...

    def list_connections(self, organization_id: str) -> Sequence[PortalConnection]:
        """The organization's connections, oldest first."""
        ...

    def find_connections_by_buyer(
        self, buyer_domain: str, buyer_identity: str
    ) -> Sequence[PortalConnection]:
        """Every connection (any organization, any status) with this ``From`` credential:
        the domain in any case, the identity exactly. Oldest first."""
        ...

    def add_secret(self, secret: ConnectionSecret) -> None: ...

    def list_secrets(self, connection_id: str) -> Sequence[ConnectionSecret]:
        """The connection's secrets, newest first (the current one, then older ones)."""
        ...

    def expire_secret(self, secret_id: str, expires_at: dt.datetime) -> None:
        """Set when a secret stops being accepted."""
        ...

    def list_all_secrets(self) -> Sequence[ConnectionSecret]:
        """Every connection's secrets, oldest first (to re-seal them all)."""
        ...

    def replace_sealed(self, secret_id: str, sealed: str) -> None:
        """Store a new sealed form of the same secret (``NotFoundError`` for an unknown id)."""
        ...


class PunchoutRepository(Protocol):
    """Punchout sessions and the subscription requests made in them."""

    def add_session(self, session: PunchoutSession) -> None: ...

    def get_session(self, session_id: str) -> PunchoutSession | None: ...

    def get_session_by_token(self, token_hash: str) -> PunchoutSession | None:
        """The session whose StartPage token has this SHA-256 (hex), used or not."""
        ...

    def claim_start_token(self, session_id: str, used_at: dt.datetime) -> bool:
        """Mark the session's StartPage token used at ``used_at``; False when it already was.

        Atomic: of concurrent claims (two browsers, two app processes) exactly one wins
        (``UPDATE … WHERE token_used_at IS NULL`` and its row count)."""
        ...

    def update_session(self, session: PunchoutSession) -> None:
        """Replace the stored session with this id (``NotFoundError`` when there is none)."""
        ...

    def add_request(self, request: SubscriptionRequest) -> None: ...

    def update_request(self, request: SubscriptionRequest) -> None:
        """Replace the stored request with this id (``NotFoundError`` when there is none)."""
        ...

    def get_request(self, request_id: str) -> SubscriptionRequest | None: ...

    def list_requests(
        self, organization_id: str, *, user_id: str | None = None, limit: int = 100
    ) -> Sequence[SubscriptionRequest]:
        """The organization's requests (only ``user_id``'s when given), newest first."""
        ...


class AgreementRepository(Protocol):
    """Agreements by id, by request and by organization."""

    def add(self, agreement: Agreement) -> None: ...

    def update(self, agreement: Agreement) -> None:
        """Replace the stored agreement with this id (``NotFoundError`` when there is none)."""
        ...

    def get(self, agreement_id: str) -> Agreement | None: ...

    def for_request(self, request_id: str) -> Agreement | None:
        """The agreement a request became (each request becomes at most one: unique)."""
        ...

    def list_for_organization(
        self, organization_id: str, *, user_id: str | None = None, limit: int = 100
    ) -> Sequence[Agreement]:
        """The organization's agreements (only ``user_id``'s when given), newest first."""
        ...

    def list_page(self, *, after_id: str | None, limit: int) -> Sequence[Agreement]:
        """Up to ``limit`` agreements of every organization, by id, after ``after_id``
        (billing runs walk all agreements a page at a time)."""
        ...

    def find_annual_pending(self, organization_id: str, offer_id: str) -> Agreement | None:
        """The organization's server annual agreement on ``offer_id`` still waiting for its
        second approval (``annual_pending``), if any."""
        ...

    def count_by_status(self) -> Mapping[AgreementStatus, int]:
        """How many agreements (of every organization) are in each status; statuses without
        any are left out (for monitoring)."""
        ...


class BillingRepository(Protocol):
    """Invoices (credit memos included), metered usage, and sellers' metering keys."""

    def add_invoice(self, invoice: Invoice) -> bool:
        """Store an invoice; False, storing nothing, when its agreement already has an invoice
        with its billing key (a billing run that meets its own work skips it). A taken
        invoice number is ``ConflictError`` (draw another)."""
        ...

    def get_invoice(self, invoice_id: str) -> Invoice | None: ...

    def invoices_for_agreements(self, agreement_ids: Sequence[str]) -> dict[str, list[Invoice]]:
        """Every invoice of each agreement (agreements without any are left out)."""
        ...

    def list_invoices(
        self,
        organization_id: str | None,
        *,
        account_id: str | None = None,
        limit: int = 100,
    ) -> Sequence[Invoice]:
        """Invoices (of one organization, or all when None; of one account when given),
        newest first (invoice date, then creation)."""
        ...

    def add_usage(self, record: UsageRecord, seller_id: str) -> bool:
        """Store a usage record; False when the seller already reported this record id."""
        ...

    def usage_for_agreements(
        self, agreement_ids: Sequence[str], *, before: dt.datetime
    ) -> dict[str, list[UsageRecord]]:
        """The usage records of each agreement that occurred before ``before``."""
        ...

    def add_seller_key(self, key: SellerKey) -> None: ...

    def get_seller_key(self, prefix: str) -> SellerKey | None: ...

    def count_invoices(self) -> Mapping[InvoiceKind, int]:
        """How many invoices (of every organization) there are of each kind; kinds without
        any are left out (for monitoring)."""
        ...


class OrderRepository(Protocol):
    """Purchase orders received, and the receipts that make cXML requests idempotent."""

    def claim_payload(self, payload_id: str, connection_id: str, received_at: dt.datetime) -> bool:
        """Record, in this transaction, that the document ``payload_id`` is being answered;
        False when a receipt exists already (its answer: :meth:`get_receipt`). A concurrent
        claim of the same payloadID waits for this transaction: it gets False after a commit
        and True after a rollback."""
        ...

    def get_receipt(self, payload_id: str) -> Receipt | None: ...

    def complete_receipt(self, payload_id: str, status_code: int, response: str) -> None:
        """Store the answer given to the document (in the transaction that made it)."""
        ...

    def add_order(self, order: PurchaseOrder) -> None:
        """Store an order; ``ConflictError`` when the connection already has this order
        number at this version."""
        ...

    def find_orders(self, connection_id: str, order_number: str) -> Sequence[PurchaseOrder]:
        """Every version of one purchase order of a connection, lowest version first."""
        ...

    def list_orders(
        self, organization_id: str, *, test: bool | None = None, limit: int = 100
    ) -> Sequence[PurchaseOrder]:
        """The organization's orders (test orders only, or none, when ``test`` is given),
        newest first."""
        ...

    def count_orders(self) -> Mapping[bool, int]:
        """How many purchase orders (every version, of every organization) were received,
        by whether they were test orders; a flag without any is left out (for monitoring)."""
        ...


class OutboxRepository(Protocol):
    """Messages to deliver and their delivery attempts."""

    def add(self, message: OutboxMessage) -> None: ...

    def get(self, message_id: str) -> OutboxMessage | None: ...

    def update(self, message: OutboxMessage) -> None:
        """Replace the stored message with this id (``NotFoundError`` when there is none)."""
        ...

    def claim_due(
        self, now: dt.datetime, *, limit: int, lease: dt.timedelta
    ) -> Sequence[OutboxMessage]:
        """Up to ``limit`` pending messages due at ``now``, longest due first, each leased
        to the caller: its ``next_attempt_at`` moves to ``now + lease`` so that no other
        worker takes it before the lease ends (rows are picked with ``FOR UPDATE SKIP
        LOCKED`` on PostgreSQL). Commit to hand the lease out; a worker that dies holding it
        leaves the message due again when the lease ends."""
        ...

    def add_attempt(self, attempt: DeliveryAttempt) -> None: ...

    def list_attempts(self, message_id: str) -> Sequence[DeliveryAttempt]:
        """A message's attempts, oldest first."""
        ...

    def list_messages(
        self,
        organization_id: str | None,
        *,
        kind: MessageKind | None = None,
        status: DeliveryStatus | None = None,
        limit: int = 100,
    ) -> Sequence[OutboxMessage]:
        """Messages (of one organization, or all when None), newest first, filtered."""
        ...

    def count_pending(self) -> Mapping[MessageKind, int]:
        """How many messages wait to be delivered (pending, leased ones included), by kind;
        kinds without any are left out (for monitoring)."""
        ...

    def oldest_due(self, now: dt.datetime) -> dt.datetime | None:
        """When the longest-waiting pending message due at ``now`` fell due (its
        ``next_attempt_at``); None when nothing is due (leased messages are not)."""
        ...

    def count_attempts(self) -> Mapping[AttemptOutcome, int]:
        """How many delivery attempts came to each outcome; outcomes without any are left
        out (for monitoring)."""
        ...


@dataclass(frozen=True, slots=True)
class TokenTake:
    """What taking a token from a rate-limit bucket came to: whether one was there to take,
    and how many are left (when refused: how many there are, fewer than one)."""

    taken: bool
    tokens: float


class RateLimitRepository(Protocol):
    """Token buckets by key (``cxml:<connection id>`` …), shared by every process."""

    def take_token(self, key: str, *, now: float, rate: float, burst: float) -> TokenTake:
        """Refill the bucket ``key`` with ``rate`` tokens a second since it was last
        touched (at most ``burst`` in it), then take one token if there is one. A new key
        starts with ``burst`` tokens. ``now`` is in seconds since the epoch; a ``now``
        earlier than the bucket's last touch (another process's clock) adds nothing.

        Atomic among processes (one ``INSERT … ON CONFLICT DO UPDATE`` on the bucket's row):
        of concurrent takes from a bucket with one token, exactly one gets it."""
        ...


@dataclass(frozen=True, slots=True)
class SendResult:
    """What one attempt to deliver a message came to (``status_code``: the HTTP or SMTP
    reply code when there was one; ``excerpt``: the start of the reply, for the admin)."""

    outcome: AttemptOutcome
    status_code: int | None = None
    excerpt: str = ""


class MessageSender(Protocol):
    """Delivers one outbox message (over SMTP, HTTP …) and says how it went; never raises
    for a delivery problem (a refused connection is a TRANSIENT result)."""

    def send(self, message: OutboxMessage) -> SendResult: ...


class AuditRepository(Protocol):
    """The audit log, per organization, newest first."""

    def add(self, event: AuditEvent) -> None: ...

    def list_for_organization(
        self,
        organization_id: str,
        *,
        limit: int,
        before: tuple[dt.datetime, str] | None = None,
    ) -> Sequence[AuditEvent]:
        """Up to ``limit`` events, newest first (by ``occurred_at``, then ``id``, both
        descending); ``before`` = ``(occurred_at, id)`` of the last event of the previous page."""
        ...


class SecretBox(Protocol):
    """Seals secrets for storage (authenticated encryption) and opens them again."""

    def seal(self, plaintext: str) -> str: ...

    def open(self, sealed: str) -> str:
        """The plaintext; raises ``ValueError`` when ``sealed`` is not one of ours."""
        ...


class SecretResealer(Protocol):
    """Seals a sealed secret again with the current key (``FernetSecretBox`` is one)."""

    def reseal(self, sealed: str) -> str:
        """The same secret sealed with the current key; ``ValueError`` when no key opens it."""
        ...


@runtime_checkable
class DatabaseProbe(Protocol):
    """What a readiness check asks of a database (``storage.Database`` has it)."""

    def schema_revisions(self) -> tuple[str | None, str]:
        """The database's schema revision (None when it was never migrated) and the newest
        revision this code ships; raises when the database does not answer."""
        ...


class UnitOfWork(Protocol):
    """One transaction over all repositories."""

    organizations: OrganizationRepository
    accounts: AccountRepository
    users: UserRepository
    api_keys: ApiKeyRepository
    catalog: CatalogRepository
    procurement: ProcurementRepository
    audit: AuditRepository
    punchout: PunchoutRepository
    agreements: AgreementRepository
    orders: OrderRepository
    outbox: OutboxRepository
    billing: BillingRepository
    rate_limits: RateLimitRepository

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
