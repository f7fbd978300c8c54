"""In-memory fakes of ``marketplace.services.ports``: a unit of work and its repositories.

Use them wherever a test needs storage without a database::

    factory = FakeUnitOfWorkFactory()              # a UnitOfWorkFactory over one FakeStore
    created = accounts.create_organization(factory(), name="Acme", admin_email="it@acme.example")
    factory.store.users                            # committed state, to assert on
    with factory() as uow:                         # or read it through the repositories
        uow.users.get_by_email("it@acme.example")

They behave like ``marketplace.storage``'s ``SqlUnitOfWork``, so that a test passing here
passes there:

- A unit of work is one transaction: ``with uow:`` starts it, ``commit()`` keeps the work done
  so far (later work starts a new transaction), leaving the block drops what was not
  committed. Entering a unit of work that is already entered raises ``RuntimeError``; so
  does using a repository outside a ``with`` block. A unit of work may be entered again
  after its block ends.
- Constraints as in the tables: ids and ``users.email`` and ``api_keys.prefix`` are unique,
  and every foreign key must exist (account → organization, user → account, key → user); a
  violation raises :class:`FakeIntegrityError`. The catalog follows ``SqlCatalogRepository``:
  ``add_sellers`` skips sellers already stored (they keep their name); ``add_products``
  stores each product's seller too, raises ``ConflictError`` for a product id (or offer id)
  already stored or repeated, and ``ValidationError`` for a product without offers, in
  both cases adding nothing.
- Procurement, the audit log and punchout live in ``fake_procurement``; agreements, purchase
  orders (and their receipts) and the outbox in ``fake_orders``; invoices, usage records and
  seller keys in ``fake_billing``, rate-limit buckets in ``fake_rate_limits`` (their
  docstrings give the rules); they keep their rows in the same :class:`FakeStore`.
- Catalog search (:meth:`FakeCatalogRepository.search`), simpler than full text but with the
  same filters, facets, order rules and summaries:

  * the text's words (runs of letters and digits, case-folded) must *all* occur, each as a
    substring, in the title, descriptions, seller name or categories ("log" also matches
    "catalog"; storage matches whole words, the last one as a prefix, and drops stop words);
  * the pricing model filter looks at the *default offer* (the first with
    ``is_default``, else the first offer); the category filter is an exact name match;
  * best first: 3 points per word found in the title, 2 in the seller name or a category,
    1 elsewhere; ties, and every result of an empty text, newest first (the product added
    last comes first), as storage breaks its ties;
  * ``facets`` maps ``"pricing_model"`` and ``"delivery_method"`` (enum ``.value`` keys, in
    declaration order) and ``"category"`` (names, most hits first) to hit counts, each facet
    ignoring its own filter, zero counts left out (storage leaves the category facet out
    altogether past 1,500 hits; the fake always counts it);
  * a text search counts at most ``COUNT_LIMIT`` hits (``SEARCH_COUNT_LIMIT``), as storage:
    past it ``total`` is the limit, ``total_is_exact`` False and later pages empty; when the
    text and the category filter have more hits than the limit, the ``"pricing_model"`` and
    ``"delivery_method"`` facets are left out. Browsing (no words) always counts exactly;
  * ``starting_price`` is the default offer's cheapest dimension price, else its smallest
    instalment, else None (free, BYOL); ``currency`` is the default offer's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import TracebackType
from typing import Any, Self, TypeVar, cast

from marketplace.domain.accounts import Account, ApiKey, Organization, User
from marketplace.domain.agreements import Agreement
from marketplace.domain.audit import AuditEvent
from marketplace.domain.billing import Invoice, SellerKey, UsageRecord
from marketplace.domain.catalog import (
    SEARCH_COUNT_LIMIT,
    DeliveryMethod,
    Offer,
    PricingModel,
    Product,
    ProductSummary,
    SearchPage,
    SearchQuery,
    Seller,
)
from marketplace.domain.errors import ConflictError, ValidationError
from marketplace.domain.orders import PurchaseOrder, Receipt
from marketplace.domain.outbox import DeliveryAttempt, OutboxMessage
from marketplace.domain.procurement import (
    ConnectionSecret,
    PortalConnection,
    ProcurementConfiguration,
)
from marketplace.domain.punchout import PunchoutSession, SubscriptionRequest
from marketplace.services.ports import (
    AccountRepository,
    AgreementRepository,
    ApiKeyRepository,
    AuditRepository,
    BillingRepository,
    CatalogRepository,
    OrderRepository,
    OrganizationRepository,
    OutboxRepository,
    ProcurementRepository,
    PunchoutRepository,
    RateLimitRepository,
    UserRepository,
)

__all__ = [
    "FakeAccountRepository",
    "FakeApiKeyRepository",
    "FakeCatalogRepository",
    "FakeIntegrityError",
    "FakeOrganizationRepository",
    "FakeRepository",
    "FakeStore",
    "FakeUnitOfWork",
    "FakeUnitOfWorkFactory",
    "FakeUserRepository",
    "as_utc",
    "in_utc",
    "insert_row",
    "require_row",
]


T = TypeVar("T")


class FakeIntegrityError(Exception):
    """A write broke a uniqueness or foreign-key constraint (as the database would refuse)."""


@dataclass
class FakeStore:
    """The committed state: what the database holds. Tests may read it directly."""

    organizations: dict[str, Organization] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    api_keys: dict[str, ApiKey] = field(default_factory=dict)
    sellers: dict[str, Seller] = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)
    configurations: dict[str, ProcurementConfiguration] = field(default_factory=dict)
    connections: dict[str, PortalConnection] = field(default_factory=dict)
    secrets: dict[str, ConnectionSecret] = field(default_factory=dict)
    audit_events: dict[str, AuditEvent] = field(default_factory=dict)
    punchout_sessions: dict[str, PunchoutSession] = field(default_factory=dict)
    subscription_requests: dict[str, SubscriptionRequest] = field(default_factory=dict)
    agreements: dict[str, Agreement] = field(default_factory=dict)
    purchase_orders: dict[str, PurchaseOrder] = field(default_factory=dict)
    receipts: dict[str, Receipt] = field(default_factory=dict)  # by payload id
    outbox_messages: dict[str, OutboxMessage] = field(default_factory=dict)
    delivery_attempts: dict[str, DeliveryAttempt] = field(default_factory=dict)
    invoices: dict[str, Invoice] = field(default_factory=dict)
    # by (seller id, the seller's record id)
    usage_records: dict[tuple[str, str], UsageRecord] = field(default_factory=dict)
    seller_keys: dict[str, SellerKey] = field(default_factory=dict)
    # by key: (tokens, updated_at in seconds since the epoch)
    rate_limit_buckets: dict[str, tuple[float, float]] = field(default_factory=dict)

    def copy(self) -> FakeStore:
        """A copy whose tables can change without changing this one."""
        return FakeStore(**{f.name: dict(getattr(self, f.name)) for f in dataclasses.fields(self)})

    def load(self, other: FakeStore) -> None:
        """Take every table of ``other`` (a commit)."""
        for f in dataclasses.fields(self):
            setattr(self, f.name, dict(getattr(other, f.name)))


class FakeRepository:
    """A repository over its unit of work's open transaction (``_data``)."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    @property
    def _data(self) -> FakeStore:
        return self._uow.working()


