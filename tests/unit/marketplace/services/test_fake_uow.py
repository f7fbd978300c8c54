"""The in-memory fakes behave like storage: transactions, constraints and search rules.

Other test suites (the web's) rely on ``tests/support/fake_uow.py``; these tests pin down the
behaviour its docstring promises.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from types import MappingProxyType
from typing import Any, cast

import pytest
from fake_uow import FakeIntegrityError, FakeStore, FakeUnitOfWork, FakeUnitOfWorkFactory

from marketplace.domain.accounts import Account, AccountKind, ApiKey, Organization, User
from marketplace.domain.agreements import Agreement, AgreementStatus, PaymentModel
from marketplace.domain.audit import AuditEvent, FieldChange
from marketplace.domain.billing import Invoice, InvoiceKind, InvoiceLine, SellerKey, UsageRecord
from marketplace.domain.catalog import (
    DeliveryMethod,
    Dimension,
    DimensionKind,
    Instalment,
    Offer,
    PricingModel,
    Product,
    SearchQuery,
    Seller,
)
from marketplace.domain.charges import Charge, ChargeKind, OfferChoice
from marketplace.domain.errors import ConflictError, NotFoundError, ValidationError
from marketplace.domain.line_items import cart_lines
from marketplace.domain.orders import OrderKind, OrderLine, PurchaseOrder, Receipt
from marketplace.domain.outbox import (
    AttemptOutcome,
    DeliveryAttempt,
    DeliveryStatus,
    MessageKind,
    OutboxMessage,
)
from marketplace.domain.procurement import (
    CartReturnField,
    ConnectionSecret,
    ConnectionStatus,
    PortalConnection,
    ProcurementConfiguration,
    ProcurementSystem,
)
from marketplace.domain.punchout import (
    SESSION_LIFETIME,
    START_TOKEN_LIFETIME,
    PunchoutOperation,
    PunchoutSession,
    RequestStatus,
    SessionStatus,
    SubscriptionRequest,
)
from marketplace.services.ports import UnitOfWork, UnitOfWorkFactory

NOW = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
ORG = Organization(id="o-1", name="Acme", management_account_id="111111111111", created_at=NOW)
ACCOUNT = Account(
    id="111111111111", organization_id="o-1", name="Acme", kind=AccountKind.MANAGEMENT,
    created_at=NOW,
)  # fmt: skip
USER = User(
    id="u-1", account_id=ACCOUNT.id, email="it@acme.example", name="It", password_hash=None,
    policies=(), created_at=NOW,
)  # fmt: skip
KEY = ApiKey(id="k-1", user_id="u-1", prefix="abcdefghijkl", key_hash="h", created_at=NOW)
Write = Callable[[FakeUnitOfWork], object]
SELLER = Seller(id="seller-1", name="Kestrel Observability")
OTHER_SELLER = Seller(id="seller-2", name="Basalt Security")


def offer(
    model: PricingModel,
    *,
    prices: tuple[str, ...] = (),
    instalments: tuple[str, ...] = (),
    default: bool = True,
    currency: str = "USD",
) -> Offer:
    return Offer(
        id=f"offer-{model.value}-{default}",
        product_id="",
        name=model.label,
        pricing_model=model,
        currency=currency,
        dimensions=tuple(
            Dimension(
                key=f"d{i}", name="D", unit="Users", price=Decimal(p), kind=DimensionKind.CONTRACT
            )
            for i, p in enumerate(prices)
        ),
        instalments=tuple(
            Instalment(month_offset=i, amount=Decimal(a)) for i, a in enumerate(instalments)
        ),
        is_default=default,
    )


def product(
    pid: str,
    title: str,
    *,
    description: str = "A product.",
    seller: Seller = SELLER,
    categories: tuple[str, ...] = ("Observability",),
    delivery: DeliveryMethod = DeliveryMethod.SAAS,
    offers: tuple[Offer, ...] = (),
) -> Product:
    return Product(
        id=pid,
        title=title,
        short_description=description,
        long_description=description,
        seller=seller,
        categories=categories,
        delivery_method=delivery,
        offers=tuple(
            dataclasses.replace(o, id=f"{o.id}-{pid}", product_id=pid)
            for o in offers or (offer(PricingModel.FREE),)
        ),
        created_at=NOW,
    )


def with_accounts() -> FakeUnitOfWorkFactory:
    factory = FakeUnitOfWorkFactory()
    with factory() as uow:
        uow.organizations.add(ORG)
        uow.accounts.add(ACCOUNT)
        uow.users.add(USER)
        uow.api_keys.add(KEY)
        uow.commit()
    return factory


def with_products(*products: Product) -> FakeUnitOfWorkFactory:
    factory = FakeUnitOfWorkFactory()
    with factory() as uow:
        uow.catalog.add_sellers([SELLER, OTHER_SELLER])
        uow.catalog.add_products(products)
        uow.commit()
    return factory


def test_the_fakes_satisfy_the_ports() -> None:
    uow: UnitOfWork = FakeUnitOfWork()
    factory: UnitOfWorkFactory = FakeUnitOfWorkFactory()

    assert uow is not None
    assert factory is not None


# --- transactions ----------------------------------------------------------------------------


def test_work_is_kept_only_when_committed() -> None:
    store = FakeStore()
    uow = FakeUnitOfWork(store)

    with uow:
        uow.organizations.add(ORG)
    assert store.organizations == {}

    with uow:
        uow.organizations.add(ORG)
        uow.commit()
    assert store.organizations == {"o-1": ORG}


def test_work_after_a_commit_is_a_new_transaction_dropped_unless_committed() -> None:
    uow = FakeUnitOfWork()

    with uow:
        uow.organizations.add(ORG)
        uow.commit()
        uow.accounts.add(ACCOUNT)
        assert uow.accounts.get(ACCOUNT.id) == ACCOUNT  # visible inside its transaction

    assert uow.store.accounts == {}
    assert uow.commits == 1


def test_rollback_undoes_the_work_since_the_last_commit() -> None:
    uow = FakeUnitOfWork()

    with uow:
        uow.organizations.add(ORG)
        uow.commit()
        uow.accounts.add(ACCOUNT)
        uow.rollback()
        assert uow.accounts.get(ACCOUNT.id) is None
        assert uow.organizations.get(ORG.id) == ORG


def test_an_exception_in_the_block_drops_the_uncommitted_work() -> None:
    uow = FakeUnitOfWork()

    def fail_midway() -> None:
        with uow:
            uow.organizations.add(ORG)
            raise KeyError("boom")

    with pytest.raises(KeyError):
        fail_midway()

    assert uow.store.organizations == {}


def test_a_unit_of_work_cannot_be_entered_twice_at_once_but_again_afterwards() -> None:
    uow = FakeUnitOfWork()

    with uow, pytest.raises(RuntimeError, match="already in use"), uow:
        pass
    with uow:
        assert uow.transactions == 2


def test_repositories_refuse_to_work_outside_a_transaction() -> None:
    uow = FakeUnitOfWork()

    with pytest.raises(RuntimeError, match="with"):
        uow.organizations.get("o-1")
    with pytest.raises(RuntimeError):
        uow.commit()


def test_a_commit_error_is_raised_once_and_keeps_nothing() -> None:
    uow = FakeUnitOfWork()
    uow.commit_error = OSError("disk full")

    with uow:
        uow.organizations.add(ORG)
        with pytest.raises(OSError, match="disk full"):
            uow.commit()
    with uow:
        uow.organizations.add(ORG)
        uow.commit()

    assert uow.commits == 1


def test_units_of_work_from_one_factory_share_the_store_and_count_commits() -> None:
    factory = with_accounts()

    with factory() as uow:
        assert uow.users.get("u-1") == USER

    assert factory.commits == 1
    assert len(factory.created) == 2


# --- constraints -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "write",
    [
        lambda uow: uow.organizations.add(ORG),
        lambda uow: uow.accounts.add(ACCOUNT),
        lambda uow: uow.users.add(dataclasses.replace(USER, id="u-2", email="IT@acme.example")),
        lambda uow: uow.api_keys.add(dataclasses.replace(KEY, id="k-2")),
    ],
    ids=["organization-id", "account-id", "email-any-case", "key-prefix"],
)
def test_duplicates_are_refused(write: Write) -> None:
    factory = with_accounts()

    with factory() as uow, pytest.raises(FakeIntegrityError):
        write(uow)


@pytest.mark.parametrize(
    "write",
    [
        lambda uow: uow.accounts.add(ACCOUNT),
        lambda uow: uow.users.add(USER),
        lambda uow: uow.api_keys.add(KEY),
    ],
    ids=[
        "account-without-organization",
        "user-without-account",
        "key-without-user",
    ],
)
def test_foreign_keys_must_exist(write: Write) -> None:
    uow = FakeUnitOfWork()

    with uow, pytest.raises(FakeIntegrityError, match="foreign key"):
        write(uow)


def test_a_product_without_offers_is_refused_as_storage_refuses_it() -> None:
    bare = dataclasses.replace(product("prod-2", "T"), offers=())
    factory = with_products()

    with factory() as uow, pytest.raises(ValidationError):
        uow.catalog.add_products([product("prod-1", "T"), bare])

    assert factory.store.products == {}


@pytest.mark.parametrize(
    "batch",
    [
        [product("prod-1", "Again")],
        [product("prod-2", "New"), product("prod-2", "New twice")],
        [dataclasses.replace(product("prod-3", "Same offer"), offers=product("prod-1", "").offers)],
    ],
    ids=["stored-product-id", "repeated-product-id", "stored-offer-id"],
)
def test_a_duplicate_product_is_a_conflict_and_adds_nothing(batch: list[Product]) -> None:
    factory = with_products(product("prod-1", "T"))

    with factory() as uow, pytest.raises(ConflictError):
        uow.catalog.add_products([product("prod-9", "Innocent"), *batch])

    assert set(factory.store.products) == {"prod-1"}


def test_adding_products_stores_their_sellers_and_sellers_keep_their_first_name() -> None:
    factory = FakeUnitOfWorkFactory()
    renamed = Seller(id=SELLER.id, name="Renamed")

    with factory() as uow:
        added = uow.catalog.add_products([product("prod-1", "T")])
        uow.catalog.add_sellers([renamed, OTHER_SELLER, OTHER_SELLER])
        uow.commit()

    assert added == 1
    assert factory.store.sellers == {SELLER.id: SELLER, OTHER_SELLER.id: OTHER_SELLER}


def test_revoking_a_key_stamps_it() -> None:
    factory = with_accounts()

    with factory() as uow:
        uow.api_keys.revoke("k-1", NOW)
        uow.commit()

    assert factory.store.api_keys["k-1"].revoked_at == NOW
    with factory() as uow:
        assert uow.api_keys.get_by_prefix(KEY.prefix) == factory.store.api_keys["k-1"]
        assert uow.api_keys.list_for_user("u-1") == [factory.store.api_keys["k-1"]]


def test_lookups_find_what_was_stored() -> None:
    factory = with_accounts()

    with factory() as uow:
        assert uow.users.get_by_email("IT@ACME.example") == USER
        assert uow.users.list_for_account(ACCOUNT.id) == [USER]
        assert uow.accounts.list_for_organization("o-1") == [ACCOUNT]
        assert uow.accounts.list_for_organization("o-2") == []


# --- catalog ---------------------------------------------------------------------------------

LOGS = product("prod-b", "Log Analytics", description="Search logs fast.")
TRACES = product(
    "prod-a",
    "Tracing Suite",
    description="Correlate logs and traces.",
    offers=(offer(PricingModel.SAAS_CONTRACT, prices=("19.00", "9.50")),),
)
SCANNER = product(
    "prod-c",
    "Vulnerability Scanner",
    description="Finds flaws.",
    seller=OTHER_SELLER,
    categories=("Security", "DevOps", "Security"),
    delivery=DeliveryMethod.SERVER,
    offers=(
        offer(PricingModel.FREE_TRIAL, default=False),
        offer(PricingModel.FLEXIBLE_PAYMENT, instalments=("5000.00", "4999.99"), currency="EUR"),
    ),
)
CATALOG = (LOGS, TRACES, SCANNER)


def search(**criteria: object) -> tuple[list[str], int, dict[str, dict[str, int]]]:
    factory = with_products(*CATALOG)
    with factory() as uow:
        page = uow.catalog.search(SearchQuery(**criteria))  # type: ignore[arg-type]
    return [item.id for item in page.items], page.total, page.facets


def test_an_empty_search_lists_everything_newest_first() -> None:
    ids, total, _ = search()

    assert (ids, total) == (["prod-c", "prod-a", "prod-b"], 3)


def test_every_word_must_be_found_case_insensitively_as_a_substring() -> None:
    assert search(text="LOGS")[0] == ["prod-a", "prod-b"]  # a tie: the newer first
    assert search(text="log traces")[0] == ["prod-a"]
    assert search(text="analy")[0] == ["prod-b"]
    assert search(text="log kubernetes")[0] == []


def test_title_matches_rank_above_seller_and_category_matches_above_descriptions() -> None:
    assert search(text="log")[0] == ["prod-b", "prod-a"]  # title beats description
    assert search(text="security")[0] == ["prod-c"]  # found in seller and category
    assert search(text="suite")[0] == ["prod-a"]


def test_the_pricing_model_filter_looks_at_the_default_offer() -> None:
    assert search(pricing_model=PricingModel.FLEXIBLE_PAYMENT)[0] == ["prod-c"]
    assert search(pricing_model=PricingModel.FREE_TRIAL)[0] == []


def test_delivery_method_and_category_filters() -> None:
    assert search(delivery_method=DeliveryMethod.SERVER)[0] == ["prod-c"]
    assert search(category="DevOps")[0] == ["prod-c"]
    assert search(category="devops")[0] == []  # exact names


def test_facets_count_hits_each_ignoring_its_own_filter() -> None:
    _, total, facets = search(text="s", pricing_model=PricingModel.FREE)

    assert total == 1
    assert facets == {
        "pricing_model": {"free": 1, "saas_contract": 1, "flexible_payment": 1},
        "delivery_method": {"saas": 1},
        "category": {"Observability": 1},
    }
    assert list(facets["pricing_model"]) == ["free", "saas_contract", "flexible_payment"]


def test_pages_slice_the_hits_and_keep_the_total() -> None:
    assert search(page=2, page_size=2)[:2] == (["prod-b"], 3)
    assert search(page=5, page_size=2)[:2] == ([], 3)


def test_summaries_carry_the_default_offers_model_starting_price_and_currency() -> None:
    factory = with_products(*CATALOG)
    with factory() as uow:
        items = {i.id: i for i in uow.catalog.search(SearchQuery()).items}

    assert items["prod-a"].starting_price == Decimal("9.50")
    assert items["prod-b"].starting_price is None
    assert items["prod-c"].starting_price == Decimal("4999.99")
    assert items["prod-c"].currency == "EUR"
    assert items["prod-c"].pricing_model is PricingModel.FLEXIBLE_PAYMENT
    assert items["prod-c"].categories == ("Security", "DevOps")
    assert items["prod-c"].seller_name == "Basalt Security"


def test_categories_are_counted_most_used_first() -> None:
    factory = with_products(*CATALOG)

    with factory() as uow:
        assert list(uow.catalog.categories()) == [
            ("Observability", 2),
            ("DevOps", 1),
            ("Security", 1),
        ]
        assert uow.catalog.count_products() == 3
        assert uow.catalog.get_product("prod-c") == SCANNER
        assert uow.catalog.get_product("prod-z") is None


def test_a_text_search_counts_up_to_the_count_limit_as_storage_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import fake_uow

    monkeypatch.setattr(fake_uow, "COUNT_LIMIT", 1)
    factory = with_products(*CATALOG)
    with factory() as uow:
        broad = uow.catalog.search(SearchQuery(text="logs"))
        second = uow.catalog.search(SearchQuery(text="logs", page=2, page_size=1))
        filtered = uow.catalog.search(
            SearchQuery(text="logs", pricing_model=PricingModel.SAAS_CONTRACT)
        )
        narrow = uow.catalog.search(SearchQuery(text="traces"))
        browsing = uow.catalog.search(SearchQuery())

    assert [i.id for i in broad.items] == ["prod-a"]
    assert (broad.total, broad.total_is_exact) == (1, False)
    assert set(broad.facets) == {"category"}  # pricing and delivery would need every hit
    assert second.items == ()
    assert ([i.id for i in filtered.items], filtered.total_is_exact) == (["prod-a"], True)
    assert set(filtered.facets) == {"category"}
    assert (narrow.total, narrow.total_is_exact) == (1, True)
    assert narrow.facets["pricing_model"] == {"saas_contract": 1}
    assert (browsing.total, browsing.total_is_exact) == (3, True)


# --- procurement and audit -------------------------------------------------------------------

OTHER_ORG = Organization(
    id="o-2", name="Other", management_account_id="222222222222", created_at=NOW
)
OTHER_ACCOUNT = dataclasses.replace(ACCOUNT, id="222222222222", organization_id="o-2")
CONFIG = ProcurementConfiguration(
    organization_id="o-1", system=ProcurementSystem.COUPA, name="Acme Coupa", created_at=NOW,
    updated_at=NOW,
)  # fmt: skip
CONNECTION = PortalConnection(
    id="pc-1", organization_id="o-1", account_id=ACCOUNT.id, system=ProcurementSystem.COUPA,
    buyer_domain="DUNS", buyer_identity="acme", supplier_domain="NetworkID",
    supplier_identity="mkt-1", created_at=NOW, updated_at=NOW,
)  # fmt: skip
SECRET = ConnectionSecret(id="s-1", connection_id="pc-1", sealed="sealed", created_at=NOW)
EVENT = AuditEvent(
    id="ev-1", organization_id="o-1", occurred_at=NOW,
    event_name="PutProcurementSystemConfiguration",
    resource_type="procurement-system-configuration", resource_id="o-1", account_id=ACCOUNT.id,
    actor_user_id="u-1", actor_email="it@acme.example", source="api", request_parameters={},
)  # fmt: skip
PLUS_TWO = dt.timezone(dt.timedelta(hours=2))


def with_connection(*more: PortalConnection) -> FakeUnitOfWorkFactory:
    factory = with_accounts()
    with factory() as uow:
        uow.organizations.add(OTHER_ORG)
        uow.accounts.add(OTHER_ACCOUNT)
        for each in (CONNECTION, *more):
            uow.procurement.add_connection(each)
        uow.commit()
    return factory


def test_a_configuration_is_saved_then_replaced_and_kept_only_when_committed() -> None:
    factory = with_accounts()
    renamed = dataclasses.replace(CONFIG, name="Renamed", version=2)

    with factory() as uow:
        uow.procurement.save_configuration(CONFIG)
    assert factory.store.configurations == {}
    with factory() as uow:
        uow.procurement.save_configuration(CONFIG)
        uow.procurement.save_configuration(renamed)
        uow.commit()

    with factory() as uow:
        assert uow.procurement.get_configuration("o-1", for_update=True) == renamed
        assert uow.procurement.get_configuration("o-2") is None


@pytest.mark.parametrize(
    "write",
    [
        lambda uow: uow.procurement.save_configuration(
            dataclasses.replace(CONFIG, organization_id="o-9")
        ),
        lambda uow: uow.procurement.add_connection(
            dataclasses.replace(CONNECTION, organization_id="o-9")
        ),
        lambda uow: uow.procurement.add_connection(
            dataclasses.replace(CONNECTION, account_id="333333333333")
        ),
        lambda uow: uow.procurement.add_secret(SECRET),
        lambda uow: uow.audit.add(dataclasses.replace(EVENT, organization_id="o-9")),
    ],
    ids=[
        "configuration-without-organization",
        "connection-without-organization",
        "connection-without-account",
        "secret-without-connection",
        "event-without-organization",
    ],
)
def test_procurement_foreign_keys_must_exist(write: Write) -> None:
    factory = with_accounts()

    with factory() as uow, pytest.raises(FakeIntegrityError, match="foreign key"):
        write(uow)


@pytest.mark.parametrize(
    "taken",
    [{"buyer_domain": "duns"}, {"supplier_domain": "NETWORKID"}],
    ids=["buyer-domain-case", "supplier-domain-case"],
)
def test_credentials_taken_in_any_domain_case_are_a_conflict(taken: dict[str, Any]) -> None:
    factory = with_connection()
    again = dataclasses.replace(
        CONNECTION, id="pc-2", organization_id="o-2", account_id=OTHER_ACCOUNT.id, **taken
    )

    with factory() as uow, pytest.raises(ConflictError, match="pc-1"):
        uow.procurement.add_connection(again)


@pytest.mark.parametrize(
    "other",
    [{"buyer_identity": "ACME"}, {"supplier_identity": "MKT-1"}],
    ids=["buyer-identity-case", "supplier-identity-case"],
)
def test_credentials_differing_in_identity_case_are_distinct(other: dict[str, Any]) -> None:
    factory = with_connection(dataclasses.replace(CONNECTION, id="pc-2", **other))

    assert set(factory.store.connections) == {"pc-1", "pc-2"}


def test_a_repeated_connection_id_is_refused_as_the_database_refuses_it() -> None:
    factory = with_connection()

    with factory() as uow, pytest.raises(FakeIntegrityError, match="duplicate"):
        uow.procurement.add_connection(dataclasses.replace(CONNECTION, buyer_identity="new"))


def test_updating_a_connection_replaces_it_unless_missing_or_its_credentials_are_taken() -> None:
    second = dataclasses.replace(CONNECTION, id="pc-2", buyer_identity="beta")
    factory = with_connection(second)
    disabled = dataclasses.replace(
        second,
        status=ConnectionStatus.DISABLED,
        sellers_of_record=["s"],  # type: ignore[arg-type]
    )

    with factory() as uow:
        with pytest.raises(ConflictError, match="pc-1"):
            uow.procurement.update_connection(dataclasses.replace(second, buyer_identity="acme"))
        with pytest.raises(NotFoundError):
            uow.procurement.update_connection(dataclasses.replace(CONNECTION, id="pc-9"))
        uow.procurement.update_connection(disabled)
        uow.commit()

    stored = factory.store.connections["pc-2"]
    assert stored.status is ConnectionStatus.DISABLED
    assert stored.sellers_of_record == ("s",)  # a tuple, as storage gives it back


def test_buyers_are_found_across_organizations_domain_in_any_case_identity_exactly() -> None:
    later = dataclasses.replace(
        CONNECTION, id="pc-0", organization_id="o-2", account_id=OTHER_ACCOUNT.id,
        buyer_domain="duns", supplier_identity="mkt-2", created_at=NOW + dt.timedelta(seconds=1),
    )  # fmt: skip
    factory = with_connection(
        later, dataclasses.replace(CONNECTION, id="pc-3", buyer_identity="ACME")
    )

    with factory() as uow:
        found = uow.procurement.find_connections_by_buyer("Duns", "acme")
        listed = uow.procurement.list_connections("o-1")

    assert [c.id for c in found] == ["pc-1", "pc-0"]  # oldest first
    assert [c.id for c in listed] == ["pc-1", "pc-3"]


def test_secrets_are_listed_newest_first_and_expire() -> None:
    factory = with_connection()
    newer = dataclasses.replace(SECRET, id="s-2", created_at=NOW + dt.timedelta(hours=1))
    expiry = dt.datetime(2024, 5, 2, 2, 0, tzinfo=PLUS_TWO)

    with factory() as uow:
        uow.procurement.add_secret(SECRET)
        uow.procurement.add_secret(newer)
        uow.procurement.expire_secret("s-1", expiry)
        with pytest.raises(NotFoundError):
            uow.procurement.expire_secret("s-9", expiry)
        secrets = uow.procurement.list_secrets("pc-1")

    assert secrets == (newer, dataclasses.replace(SECRET, expires_at=expiry))
    assert secrets[1].expires_at is not None
    assert secrets[1].expires_at.tzinfo is dt.UTC


def test_the_audit_log_pages_newest_first_by_time_then_id() -> None:
    factory = with_accounts()
    events = [
        dataclasses.replace(EVENT, id=i, occurred_at=NOW + dt.timedelta(minutes=m))
        for i, m in (("ev-a", 0), ("ev-b", 5), ("ev-c", 5), ("ev-d", 10))
    ]
    with factory() as uow:
        for each in events:
            uow.audit.add(each)
        first = uow.audit.list_for_organization("o-1", limit=2)
        cursor = (first[-1].occurred_at.astimezone(PLUS_TWO), first[-1].id)
        rest = uow.audit.list_for_organization("o-1", limit=5, before=cursor)

    assert [e.id for e in first] == ["ev-d", "ev-c"]
    assert [e.id for e in rest] == ["ev-b", "ev-a"]


def test_audit_events_come_back_as_through_json_with_times_in_utc() -> None:
    factory = with_accounts()
    tuples: Any = {"sellers": ("a",), "changed": ((), ("a",))}  # not JSON values, yet accepted
    recorded = dataclasses.replace(
        EVENT,
        occurred_at=NOW.astimezone(PLUS_TWO),
        request_parameters={"sellers": tuples["sellers"]},
        changes=(FieldChange("sellers", *tuples["changed"]), FieldChange("test_mode", True, False)),
    )
    not_json: Any = {"x": NOW}

    with factory() as uow:
        uow.audit.add(recorded)
        (found,) = uow.audit.list_for_organization("o-1", limit=1)
        with pytest.raises(TypeError):
            uow.audit.add(dataclasses.replace(EVENT, id="ev-2", request_parameters=not_json))

    assert found.request_parameters == {"sellers": ["a"]}
    assert found.changes == (
        FieldChange("sellers", [], ["a"]),
        FieldChange("test_mode", True, False),
    )
    assert found.occurred_at.tzinfo is dt.UTC


# --- punchout --------------------------------------------------------------------------------

TOKEN = "a" * 64
SESSION = PunchoutSession(
    id="ps-1", connection_id="pc-1", organization_id="o-1", account_id=ACCOUNT.id,
    system=ProcurementSystem.COUPA, operation=PunchoutOperation.CREATE, buyer_cookie="cookie",
    form_post_url="https://buyer.example.com/punchout/return",
    cart_field=CartReturnField.URLENCODED, cxml_version="1.2.014", test=False,
    token_hash=TOKEN, token_expires_at=NOW + START_TOKEN_LIFETIME,
    expires_at=NOW + SESSION_LIFETIME, created_at=NOW,
)  # fmt: skip
UPFRONT = Charge(ChargeKind.UPFRONT, "12-month contract", Decimal("1234.56"))
USAGE = Charge(ChargeKind.USAGE, "Usage (budget estimate)", Decimal("0.01"))
REQUEST = SubscriptionRequest(
    id="sr-1", organization_id="o-1", account_id=ACCOUNT.id, user_id="u-1", product_id="prod-1",
    product_title="Log Analytics", seller_name="Kestrel", offer_id="offer-1",
    offer_name="Contract", pricing_model=PricingModel.SAAS_CONTRACT, currency="USD",
    choice=OfferChoice(12, {"users": 3}, Decimal("0.01")), charges=(UPFRONT, USAGE),
    lines=cart_lines((UPFRONT, USAGE), split=True), status=RequestStatus.PENDING_APPROVAL,
    test=False, created_at=NOW, updated_at=NOW,
)  # fmt: skip


def with_session() -> FakeUnitOfWorkFactory:
    factory = with_connection()
    with factory() as uow:
        uow.punchout.add_session(SESSION)
        uow.commit()
    return factory


def test_a_session_comes_back_with_tuples_and_times_in_utc() -> None:
    factory = with_connection()
    listed: Any = {"extrinsics": [("UserEmail", "b@acme.example"), ("Dept", "IT")]}
    full = dataclasses.replace(
        SESSION,
        operation=PunchoutOperation.EDIT,
        extrinsics=listed["extrinsics"],
        request_ids=cast(Any, ["sr-2", "sr-1"]),
        created_at=NOW.astimezone(PLUS_TWO),
        returned_at=dt.datetime(2024, 5, 1, 3),  # naive: taken as UTC
    )

    with factory() as uow:
        uow.punchout.add_session(full)
        found = uow.punchout.get_session("ps-1")
        by_token = uow.punchout.get_session_by_token(TOKEN)
        assert uow.punchout.get_session("ps-9") is None
        assert uow.punchout.get_session_by_token("b" * 64) is None

    assert found == by_token
    assert found is not None
    assert found.extrinsics == (("UserEmail", "b@acme.example"), ("Dept", "IT"))
    assert found.request_ids == ("sr-2", "sr-1")
    assert found.created_at == NOW
    assert found.created_at.tzinfo is dt.UTC
    assert found.returned_at == dt.datetime(2024, 5, 1, 3, tzinfo=dt.UTC)


def test_a_start_token_is_claimed_once() -> None:
    factory = with_session()
    used_at = (NOW + dt.timedelta(minutes=1)).astimezone(PLUS_TWO)

    with factory() as uow:
        assert uow.punchout.claim_start_token("ps-1", used_at) is True
        assert uow.punchout.claim_start_token("ps-1", used_at) is False
        assert uow.punchout.claim_start_token("ps-9", used_at) is False
        uow.commit()

    stored = factory.store.punchout_sessions["ps-1"]
    assert stored.token_used_at == used_at
    assert stored.token_used_at is not None
    assert stored.token_used_at.tzinfo is dt.UTC


def test_updating_a_session_replaces_it_unless_missing() -> None:
    factory = with_session()
    signed_in = dataclasses.replace(SESSION, user_id="u-1", status=SessionStatus.RETURNED)

    with factory() as uow:
        uow.punchout.update_session(signed_in)
        with pytest.raises(NotFoundError):
            uow.punchout.update_session(dataclasses.replace(SESSION, id="ps-9"))
        uow.commit()

    assert factory.store.punchout_sessions == {"ps-1": signed_in}


@pytest.mark.parametrize(
    "write",
    [
        lambda uow: uow.punchout.add_session(dataclasses.replace(SESSION, token_hash="b" * 64)),
        lambda uow: uow.punchout.add_session(dataclasses.replace(SESSION, id="ps-2")),
        lambda uow: uow.punchout.add_request(REQUEST),
    ],
    ids=["session-id", "token-hash", "request-id"],
)
def test_punchout_duplicates_are_refused(write: Write) -> None:
    factory = with_session()
    with factory() as uow:
        uow.punchout.add_request(REQUEST)
        uow.commit()

    with factory() as uow, pytest.raises(FakeIntegrityError, match="duplicate"):
        write(uow)


@pytest.mark.parametrize(
    "write",
    [
        lambda uow: uow.punchout.add_session(
            dataclasses.replace(SESSION, id="ps-2", token_hash="b", connection_id="pc-9")
        ),
        lambda uow: uow.punchout.add_session(
            dataclasses.replace(SESSION, id="ps-2", token_hash="b", organization_id="o-9")
        ),
        lambda uow: uow.punchout.add_session(
            dataclasses.replace(SESSION, id="ps-2", token_hash="b", user_id="u-9")
        ),
        lambda uow: uow.punchout.update_session(dataclasses.replace(SESSION, user_id="u-9")),
        lambda uow: uow.punchout.add_request(dataclasses.replace(REQUEST, organization_id="o-9")),
        lambda uow: uow.punchout.add_request(dataclasses.replace(REQUEST, user_id="u-9")),
        lambda uow: uow.punchout.add_request(dataclasses.replace(REQUEST, connection_id="pc-9")),
        lambda uow: uow.punchout.add_request(dataclasses.replace(REQUEST, session_id="ps-9")),
    ],
    ids=[
        "session-without-connection",
        "session-without-organization",
        "session-without-user",
        "session-updated-without-user",
        "request-without-organization",
        "request-without-user",
        "request-without-connection",
        "request-without-session",
    ],
)
def test_punchout_foreign_keys_must_exist(write: Write) -> None:
    factory = with_session()

    with factory() as uow, pytest.raises(FakeIntegrityError, match="foreign key"):
        write(uow)


def test_a_request_comes_back_as_storage_gives_it_back() -> None:
    factory = with_session()
    mapping: Any = MappingProxyType({"users": 3, "admins": 0})
    asked = dataclasses.replace(
        REQUEST,
        choice=OfferChoice(None, mapping, None, annual=True),
        charges=cast(Any, [UPFRONT, USAGE]),
        connection_id="pc-1",
        session_id="ps-1",
        updated_at=NOW.astimezone(PLUS_TWO),
    )

    with factory() as uow:
        uow.punchout.add_request(asked)
        found = uow.punchout.get_request("sr-1")
        assert uow.punchout.get_request("sr-9") is None

    assert found == dataclasses.replace(asked, charges=(UPFRONT, USAGE))
    assert found is not None
    assert type(found.choice.quantities) is dict
    assert list(found.choice.quantities) == ["users", "admins"]
    assert found.lines[1].unit_price == Decimal("0.01")
    assert str(found.charges[0].amount) == "1234.56"
    assert found.total == Decimal("1234.57")
    assert found.updated_at.tzinfo is dt.UTC


def test_updating_a_request_replaces_it_unless_missing() -> None:
    factory = with_session()
    with factory() as uow:
        uow.punchout.add_request(REQUEST)
        uow.commit()
    approved = dataclasses.replace(REQUEST, status=RequestStatus.PO_RECEIVED, charges=(UPFRONT,))

    with factory() as uow:
        uow.punchout.update_request(approved)
        with pytest.raises(NotFoundError):
            uow.punchout.update_request(dataclasses.replace(REQUEST, id="sr-9"))
        uow.commit()

    assert factory.store.subscription_requests == {"sr-1": approved}


def test_requests_are_listed_newest_first_per_organization_and_user() -> None:
    factory = with_session()
    with factory() as uow:
        uow.users.add(dataclasses.replace(USER, id="u-2", email="b@acme.example"))
        uow.users.add(
            dataclasses.replace(
                USER, id="u-3", account_id=OTHER_ACCOUNT.id, email="c@other.example"
            )
        )
        for request_id, minutes, user in (
            ("sr-a", 0, "u-1"), ("sr-b", 5, "u-2"), ("sr-c", 5, "u-1"), ("sr-d", 10, "u-2"),
        ):  # fmt: skip
            created = NOW + dt.timedelta(minutes=minutes)
            uow.punchout.add_request(
                dataclasses.replace(REQUEST, id=request_id, user_id=user, created_at=created)
            )
        uow.punchout.add_request(
            dataclasses.replace(REQUEST, id="sr-x", organization_id="o-2", user_id="u-3")
        )

        def ids(organization_id: str, **criteria: Any) -> list[str]:
            found = uow.punchout.list_requests(organization_id, **criteria)
            return [r.id for r in found]

        assert ids("o-1") == ["sr-d", "sr-c", "sr-b", "sr-a"]
        assert ids("o-1", user_id="u-1") == ["sr-c", "sr-a"]
        assert ids("o-1", limit=2) == ["sr-d", "sr-c"]
        assert ids("o-1", limit=0) == []
        assert ids("o-2") == ["sr-x"]
        assert ids("o-2", user_id="u-1") == []


# --- agreements, purchase orders and the outbox ----------------------------------------------

AGREEMENT = Agreement(
    id="agmt-1", organization_id="o-1", account_id=ACCOUNT.id, user_id="u-1", request_id="sr-1",
    product_id="prod-1", product_title="Log Analytics", seller_name="Kestrel",
    offer_id="offer-1", offer_name="Contract", pricing_model=PricingModel.SAAS_CONTRACT,
    payment_model=PaymentModel.UPFRONT, currency="USD",
    choice=OfferChoice(12, {"users": 3}, Decimal("0.01")), charges=(UPFRONT, USAGE),
    starts_on=dt.date(2024, 5, 1), ends_on=dt.date(2025, 5, 1), status=AgreementStatus.ACTIVE,
    created_at=NOW, updated_at=NOW,
)  # fmt: skip
LINE = OrderLine(1, "offer-1", "sr-1", Decimal("1"), Decimal("1234.56"), "USD", "Contract")
ORDER = PurchaseOrder(
    id="po-1", organization_id="o-1", connection_id="pc-1", order_number="PO-1",
    order_version=1, kind=OrderKind.NEW, payload_id="1@buyer.example", order_date=NOW,
    total=Decimal("1234.57"), currency="USD", lines=(LINE,), test=False, received_at=NOW,
)  # fmt: skip
MESSAGE = OutboxMessage(
    id="msg-1", kind=MessageKind.EMAIL, organization_id="o-1", destination="it@acme.example",
    subject="Your subscription", body="Hello\n", status=DeliveryStatus.PENDING,
    next_attempt_at=NOW, created_at=NOW,
)  # fmt: skip
ATTEMPT = DeliveryAttempt(
    id="att-1", message_id="msg-1", attempted_at=NOW, outcome=AttemptOutcome.TRANSIENT,
    duration_ms=12, status_code=503, response_excerpt="busy",
)  # fmt: skip
LEASE = dt.timedelta(minutes=5)


def with_request(*more: SubscriptionRequest) -> FakeUnitOfWorkFactory:
    factory = with_session()
    with factory() as uow:
        for each in (REQUEST, *more):
            uow.punchout.add_request(each)
        uow.commit()
    return factory


def test_an_agreement_comes_back_as_storage_gives_it_back() -> None:
    factory = with_request()
    mapping: Any = MappingProxyType({"users": 3, "admins": 0})
    bought = dataclasses.replace(
        AGREEMENT,
        choice=OfferChoice(None, mapping, None, annual=True),
        charges=cast(Any, [UPFRONT, USAGE]),
        connection_id="pc-1",
        purchase_order_number="PO-1",
        purchase_order_lines=cast(Any, [2, 1]),
        cancelled_at=dt.datetime(2024, 5, 2, 3),  # naive: taken as UTC
        updated_at=NOW.astimezone(PLUS_TWO),
    )

    with factory() as uow:
        uow.agreements.add(bought)
        found = uow.agreements.get("agmt-1")
        assert uow.agreements.for_request("sr-1") == found
        assert uow.agreements.get("agmt-9") is None
        assert uow.agreements.for_request("sr-9") is None

    assert found == dataclasses.replace(
        bought,
        charges=(UPFRONT, USAGE),
        purchase_order_lines=(2, 1),
        cancelled_at=dt.datetime(2024, 5, 2, 3, tzinfo=dt.UTC),
    )
    assert found is not None
    assert type(found.choice.quantities) is dict
    assert str(found.charges[0].amount) == "1234.56"
    assert found.updated_at.tzinfo is dt.UTC


def test_updating_an_agreement_replaces_it_unless_missing() -> None:
    factory = with_request()
    with factory() as uow:
        uow.agreements.add(AGREEMENT)
        uow.commit()
    cancelled = dataclasses.replace(
        AGREEMENT, status=AgreementStatus.CANCELLED, cancelled_at=NOW, order_version=2
    )

    with factory() as uow:
        uow.agreements.update(cancelled)
        with pytest.raises(NotFoundError):
            uow.agreements.update(dataclasses.replace(AGREEMENT, id="agmt-9"))
        uow.commit()

    assert factory.store.agreements == {"agmt-1": cancelled}


@pytest.mark.parametrize(
    "write",
    [
        lambda uow: uow.agreements.add(dataclasses.replace(AGREEMENT, request_id="sr-2")),
        lambda uow: uow.agreements.add(dataclasses.replace(AGREEMENT, id="agmt-2")),
        lambda uow: uow.agreements.update(
            dataclasses.replace(AGREEMENT, id="agmt-2", request_id="sr-1")
        ),
        lambda uow: uow.outbox.add(MESSAGE),
        lambda uow: uow.outbox.add_attempt(ATTEMPT),
        lambda uow: uow.orders.add_order(dataclasses.replace(ORDER, order_version=2)),
    ],
    ids=["agreement-id", "agreement-request", "updated-to-a-taken-request", "message-id",
         "attempt-id", "order-id"],
)  # fmt: skip
def test_agreement_order_and_outbox_duplicates_are_refused(write: Write) -> None:
    factory = with_request(dataclasses.replace(REQUEST, id="sr-2"))
    with factory() as uow:
        uow.agreements.add(AGREEMENT)
        uow.agreements.add(dataclasses.replace(AGREEMENT, id="agmt-2", request_id="sr-2"))
        uow.orders.add_order(ORDER)
        uow.outbox.add(MESSAGE)
        uow.outbox.add_attempt(ATTEMPT)
        uow.commit()

    with factory() as uow, pytest.raises(FakeIntegrityError):
        write(uow)


@pytest.mark.parametrize(
    "write",
    [
        lambda uow: uow.agreements.add(dataclasses.replace(AGREEMENT, organization_id="o-9")),
        lambda uow: uow.agreements.add(dataclasses.replace(AGREEMENT, user_id="u-9")),
        lambda uow: uow.agreements.add(dataclasses.replace(AGREEMENT, request_id="sr-9")),
        lambda uow: uow.agreements.add(dataclasses.replace(AGREEMENT, connection_id="pc-9")),
        lambda uow: uow.orders.claim_payload("1@buyer.example", "pc-9", NOW),
        lambda uow: uow.orders.add_order(dataclasses.replace(ORDER, organization_id="o-9")),
        lambda uow: uow.orders.add_order(dataclasses.replace(ORDER, connection_id="pc-9")),
        lambda uow: uow.outbox.add(dataclasses.replace(MESSAGE, organization_id="o-9")),
        lambda uow: uow.outbox.add_attempt(ATTEMPT),
    ],
    ids=["agreement-without-organization", "agreement-without-user", "agreement-without-request",
         "agreement-without-connection", "receipt-without-connection",
         "order-without-organization", "order-without-connection",
         "message-without-organization", "attempt-without-message"],
)  # fmt: skip
def test_agreement_order_and_outbox_foreign_keys_must_exist(write: Write) -> None:
    factory = with_request()

    with factory() as uow, pytest.raises(FakeIntegrityError, match="foreign key"):
        write(uow)


def test_agreements_are_listed_newest_first_per_organization_and_user() -> None:
    more = [dataclasses.replace(REQUEST, id=f"sr-{n}") for n in "abcd"]
    factory = with_request(*more)
    with factory() as uow:
        uow.users.add(dataclasses.replace(USER, id="u-2", email="b@acme.example"))
        for agreement_id, minutes, user in (
            ("agmt-a", 0, "u-1"), ("agmt-b", 5, "u-2"), ("agmt-c", 5, "u-1"), ("agmt-d", 10, "u-2"),
        ):  # fmt: skip
            uow.agreements.add(
                dataclasses.replace(
                    AGREEMENT,
                    id=agreement_id,
                    request_id="sr-" + agreement_id[-1],
                    user_id=user,
                    created_at=NOW + dt.timedelta(minutes=minutes),
                )
            )

        def ids(**criteria: Any) -> list[str]:
            return [a.id for a in uow.agreements.list_for_organization("o-1", **criteria)]

        assert ids() == ["agmt-d", "agmt-c", "agmt-b", "agmt-a"]
        assert ids(user_id="u-1") == ["agmt-c", "agmt-a"]
        assert ids(limit=2) == ["agmt-d", "agmt-c"]
        assert ids(limit=0) == []
        assert list(uow.agreements.list_for_organization("o-2")) == []


def test_the_annual_pending_agreement_is_the_oldest_active_one_on_the_offer() -> None:
    factory = with_request(*(dataclasses.replace(REQUEST, id=f"sr-{n}") for n in "abcd"))
    pending = dataclasses.replace(
        AGREEMENT, pricing_model=PricingModel.SERVER_ANNUAL, annual_pending=True
    )
    with factory() as uow:
        for agreement_id, minutes, changes in (
            ("agmt-a", 0, {"status": AgreementStatus.CANCELLED}),
            ("agmt-b", 9, {}),
            ("agmt-c", 5, {}),
            ("agmt-d", 1, {"annual_pending": False}),
        ):
            uow.agreements.add(
                dataclasses.replace(
                    pending,
                    id=agreement_id,
                    request_id="sr-" + agreement_id[-1],
                    created_at=NOW + dt.timedelta(minutes=minutes),
                    **changes,
                )
            )
        found = uow.agreements.find_annual_pending("o-1", "offer-1")
        assert uow.agreements.find_annual_pending("o-1", "offer-2") is None
        assert uow.agreements.find_annual_pending("o-2", "offer-1") is None

    assert found is not None
    assert found.id == "agmt-c"


def test_a_payload_is_claimed_once_and_its_answer_kept() -> None:
    factory = with_connection()
    received = NOW.astimezone(PLUS_TWO)

    with factory() as uow:
        assert uow.orders.claim_payload("1@buyer.example", "pc-1", received) is True
        assert uow.orders.claim_payload("1@buyer.example", "pc-1", received) is False
        claimed = uow.orders.get_receipt("1@buyer.example")
        uow.orders.complete_receipt("1@buyer.example", 200, "<cXML/>")
        with pytest.raises(NotFoundError):
            uow.orders.complete_receipt("2@buyer.example", 200, "<cXML/>")
        assert uow.orders.get_receipt("2@buyer.example") is None
        uow.commit()

    assert claimed == Receipt(payload_id="1@buyer.example", connection_id="pc-1", received_at=NOW)
    assert claimed.received_at.tzinfo is dt.UTC
    assert factory.store.receipts["1@buyer.example"] == dataclasses.replace(
        claimed, status_code=200, response="<cXML/>"
    )
    with factory() as uow:
        assert uow.orders.claim_payload("1@buyer.example", "pc-1", NOW) is False


def test_a_claim_rolled_back_leaves_the_payload_free() -> None:
    factory = with_connection()

    with factory() as uow:
        assert uow.orders.claim_payload("1@buyer.example", "pc-1", NOW) is True
        uow.rollback()
        assert uow.orders.claim_payload("1@buyer.example", "pc-1", NOW) is True


def test_an_order_comes_back_as_storage_gives_it_back() -> None:
    factory = with_connection()
    received = dataclasses.replace(
        ORDER,
        lines=cast(Any, [LINE, OrderLine(2, "offer-1", None, Decimal("0.5"))]),
        agreement_ids=cast(Any, ["agmt-2", "agmt-1"]),
        order_date=dt.datetime(2024, 4, 30, 22),  # naive: taken as UTC
        received_at=NOW.astimezone(PLUS_TWO),
    )

    with factory() as uow:
        uow.orders.add_order(received)
        (found,) = uow.orders.find_orders("pc-1", "PO-1")

    assert found == dataclasses.replace(
        received,
        lines=(LINE, OrderLine(2, "offer-1", None, Decimal("0.5"))),
        agreement_ids=("agmt-2", "agmt-1"),
        order_date=dt.datetime(2024, 4, 30, 22, tzinfo=dt.UTC),
    )
    assert str(found.lines[0].unit_price) == "1234.56"
    assert found.received_at.tzinfo is dt.UTC


def test_an_order_version_and_kind_is_received_once_per_connection() -> None:
    other = dataclasses.replace(CONNECTION, id="pc-2", buyer_identity="acme-2")
    factory = with_connection(other)

    with factory() as uow:
        update = dataclasses.replace(ORDER, id="po-3", order_version=3, kind=OrderKind.UPDATE)
        uow.orders.add_order(update)
        uow.orders.add_order(ORDER)
        uow.orders.add_order(dataclasses.replace(update, id="po-2", kind=OrderKind.DELETE))
        uow.orders.add_order(dataclasses.replace(ORDER, id="po-x", connection_id="pc-2"))
        uow.orders.add_order(dataclasses.replace(ORDER, id="po-y", order_number="PO-2"))
        with pytest.raises(ConflictError):
            uow.orders.add_order(dataclasses.replace(ORDER, id="po-4"))
        found = [o.id for o in uow.orders.find_orders("pc-1", "PO-1")]
        assert [o.id for o in uow.orders.find_orders("pc-2", "PO-1")] == ["po-x"]
        assert list(uow.orders.find_orders("pc-1", "po-1")) == []

    assert found == ["po-1", "po-2", "po-3"]


def test_orders_are_listed_newest_first_per_organization_and_test_flag() -> None:
    factory = with_connection()
    with factory() as uow:
        for order_id, minutes, test in (
            ("po-a", 0, False), ("po-b", 5, True), ("po-c", 5, False), ("po-d", 10, True),
        ):  # fmt: skip
            uow.orders.add_order(
                dataclasses.replace(
                    ORDER,
                    id=order_id,
                    order_number=order_id,
                    test=test,
                    received_at=NOW + dt.timedelta(minutes=minutes),
                )
            )

        def ids(**criteria: Any) -> list[str]:
            return [o.id for o in uow.orders.list_orders("o-1", **criteria)]

        assert ids() == ["po-d", "po-c", "po-b", "po-a"]
        assert ids(test=True) == ["po-d", "po-b"]
        assert ids(test=False) == ["po-c", "po-a"]
        assert ids(limit=1) == ["po-d"]
        assert ids(limit=0) == []
        assert list(uow.orders.list_orders("o-2")) == []


def with_messages(*messages: OutboxMessage) -> FakeUnitOfWorkFactory:
    factory = with_connection()
    with factory() as uow:
        for message in messages:
            uow.outbox.add(message)
        uow.commit()
    return factory


def test_due_messages_are_claimed_longest_due_first_and_leased() -> None:
    def message(message_id: str, minutes: int, **changes: Any) -> OutboxMessage:
        due = NOW + dt.timedelta(minutes=minutes)
        return dataclasses.replace(MESSAGE, id=message_id, next_attempt_at=due, **changes)

    factory = with_messages(
        message("msg-c", -1), message("msg-b", -5), message("msg-a", -1), message("msg-d", 0),
        message("msg-later", 1), message("msg-sent", -9, status=DeliveryStatus.DELIVERED),
        message("msg-dead", -9, status=DeliveryStatus.DEAD),
    )  # fmt: skip

    with factory() as uow:
        first = uow.outbox.claim_due(NOW.astimezone(PLUS_TWO), limit=3, lease=LEASE)
        second = uow.outbox.claim_due(NOW, limit=3, lease=LEASE)
        third = uow.outbox.claim_due(NOW, limit=3, lease=LEASE)
        assert uow.outbox.claim_due(NOW, limit=0, lease=LEASE) == ()
        uow.commit()

    assert [m.id for m in first] == ["msg-b", "msg-a", "msg-c"]
    assert [m.id for m in second] == ["msg-d"]
    assert third == ()
    assert {m.next_attempt_at for m in (*first, *second)} == {NOW + LEASE}
    assert first[0].next_attempt_at.tzinfo is dt.UTC
    assert factory.store.outbox_messages["msg-b"] == first[0]
    with factory() as uow:  # the lease ends: due again, with the message due meanwhile
        again = uow.outbox.claim_due(NOW + LEASE, limit=10, lease=LEASE)
    assert [m.id for m in again] == ["msg-later", "msg-a", "msg-b", "msg-c", "msg-d"]


def test_a_message_is_updated_unless_missing_and_its_attempts_listed_oldest_first() -> None:
    factory = with_messages(MESSAGE)
    delivered = dataclasses.replace(
        MESSAGE, status=DeliveryStatus.DELIVERED, attempts=2, delivered_at=NOW.astimezone(PLUS_TWO)
    )

    with factory() as uow:
        uow.outbox.update(delivered)
        with pytest.raises(NotFoundError):
            uow.outbox.update(dataclasses.replace(MESSAGE, id="msg-9"))
        for attempt_id, minutes in (("att-b", 1), ("att-c", 0), ("att-a", 1)):
            uow.outbox.add_attempt(
                dataclasses.replace(
                    ATTEMPT, id=attempt_id, attempted_at=NOW + dt.timedelta(minutes=minutes)
                )
            )
        attempts = [a.id for a in uow.outbox.list_attempts("msg-1")]
        assert list(uow.outbox.list_attempts("msg-9")) == []
        found = uow.outbox.get("msg-1")
        assert uow.outbox.get("msg-9") is None

    assert attempts == ["att-c", "att-a", "att-b"]
    assert found == delivered
    assert found is not None
    assert found.delivered_at is not None
    assert found.delivered_at.tzinfo is dt.UTC


def test_messages_are_listed_newest_first_and_filtered() -> None:
    def message(message_id: str, minutes: int, **changes: Any) -> OutboxMessage:
        created = NOW + dt.timedelta(minutes=minutes)
        return dataclasses.replace(MESSAGE, id=message_id, created_at=created, **changes)

    factory = with_messages(
        message("msg-a", 0), message("msg-b", 5, kind=MessageKind.INVOICE),
        message("msg-c", 5, status=DeliveryStatus.FAILED), message("msg-d", 10),
        message("msg-x", 20, organization_id="o-2"),
    )  # fmt: skip

    with factory() as uow:

        def ids(organization_id: str | None, **criteria: Any) -> list[str]:
            return [m.id for m in uow.outbox.list_messages(organization_id, **criteria)]

        assert ids("o-1") == ["msg-d", "msg-c", "msg-b", "msg-a"]
        assert ids(None) == ["msg-x", "msg-d", "msg-c", "msg-b", "msg-a"]
        assert ids("o-1", kind=MessageKind.INVOICE) == ["msg-b"]
        assert ids("o-1", status=DeliveryStatus.PENDING) == ["msg-d", "msg-b", "msg-a"]
        assert ids(None, kind=MessageKind.EMAIL, status=DeliveryStatus.FAILED) == ["msg-c"]
        assert ids(None, limit=2) == ["msg-x", "msg-d"]
        assert ids(None, limit=0) == []


# --- billing ---------------------------------------------------------------------------------

INVOICE_LINE = InvoiceLine(
    number=1, description="Log Analytics - Contract: 12-month contract",
    quantity=Decimal("1"), unit_price=Decimal("1234.56"), amount=Decimal("1234.56"),
    supplier_part_id="offer-1", purchase_order_line=2,
)  # fmt: skip
INVOICE = Invoice(
    id="inv-1", number="INV-202405-0001", organization_id="o-1", account_id=ACCOUNT.id,
    agreement_id="agmt-1", billing_key="upfront", kind=InvoiceKind.UPFRONT,
    invoice_date=dt.date(2024, 5, 1), period_start=dt.date(2024, 5, 1),
    period_end=dt.date(2025, 5, 1), currency="USD", lines=(INVOICE_LINE,),
    subtotal=Decimal("1234.56"), tax_rate=Decimal("0.2"), tax=Decimal("246.91"),
    total=Decimal("1481.47"), product_id="prod-1", product_title="Log Analytics",
    created_at=NOW,
)  # fmt: skip
RECORD = UsageRecord(
    id="rec-1", agreement_id="agmt-1", dimension="requests", quantity=Decimal("0.000001"),
    occurred_at=NOW, reported_at=NOW,
)  # fmt: skip
SELLER_KEY = SellerKey(
    id="sk-1", seller_id="seller-1", prefix="abcdefgh", key_hash="f" * 64, created_at=NOW
)


def with_agreements(*ids: str) -> FakeUnitOfWorkFactory:
    """``agmt-1`` (request ``sr-1``), one more agreement of ``o-1`` per id, ``agmt-x`` of
    ``o-2``, and the sellers."""
    more = [dataclasses.replace(REQUEST, id=f"sr-{i}") for i in (*ids, "x")]
    factory = with_request(*more)
    with factory() as uow:
        uow.catalog.add_sellers([SELLER, OTHER_SELLER])
        uow.agreements.add(AGREEMENT)
        for each in ids:
            uow.agreements.add(dataclasses.replace(AGREEMENT, id=each, request_id=f"sr-{each}"))
        uow.agreements.add(
            dataclasses.replace(AGREEMENT, id="agmt-x", organization_id="o-2", request_id="sr-x")
        )
        uow.commit()
    return factory


def test_agreements_are_paged_by_id_across_organizations() -> None:
    factory = with_agreements("agmt-3", "agmt-2", "agmt-0")

    with factory() as uow:

        def ids(after_id: str | None, limit: int) -> list[str]:
            return [a.id for a in uow.agreements.list_page(after_id=after_id, limit=limit)]

        assert ids(None, 2) == ["agmt-0", "agmt-1"]
        assert ids("agmt-1", 2) == ["agmt-2", "agmt-3"]
        assert ids("agmt-3", 2) == ["agmt-x"]
        assert ids("agmt-x", 2) == []
        assert ids("agmt-10", 10) == ["agmt-2", "agmt-3", "agmt-x"]  # strictly after, by id
        assert ids(None, 0) == []


def test_an_invoice_comes_back_as_storage_gives_it_back() -> None:
    factory = with_agreements()
    full = dataclasses.replace(
        INVOICE,
        kind=InvoiceKind.CREDIT_MEMO,
        billing_key="credit:inv-0",
        lines=cast(Any, [INVOICE_LINE, dataclasses.replace(INVOICE_LINE, number=2)]),
        created_at=NOW.astimezone(PLUS_TWO),
        purchase_order_number="PO-1",
        original_invoice_id="inv-0",
        connection_id="pc-1",
        cxml=True,
        message_id="msg-1",
    )

    with factory() as uow:
        assert uow.billing.add_invoice(full) is True
        uow.commit()
    with factory() as uow:
        found = uow.billing.get_invoice("inv-1")
        assert uow.billing.get_invoice("inv-9") is None

    assert found == dataclasses.replace(
        full, lines=(INVOICE_LINE, dataclasses.replace(INVOICE_LINE, number=2))
    )
    assert found is not None
    assert type(found.lines) is tuple
    assert found.created_at.tzinfo is dt.UTC
    assert str(found.lines[0].unit_price) == "1234.56"


def test_an_invoice_is_made_once_per_agreement_and_billing_key() -> None:
    factory = with_agreements("agmt-2")
    with factory() as uow:
        assert uow.billing.add_invoice(INVOICE) is True
        again = dataclasses.replace(INVOICE, id="inv-2", number="INV-202405-0002")
        assert uow.billing.add_invoice(again) is False
        # Even with a taken number: the billing key is checked first.
        assert uow.billing.add_invoice(dataclasses.replace(again, number=INVOICE.number)) is False
        other = dataclasses.replace(again, agreement_id="agmt-2")
        assert uow.billing.add_invoice(other) is True
        uow.commit()

    assert set(factory.store.invoices) == {"inv-1", "inv-2"}


def test_a_taken_invoice_number_is_a_conflict() -> None:
    factory = with_agreements()
    with factory() as uow:
        uow.billing.add_invoice(INVOICE)
        with pytest.raises(ConflictError):
            uow.billing.add_invoice(
                dataclasses.replace(INVOICE, id="inv-2", billing_key="instalment:1")
            )


@pytest.mark.parametrize(
    "write",
    [
        lambda uow: uow.billing.add_invoice(
            dataclasses.replace(INVOICE, number="INV-2", billing_key="usage:2024-05")
        ),
    ],
    ids=["invoice-id"],
)
def test_billing_duplicates_are_refused(write: Write) -> None:
    factory = with_agreements()
    with factory() as uow:
        uow.billing.add_invoice(INVOICE)
        uow.commit()

    with factory() as uow, pytest.raises(FakeIntegrityError):
        write(uow)


@pytest.mark.parametrize(
    "changes",
    [{"prefix": "other"}, {"id": "sk-2"}, {"id": "sk-2", "prefix": "other", "seller_id": "x"}],
    ids=["taken-id", "taken-prefix", "unknown-seller"],
)
def test_a_seller_key_with_a_taken_id_or_prefix_or_an_unknown_seller_is_a_conflict(
    changes: dict[str, Any],
) -> None:
    factory = with_agreements()
    with factory() as uow:
        uow.billing.add_seller_key(SELLER_KEY)
        uow.commit()

    with factory() as uow:
        with pytest.raises(ConflictError):
            uow.billing.add_seller_key(dataclasses.replace(SELLER_KEY, **changes))
        uow.billing.add_seller_key(dataclasses.replace(SELLER_KEY, id="sk-3", prefix="third"))


@pytest.mark.parametrize(
    "write",
    [
        lambda uow: uow.billing.add_invoice(dataclasses.replace(INVOICE, organization_id="o-9")),
        lambda uow: uow.billing.add_invoice(dataclasses.replace(INVOICE, agreement_id="agmt-9")),
        lambda uow: uow.billing.add_usage(
            dataclasses.replace(RECORD, agreement_id="agmt-9"), "seller-1"
        ),
    ],
    ids=["invoice-without-organization", "invoice-without-agreement",
         "usage-without-agreement"],
)  # fmt: skip
def test_billing_foreign_keys_must_exist(write: Write) -> None:
    factory = with_agreements()

    with factory() as uow, pytest.raises(FakeIntegrityError, match="foreign key"):
        write(uow)


def test_invoices_are_grouped_by_agreement_oldest_first() -> None:
    factory = with_agreements("agmt-2", "agmt-3")

    def invoice(invoice_id: str, agreement_id: str, day: int, minutes: int) -> Invoice:
        return dataclasses.replace(
            INVOICE, id=invoice_id, number=f"INV-{invoice_id}", agreement_id=agreement_id,
            billing_key=f"key-{invoice_id}", invoice_date=dt.date(2024, 5, day),
            created_at=NOW + dt.timedelta(minutes=minutes),
        )  # fmt: skip

    with factory() as uow:
        for each in (
            invoice("inv-c", "agmt-1", 2, 0), invoice("inv-a", "agmt-1", 1, 9),
            invoice("inv-b", "agmt-1", 2, 0), invoice("inv-d", "agmt-2", 1, 0),
        ):  # fmt: skip
            uow.billing.add_invoice(each)
        found = uow.billing.invoices_for_agreements(["agmt-2", "agmt-1", "agmt-3", "agmt-9"])
        assert uow.billing.invoices_for_agreements([]) == {}

    assert {k: [i.id for i in v] for k, v in found.items()} == {
        "agmt-1": ["inv-a", "inv-b", "inv-c"],
        "agmt-2": ["inv-d"],
    }


def test_invoices_are_listed_newest_first_per_organization_and_account() -> None:
    factory = with_agreements()

    def invoice(invoice_id: str, day: int, minutes: int, **changes: Any) -> Invoice:
        return dataclasses.replace(
            INVOICE, id=invoice_id, number=f"INV-{invoice_id}", billing_key=f"key-{invoice_id}",
            invoice_date=dt.date(2024, 5, day), created_at=NOW + dt.timedelta(minutes=minutes),
            **changes,
        )  # fmt: skip

    with factory() as uow:
        for each in (
            invoice("inv-a", 1, 9), invoice("inv-b", 2, 0), invoice("inv-c", 2, 5),
            invoice("inv-d", 2, 5, account_id="333333333333"),
            invoice("inv-x", 3, 0, organization_id="o-2", agreement_id="agmt-x"),
        ):  # fmt: skip
            uow.billing.add_invoice(each)

        def ids(organization_id: str | None, **criteria: Any) -> list[str]:
            return [i.id for i in uow.billing.list_invoices(organization_id, **criteria)]

        assert ids("o-1") == ["inv-d", "inv-c", "inv-b", "inv-a"]
        assert ids(None) == ["inv-x", "inv-d", "inv-c", "inv-b", "inv-a"]
        assert ids("o-1", account_id=ACCOUNT.id) == ["inv-c", "inv-b", "inv-a"]
        assert ids(None, account_id="333333333333") == ["inv-d"]
        assert ids(None, limit=2) == ["inv-x", "inv-d"]
        assert ids("o-1", limit=0) == []
        assert ids("o-9") == []


def test_a_usage_record_is_kept_once_per_seller_and_record_id() -> None:
    factory = with_agreements()
    naive = dataclasses.replace(RECORD, occurred_at=dt.datetime(2024, 5, 1, 3))

    with factory() as uow:
        assert uow.billing.add_usage(naive, "seller-1") is True
        changed = dataclasses.replace(RECORD, quantity=Decimal("5"))
        assert uow.billing.add_usage(changed, "seller-1") is False
        assert uow.billing.add_usage(changed, "seller-2") is True  # another seller's record
        uow.commit()

    assert factory.store.usage_records[("seller-1", "rec-1")] == dataclasses.replace(
        RECORD, occurred_at=dt.datetime(2024, 5, 1, 3, tzinfo=dt.UTC)
    )
    assert factory.store.usage_records[("seller-2", "rec-1")].quantity == Decimal("5")


def test_usage_is_grouped_by_agreement_before_a_time_in_order() -> None:
    factory = with_agreements("agmt-2", "agmt-3")

    def record(record_id: str, agreement_id: str, minutes: int) -> UsageRecord:
        occurred = NOW + dt.timedelta(minutes=minutes)
        return dataclasses.replace(
            RECORD, id=record_id, agreement_id=agreement_id, occurred_at=occurred
        )

    with factory() as uow:
        for each in (
            record("rec-c", "agmt-1", 5), record("rec-b", "agmt-1", 0),
            record("rec-a", "agmt-1", 5), record("rec-later", "agmt-1", 10),
            record("rec-d", "agmt-2", -60), record("rec-e", "agmt-3", 10),
        ):  # fmt: skip
            uow.billing.add_usage(each, "seller-1")
        before = (NOW + dt.timedelta(minutes=10)).astimezone(PLUS_TWO)
        found = uow.billing.usage_for_agreements(["agmt-1", "agmt-2", "agmt-3"], before=before)
        assert uow.billing.usage_for_agreements(["agmt-9"], before=before) == {}

    assert {k: [r.id for r in v] for k, v in found.items()} == {
        "agmt-1": ["rec-b", "rec-a", "rec-c"],
        "agmt-2": ["rec-d"],
    }


def test_a_seller_key_is_found_by_its_prefix() -> None:
    factory = with_agreements()
    revoked = dataclasses.replace(SELLER_KEY, revoked_at=dt.datetime(2024, 5, 2))

    with factory() as uow:
        uow.billing.add_seller_key(revoked)
        found = uow.billing.get_seller_key("abcdefgh")
        assert uow.billing.get_seller_key("abcdefgX") is None

    assert found == dataclasses.replace(
        SELLER_KEY, revoked_at=dt.datetime(2024, 5, 2, tzinfo=dt.UTC)
    )
