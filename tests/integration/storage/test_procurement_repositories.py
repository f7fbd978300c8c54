"""Procurement configurations, portal connections, secrets and the audit log in storage.

The contract of ``ProcurementRepository`` and ``AuditRepository`` (``services.ports``), on
SQLite and PostgreSQL: values come back exactly as stored, connections are unique by their
credentials (domains in any case, identities exactly), lists come in their promised order.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from typing import Any

import pytest
import storage_builders as build
from sqlalchemy.exc import OperationalError

from marketplace.domain.audit import HIDDEN, AuditEvent, FieldChange
from marketplace.domain.errors import ConflictError, NotFoundError
from marketplace.domain.procurement import (
    CartReturnField,
    ConnectionSecret,
    ConnectionStatus,
    PortalConnection,
    ProcurementConfiguration,
    ProcurementSystem,
)
from marketplace.storage.database import Database

pytestmark = pytest.mark.integration

WHEN = build.WHEN
OTHER_ORG = "o-other00001"
OTHER_ACCOUNT = "999988887777"


def configuration(**overrides: Any) -> ProcurementConfiguration:
    values: dict[str, Any] = {
        "organization_id": "o-acme00001",
        "system": ProcurementSystem.COUPA,
        "name": "Acme Coupa",
        "created_at": WHEN,
        "updated_at": WHEN,
    }
    return ProcurementConfiguration(**(values | overrides))


def connection(**overrides: Any) -> PortalConnection:
    values: dict[str, Any] = {
        "id": "pc-0001",
        "organization_id": "o-acme00001",
        "account_id": "111122223333",
        "system": ProcurementSystem.COUPA,
        "buyer_domain": "DUNS",
        "buyer_identity": "acme",
        "supplier_domain": "NetworkID",
        "supplier_identity": "marketplace-0001",
        "created_at": WHEN,
        "updated_at": WHEN,
    }
    return PortalConnection(**(values | overrides))


def secret(secret_id: str, minutes: int, **overrides: Any) -> ConnectionSecret:
    values: dict[str, Any] = {
        "id": secret_id,
        "connection_id": "pc-0001",
        "sealed": f"sealed:{secret_id}",
        "created_at": WHEN + dt.timedelta(minutes=minutes),
    }
    return ConnectionSecret(**(values | overrides))


def event(event_id: str, minutes: int, **overrides: Any) -> AuditEvent:
    values: dict[str, Any] = {
        "id": event_id,
        "organization_id": "o-acme00001",
        "occurred_at": WHEN + dt.timedelta(minutes=minutes),
        "event_name": "PutProcurementSystemConfiguration",
        "resource_type": "procurement-system-configuration",
        "resource_id": "o-acme00001",
        "account_id": "111122223333",
        "actor_user_id": "u-0123456789abcdef",
        "actor_email": "admin@acme.example",
        "source": "api",
        "request_parameters": {},
    }
    return AuditEvent(**(values | overrides))


@pytest.fixture
def stored(database: Database) -> Database:
    """Two organizations, each with its management account."""
    with database.unit_of_work() as uow:
        uow.organizations.add(build.organization())
        uow.accounts.add(build.account())
        uow.organizations.add(
            build.organization(id=OTHER_ORG, name="Other", management_account_id=OTHER_ACCOUNT)
        )
        uow.accounts.add(build.account(id=OTHER_ACCOUNT, organization_id=OTHER_ORG))
        uow.commit()
    return database


def incompressible(seed: str) -> str:
    """1,024 characters that PostgreSQL cannot compress: four of them are past its btree
    row limit (about 2,700 bytes), as a plain index of the credentials would hit."""
    return "".join(hashlib.sha256(f"{seed}{i}".encode()).hexdigest() for i in range(16))


def add_connections(database: Database, *connections: PortalConnection) -> None:
    with database.unit_of_work() as uow:
        for each in connections:
            uow.procurement.add_connection(each)
        uow.commit()


# --- configurations ----------------------------------------------------------------------


def test_a_configuration_round_trips_with_times_in_utc(stored: Database) -> None:
    plus_five = dt.timezone(dt.timedelta(hours=5))
    saved = configuration(
        system=ProcurementSystem.ARIBA,
        description="Ariba for the whole group.",
        enable_redirect=True,
        test_mode=False,
        preapprove_free=True,
        preapprove_byol=True,
        billing_integration=True,
        purchase_order_role_created_at=dt.datetime(2024, 6, 1, 3, 4, 5, 123456, tzinfo=plus_five),
        redirect_paused=True,
        version=7,
        updated_at=dt.datetime(2024, 6, 1, 3, 4, 5, 654321, tzinfo=plus_five),
    )
    with stored.unit_of_work() as uow:
        uow.procurement.save_configuration(saved)
        uow.commit()

    with stored.unit_of_work() as uow:
        found = uow.procurement.get_configuration("o-acme00001")
        assert uow.procurement.get_configuration(OTHER_ORG) is None
    assert found == saved
    assert found.purchase_order_role_created_at is not None
    assert found.purchase_order_role_created_at.utcoffset() == dt.timedelta(0)
    assert found.updated_at.tzinfo is not None
    assert found.updated_at.utcoffset() == dt.timedelta(0)


def test_saving_again_replaces_the_organizations_configuration(stored: Database) -> None:
    first = configuration()
    second = dataclasses.replace(
        first, name="Renamed", test_mode=False, version=2, updated_at=WHEN + dt.timedelta(days=1)
    )
    with stored.unit_of_work() as uow:
        uow.procurement.save_configuration(first)
        uow.procurement.save_configuration(configuration(organization_id=OTHER_ORG))
        uow.commit()
    with stored.unit_of_work() as uow:
        uow.procurement.save_configuration(second)
        uow.commit()

    with stored.unit_of_work() as uow:
        assert uow.procurement.get_configuration("o-acme00001") == second
        assert uow.procurement.get_configuration(OTHER_ORG) == configuration(
            organization_id=OTHER_ORG
        )


def test_a_configuration_needs_its_organization_and_the_transaction_goes_on(
    stored: Database,
) -> None:
    with stored.unit_of_work() as uow:
        with pytest.raises(ConflictError):
            uow.procurement.save_configuration(configuration(organization_id="o-missing000"))
        uow.procurement.save_configuration(configuration())
        uow.commit()

    with stored.unit_of_work() as uow:
        assert uow.procurement.get_configuration("o-acme00001") == configuration()


def test_reading_a_configuration_for_update_locks_it_until_the_transaction_ends(
    stored: Database,
) -> None:
    with stored.unit_of_work() as uow:
        uow.procurement.save_configuration(configuration())
        uow.commit()

    with stored.unit_of_work() as uow:
        assert uow.procurement.get_configuration("o-acme00001", for_update=True) == (
            configuration()
        )
        assert uow.procurement.get_configuration(OTHER_ORG, for_update=True) is None
        if stored.dialect == "postgresql":  # SQLite has no row locks
            with stored.engine.connect() as other:
                other.exec_driver_sql("SET lock_timeout = '200ms'")
                with pytest.raises(OperationalError, match="lock timeout"):
                    other.exec_driver_sql(
                        "UPDATE procurement_configurations SET version = 2 "
                        "WHERE organization_id = 'o-acme00001'"
                    )
        uow.commit()

    if stored.dialect == "postgresql":  # released at the end of the transaction
        with stored.engine.begin() as other:
            other.exec_driver_sql("SET lock_timeout = '200ms'")
            other.exec_driver_sql("UPDATE procurement_configurations SET version = 2")


# --- connections -------------------------------------------------------------------------


def test_a_connection_round_trips_with_every_field(stored: Database) -> None:
    full = connection(
        system=ProcurementSystem.ARIBA,
        buyer_domain=incompressible("buyer domain"),
        buyer_identity=incompressible("buyer identity"),
        supplier_domain=incompressible("supplier domain"),
        supplier_identity=incompressible("supplier identity"),
        invoice_endpoint="https://buyer.example.com/cxml/invoices",
        approval_redirect_url="https://buyer.example.com/approve",
        sellers_of_record=("seller-1", "seller-2"),
        cart_field=CartReturnField.BASE64,
        status=ConnectionStatus.DISABLED,
        test_mode=True,
        updated_at=dt.datetime(2024, 6, 1, 12, 0, 0, 1, tzinfo=dt.UTC),
    )
    bare = connection(id="pc-0002", buyer_identity="other")
    add_connections(stored, full, bare)

    with stored.unit_of_work() as uow:
        assert uow.procurement.get_connection("pc-0001") == full
        assert uow.procurement.get_connection("pc-0002") == bare
        assert uow.procurement.get_connection("pc-missing") is None


def test_connections_are_listed_per_organization_oldest_first(stored: Database) -> None:
    newer = connection(id="pc-a", buyer_identity="a", created_at=WHEN + dt.timedelta(hours=1))
    older = connection(id="pc-b", buyer_identity="b")
    same_time = connection(id="pc-c", buyer_identity="c")
    elsewhere = connection(
        id="pc-d", organization_id=OTHER_ORG, account_id=OTHER_ACCOUNT, buyer_identity="d"
    )
    add_connections(stored, newer, older, same_time, elsewhere)

    with stored.unit_of_work() as uow:
        assert uow.procurement.list_connections("o-acme00001") == (older, same_time, newer)
        assert uow.procurement.list_connections(OTHER_ORG) == (elsewhere,)
        assert uow.procurement.list_connections("o-missing000") == ()


def test_updating_a_connection_replaces_it(stored: Database) -> None:
    add_connections(stored, connection())
    changed = connection(
        buyer_domain="duns",
        status=ConnectionStatus.DISABLED,
        sellers_of_record=("seller-9",),
        approval_redirect_url="https://buyer.example.com/approve",
        updated_at=WHEN + dt.timedelta(days=2),
    )
    with stored.unit_of_work() as uow:
        uow.procurement.update_connection(changed)
        with pytest.raises(NotFoundError):
            uow.procurement.update_connection(connection(id="pc-missing", buyer_identity="x"))
        uow.commit()

    with stored.unit_of_work() as uow:
        assert uow.procurement.get_connection("pc-0001") == changed
        assert uow.procurement.find_connections_by_buyer("DUNS", "acme") == (changed,)


@pytest.mark.parametrize(
    "taken",
    [
        {"buyer_domain": "duns"},
        {"buyer_domain": "Duns", "supplier_domain": "NETWORKID"},
        {"supplier_domain": "networkid"},
    ],
    ids=["buyer-domain-case", "both-domains-case", "supplier-domain-case"],
)
def test_credentials_taken_in_any_domain_case_are_a_conflict(
    stored: Database, taken: dict[str, str]
) -> None:
    add_connections(stored, connection())
    again = connection(id="pc-0002", organization_id=OTHER_ORG, account_id=OTHER_ACCOUNT, **taken)

    with stored.unit_of_work() as uow:
        with pytest.raises(ConflictError, match="pc-0001"):
            uow.procurement.add_connection(again)
        uow.procurement.add_connection(connection(id="pc-0003", buyer_identity="usable"))
        uow.commit()

    with stored.unit_of_work() as uow:
        assert [c.id for c in uow.procurement.list_connections("o-acme00001")] == [
            "pc-0001",
            "pc-0003",
        ]
        assert uow.procurement.list_connections(OTHER_ORG) == ()


@pytest.mark.parametrize(
    "other",
    [
        {"buyer_identity": "ACME"},
        {"supplier_identity": "MARKETPLACE-0001"},
        {"buyer_domain": "DUNS2"},
        {"supplier_domain": "DUNS"},
    ],
    ids=["buyer-identity-case", "supplier-identity-case", "buyer-domain", "supplier-domain"],
)
def test_credentials_differing_in_identity_case_are_distinct(
    stored: Database, other: dict[str, str]
) -> None:
    add_connections(stored, connection(), connection(id="pc-0002", **other))

    with stored.unit_of_work() as uow:
        assert len(uow.procurement.list_connections("o-acme00001")) == 2


def test_updating_a_connection_to_taken_credentials_is_a_conflict(stored: Database) -> None:
    add_connections(stored, connection(), connection(id="pc-0002", buyer_identity="beta"))

    with stored.unit_of_work() as uow:
        with pytest.raises(ConflictError, match="pc-0001"):
            uow.procurement.update_connection(
                connection(id="pc-0002", buyer_domain="duns", buyer_identity="acme")
            )
        uow.procurement.update_connection(connection(id="pc-0002", buyer_identity="gamma"))
        uow.commit()

    with stored.unit_of_work() as uow:
        updated = uow.procurement.get_connection("pc-0002")
    assert updated is not None
    assert updated.buyer_identity == "gamma"


def test_a_repeated_connection_id_is_a_conflict(stored: Database) -> None:
    add_connections(stored, connection())

    with stored.unit_of_work() as uow, pytest.raises(ConflictError, match="already exists"):
        uow.procurement.add_connection(connection(buyer_identity="new"))


def test_buyers_are_found_across_organizations_domain_in_any_case_identity_exactly(
    stored: Database,
) -> None:
    first = connection(id="pc-1", buyer_domain="NetworkID", buyer_identity="AN01000000042")
    second = connection(
        id="pc-2",
        organization_id=OTHER_ORG,
        account_id=OTHER_ACCOUNT,
        buyer_domain="networkid",
        buyer_identity="AN01000000042",
        supplier_identity="AN01000000099",
        status=ConnectionStatus.DISABLED,
        created_at=WHEN + dt.timedelta(minutes=1),
    )
    unrelated = connection(id="pc-3", buyer_domain="NetworkID", buyer_identity="an01000000042")
    add_connections(stored, second, unrelated, first)

    with stored.unit_of_work() as uow:
        assert uow.procurement.find_connections_by_buyer("NETWORKID", "AN01000000042") == (
            first,
            second,
        )
        assert uow.procurement.find_connections_by_buyer("NetworkID", "an01000000042") == (
            unrelated,
        )
        assert uow.procurement.find_connections_by_buyer("NetworkID", "AN0100000004") == ()
        assert uow.procurement.find_connections_by_buyer("Network", "AN01000000042") == ()


# --- secrets -----------------------------------------------------------------------------


def test_secrets_are_listed_newest_first_and_can_be_expired(stored: Database) -> None:
    add_connections(stored, connection(), connection(id="pc-0002", buyer_identity="other"))
    old, current = secret("s-1", 0), secret("s-2", 30)
    elsewhere = secret("s-3", 60, connection_id="pc-0002")
    expiry = dt.datetime(2024, 5, 18, 11, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    with stored.unit_of_work() as uow:
        for each in (old, current, elsewhere):
            uow.procurement.add_secret(each)
        uow.procurement.expire_secret("s-1", expiry)
        with pytest.raises(NotFoundError):
            uow.procurement.expire_secret("s-missing", expiry)
        uow.commit()

    with stored.unit_of_work() as uow:
        listed = uow.procurement.list_secrets("pc-0001")
        assert uow.procurement.list_secrets("pc-0002") == (elsewhere,)
        assert uow.procurement.list_secrets("pc-missing") == ()
    assert listed == (current, dataclasses.replace(old, expires_at=expiry))
    assert listed[1].expires_at is not None
    assert listed[1].expires_at.utcoffset() == dt.timedelta(0)


def test_a_secret_needs_its_connection(stored: Database) -> None:
    with stored.unit_of_work() as uow, pytest.raises(ConflictError):
        uow.procurement.add_secret(secret("s-1", 0))


def test_secrets_of_one_moment_are_listed_by_id_descending(stored: Database) -> None:
    add_connections(stored, connection())
    with stored.unit_of_work() as uow:
        for secret_id in ("s-b", "s-c", "s-a"):
            uow.procurement.add_secret(secret(secret_id, 0))
        uow.commit()

    with stored.unit_of_work() as uow:
        assert [s.id for s in uow.procurement.list_secrets("pc-0001")] == ["s-c", "s-b", "s-a"]


# --- audit log ---------------------------------------------------------------------------


def test_an_audit_event_round_trips_with_its_parameters_and_changes(stored: Database) -> None:
    recorded = event(
        "ev-1",
        0,
        account_id=None,
        actor_user_id=None,
        actor_email=None,
        source="cli",
        request_parameters={
            "name": "Acme",
            "test_mode": False,
            "enable_redirect": True,
            "limit": 3,
            "sellers_of_record": ["seller-1", "seller-2"],
            "description": None,
            "shared_secret": HIDDEN,
        },
        changes=(
            FieldChange("test_mode", True, False),
            FieldChange("sellers_of_record", [], ["seller-1"]),
            FieldChange("description", None, "Ünïcode ✓"),
        ),
    )
    with stored.unit_of_work() as uow:
        uow.audit.add(recorded)
        uow.commit()

    with stored.unit_of_work() as uow:
        (found,) = uow.audit.list_for_organization("o-acme00001", limit=10)
    assert found == recorded
    assert found.request_parameters["test_mode"] is False
    assert found.changes[0].new is False


def test_the_audit_log_pages_newest_first_by_time_then_id(stored: Database) -> None:
    events = [
        event("ev-a", 0),
        event("ev-b", 5),
        event("ev-c", 5),
        event("ev-d", 5),
        event("ev-e", 10),
        event("ev-x", 20, organization_id=OTHER_ORG),
    ]
    with stored.unit_of_work() as uow:
        for each in events:
            uow.audit.add(each)
        uow.commit()

    pages: list[list[str]] = []
    before: tuple[dt.datetime, str] | None = None
    with stored.unit_of_work() as uow:
        while page := uow.audit.list_for_organization("o-acme00001", limit=2, before=before):
            pages.append([e.id for e in page])
            before = (page[-1].occurred_at, page[-1].id)
        assert uow.audit.list_for_organization("o-acme00001", limit=0) == ()
        assert [e.id for e in uow.audit.list_for_organization(OTHER_ORG, limit=5)] == ["ev-x"]

    assert pages == [["ev-e", "ev-d"], ["ev-c", "ev-b"], ["ev-a"]]


def test_the_audit_cursor_may_be_given_in_any_time_zone(stored: Database) -> None:
    with stored.unit_of_work() as uow:
        for each in (event("ev-a", 0), event("ev-b", 5), event("ev-c", 10)):
            uow.audit.add(each)
        uow.commit()
    cursor = (WHEN + dt.timedelta(minutes=5)).astimezone(dt.timezone(dt.timedelta(hours=-7)))

    with stored.unit_of_work() as uow:
        page = uow.audit.list_for_organization("o-acme00001", limit=5, before=(cursor, "ev-b"))

    assert [e.id for e in page] == ["ev-a"]


def test_an_audit_event_needs_its_organization_and_the_transaction_goes_on(
    stored: Database,
) -> None:
    with stored.unit_of_work() as uow:
        with pytest.raises(ConflictError):
            uow.audit.add(event("ev-1", 0, organization_id="o-missing000"))
        uow.audit.add(event("ev-2", 0))
        uow.commit()

    with stored.unit_of_work() as uow:
        assert [e.id for e in uow.audit.list_for_organization("o-acme00001", limit=5)] == ["ev-2"]