def insert_row(table: dict[str, T], key: str, value: T, what: str) -> None:
    """``table[key] = value``; FakeIntegrityError when ``key`` is taken."""
    if key in table:
        raise FakeIntegrityError(f"duplicate {what} {key!r}")
    table[key] = value


def require_row(table: Mapping[str, object], key: str, what: str) -> None:
    """FakeIntegrityError unless ``key`` is in ``table`` (a foreign key)."""
    if key not in table:
        raise FakeIntegrityError(f"no {what} {key!r} (foreign key)")


class FakeOrganizationRepository(FakeRepository):
    """Organizations by id."""

    def add(self, organization: Organization) -> None:
        insert_row(self._data.organizations, organization.id, organization, "organization")

    def get(self, organization_id: str) -> Organization | None:
        return self._data.organizations.get(organization_id)


class FakeAccountRepository(FakeRepository):
    """Accounts by id and by organization (in the order they were added)."""

    def add(self, account: Account) -> None:
        require_row(self._data.organizations, account.organization_id, "organization")
        insert_row(self._data.accounts, account.id, account, "account")

    def get(self, account_id: str) -> Account | None:
        return self._data.accounts.get(account_id)

    def list_for_organization(self, organization_id: str) -> Sequence[Account]:
        return [a for a in self._data.accounts.values() if a.organization_id == organization_id]


class FakeUserRepository(FakeRepository):
    """Users by id and by e-mail (unique, compared lower-case)."""

    def add(self, user: User) -> None:
        require_row(self._data.accounts, user.account_id, "account")
        if self.get_by_email(user.email) is not None:
            raise FakeIntegrityError(f"duplicate e-mail address {user.email!r}")
        insert_row(self._data.users, user.id, user, "user")

    def get(self, user_id: str) -> User | None:
        return self._data.users.get(user_id)

    def get_by_email(self, email: str) -> User | None:
        wanted = email.lower()
        return next((u for u in self._data.users.values() if u.email.lower() == wanted), None)

    def list_for_account(self, account_id: str) -> Sequence[User]:
        return [u for u in self._data.users.values() if u.account_id == account_id]


class FakeApiKeyRepository(FakeRepository):
    """API keys by id, prefix (unique) and user."""

    def add(self, key: ApiKey) -> None:
        require_row(self._data.users, key.user_id, "user")
        if self.get_by_prefix(key.prefix) is not None:
            raise FakeIntegrityError(f"duplicate API key prefix {key.prefix!r}")
        insert_row(self._data.api_keys, key.id, key, "API key")

    def get(self, key_id: str) -> ApiKey | None:
        return self._data.api_keys.get(key_id)

    def get_by_prefix(self, prefix: str) -> ApiKey | None:
        return next((k for k in self._data.api_keys.values() if k.prefix == prefix), None)

    def list_for_user(self, user_id: str) -> Sequence[ApiKey]:
        return [k for k in self._data.api_keys.values() if k.user_id == user_id]

    def revoke(self, key_id: str, at: dt.datetime) -> None:
        key = self._data.api_keys.get(key_id)
        if key is not None:
            self._data.api_keys[key_id] = dataclasses.replace(key, revoked_at=at)


class FakeCatalogRepository(FakeRepository):
    """Sellers, products and a substring search (see the module docstring for its rules)."""

    def add_sellers(self, sellers: Iterable[Seller]) -> None:
        for seller in sellers:
            self._data.sellers.setdefault(seller.id, seller)  # a stored seller keeps its name

    def add_products(self, products: Iterable[Product]) -> int:
        batch = list(products)
        for product in batch:
            if not product.offers:
                raise ValidationError(f"product {product.id} has no offer")
        ids = [p.id for p in batch]
        repeated = {i for i, n in Counter(ids).items() if n > 1} | (
            set(ids) & self._data.products.keys()
        )
        if repeated:
            raise ConflictError(f"products already exist: {', '.join(sorted(repeated))}")
        offer_ids = [o.id for p in [*self._data.products.values(), *batch] for o in p.offers]
        if len(offer_ids) != len(set(offer_ids)):
            raise ConflictError("a product or offer with the same id already exists")
        self.add_sellers(product.seller for product in batch)
        for product in batch:
            self._data.products[product.id] = product
        return len(batch)

    def get_product(self, product_id: str) -> Product | None:
        return self._data.products.get(product_id)

    def get_product_by_offer(self, offer_id: str) -> Product | None:
        for product in self._data.products.values():
            if any(offer.id == offer_id for offer in product.offers):
                return product
        return None

    def count_products(self) -> int:
        return len(self._data.products)

    def categories(self) -> Sequence[tuple[str, int]]:
        counts = Counter(c for p in self._data.products.values() for c in _categories(p))
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    def search(self, query: SearchQuery) -> SearchPage:
        words = _WORD.findall(query.text.casefold())
        scored = [(p, _score(p, words), n) for n, p in enumerate(self._data.products.values())]
        found = [(p, score, n) for p, score, n in scored if score is not None]
        hits = [hit for hit in found if _passes(hit[0], query)]
        hits.sort(key=lambda hit: (-hit[1], -hit[2]))  # best first, then newest first
        limit = COUNT_LIMIT if words else len(found)
        total = min(len(hits), limit)
        first = (query.page - 1) * query.page_size
        page = hits[first : min(first + query.page_size, total)]
        facets = _facets([p for p, _, _ in found], query)
        if sum(1 for p, _, _ in found if _passes(p, query, ignore="pricing_and_delivery")) > limit:
            del facets["pricing_model"], facets["delivery_method"]
        return SearchPage(
            items=tuple(summarize(product) for product, _, _ in page),
            total=total,
            page=query.page,
            page_size=query.page_size,
            facets=facets,
            total_is_exact=len(hits) <= limit,
        )


_WORD = re.compile(r"[^\W_]+")
COUNT_LIMIT = SEARCH_COUNT_LIMIT  # read at each search (tests lower it)


def default_offer(product: Product) -> Offer:
    """The offer a product is listed with: the first marked default, else the first."""
    return next((offer for offer in product.offers if offer.is_default), product.offers[0])


def starting_price(offer: Offer) -> Decimal | None:
    """The cheapest dimension price, else the smallest instalment, else None."""
    prices = [d.price for d in offer.dimensions] or [i.amount for i in offer.instalments]
    return min(prices) if prices else None


def summarize(product: Product) -> ProductSummary:
    """The search hit of a product."""
    offer = default_offer(product)
    return ProductSummary(
        id=product.id,
        title=product.title,
        short_description=product.short_description,
        seller_name=product.seller.name,
        categories=_categories(product),
        delivery_method=product.delivery_method,
        pricing_model=offer.pricing_model,
        starting_price=starting_price(offer),
        currency=offer.currency,
    )


def _categories(product: Product) -> tuple[str, ...]:
    return tuple(dict.fromkeys(name for name in product.categories if name))


def _score(product: Product, words: Sequence[str]) -> int | None:
    """Points for the query's words, or None when one of them is missing."""
    title = product.title.casefold()
    labels = " ".join((product.seller.name, *product.categories)).casefold()
    rest = f"{product.short_description} {product.long_description}".casefold()
    score = 0
    for word in words:
        if word in title:
            score += 3
        elif word in labels:
            score += 2
        elif word in rest:
            score += 1
        else:
            return None
    return score


def _passes(product: Product, query: SearchQuery, *, ignore: str = "") -> bool:
    return (
        (
            ignore.startswith("pricing")
            or query.pricing_model in (None, default_offer(product).pricing_model)
        )
        and (
            ignore.endswith("delivery")
            or ignore == "delivery_method"
            or query.delivery_method in (None, product.delivery_method)
        )
        and (ignore == "category" or query.category is None or query.category in product.categories)
    )


def _facets(found: Sequence[Product], query: SearchQuery) -> dict[str, dict[str, int]]:
    """Hits per pricing model, delivery method and category, each ignoring its own filter;
    models and methods in declaration order, categories most hits first (as storage)."""
    models = Counter(
        default_offer(p).pricing_model for p in found if _passes(p, query, ignore="pricing_model")
    )
    methods = Counter(
        p.delivery_method for p in found if _passes(p, query, ignore="delivery_method")
    )
    categories = Counter(
        c for p in found if _passes(p, query, ignore="category") for c in _categories(p)
    )
    return {
        "pricing_model": {m.value: models[m] for m in PricingModel if models[m]},
        "delivery_method": {m.value: methods[m] for m in DeliveryMethod if methods[m]},
        "category": dict(sorted(categories.items(), key=lambda item: (-item[1], item[0]))),
    }


D = TypeVar("D")


def as_utc(value: dt.datetime) -> dt.datetime:
    """As storage gives a time back: in UTC, a naive one taken as UTC."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def in_utc(value: D, *names: str) -> D:
    """``value`` (a dataclass) with the named time fields in UTC."""
    times = {name: getattr(value, name) for name in names}
    changed = {name: None if t is None else as_utc(t) for name, t in times.items()}
    return cast(D, dataclasses.replace(cast(Any, value), **changed))


class FakeUnitOfWork:
    """A transaction over in-memory repositories sharing one :class:`FakeStore`."""

    def __init__(self, store: FakeStore | None = None) -> None:
        # Imported here, not at the top: these modules build on this module's helpers.
        from fake_billing import FakeBillingRepository
        from fake_orders import (
            FakeAgreementRepository,
            FakeOrderRepository,
            FakeOutboxRepository,
        )
        from fake_procurement import (
            FakeAuditRepository,
            FakeProcurementRepository,
            FakePunchoutRepository,
        )
        from fake_rate_limits import FakeRateLimitRepository

        self.store = store if store is not None else FakeStore()
        # Typed as the ports (mutable Protocol attributes must match exactly).
        self.organizations: OrganizationRepository = FakeOrganizationRepository(self)
        self.accounts: AccountRepository = FakeAccountRepository(self)
        self.users: UserRepository = FakeUserRepository(self)
        self.api_keys: ApiKeyRepository = FakeApiKeyRepository(self)
        self.catalog: CatalogRepository = FakeCatalogRepository(self)
        self.procurement: ProcurementRepository = FakeProcurementRepository(self)
        self.audit: AuditRepository = FakeAuditRepository(self)
        self.punchout: PunchoutRepository = FakePunchoutRepository(self)
        self.agreements: AgreementRepository = FakeAgreementRepository(self)
        self.orders: OrderRepository = FakeOrderRepository(self)
        self.outbox: OutboxRepository = FakeOutboxRepository(self)
        self.billing: BillingRepository = FakeBillingRepository(self)
        self.rate_limits: RateLimitRepository = FakeRateLimitRepository(self)
        self.transactions = 0  # how many times it was entered
        self.commits = 0
        self.commit_error: BaseException | None = None  # raised (once) by the next commit
        self._work: FakeStore | None = None

    def __enter__(self) -> Self:
        if self._work is not None:
            raise RuntimeError("this unit of work is already in use")
        self._work = self.store.copy()
        self.transactions += 1
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._work = None  # whatever was not committed is gone

    def commit(self) -> None:
        """Keep the work done so far."""
        work = self.working()
        if self.commit_error is not None:
            error, self.commit_error = self.commit_error, None
            raise error
        self.store.load(work)
        self.commits += 1

    def rollback(self) -> None:
        """Undo the work done since the last commit."""
        self.working()
        self._work = self.store.copy()

    def working(self) -> FakeStore:
        """The open transaction's state (RuntimeError outside a ``with`` block)."""
        if self._work is None:
            raise RuntimeError("use the unit of work in a `with` block")
        return self._work


class FakeUnitOfWorkFactory:
    """A ``UnitOfWorkFactory``: each call gives a new unit of work over the same store."""

    def __init__(self, store: FakeStore | None = None) -> None:
        self.store = store if store is not None else FakeStore()
        self.created: list[FakeUnitOfWork] = []

    def __call__(self) -> FakeUnitOfWork:
        uow = FakeUnitOfWork(self.store)
        self.created.append(uow)
        return uow

    @property
    def commits(self) -> int:
        """Commits made by every unit of work this factory gave."""
        return sum(uow.commits for uow in self.created)
