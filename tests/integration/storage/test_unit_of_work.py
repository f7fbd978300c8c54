"""A unit of work is one transaction: only what is committed is kept."""

from __future__ import annotations

import pytest
import storage_builders as build

from marketplace.services.ports import UnitOfWork
from marketplace.storage.database import Database

pytestmark = pytest.mark.integration


def _organizations(database: Database) -> list[str]:
    with database.unit_of_work() as uow:
        return [
            organization_id
            for organization_id in ("o-first00001", "o-second0001")
            if uow.organizations.get(organization_id) is not None
        ]


def test_work_left_uncommitted_is_rolled_back(database: Database) -> None:
    with database.unit_of_work() as uow:
        uow.organizations.add(build.organization(id="o-first00001"))

    assert _organizations(database) == []


def test_committed_work_is_kept_and_later_work_needs_its_own_commit(database: Database) -> None:
    with database.unit_of_work() as uow:
        uow.organizations.add(build.organization(id="o-first00001"))
        uow.commit()
        uow.organizations.add(build.organization(id="o-second0001"))

    assert _organizations(database) == ["o-first00001"]


def _add_then_fail(database: Database) -> None:
    with database.unit_of_work() as uow:
        uow.organizations.add(build.organization(id="o-first00001"))
        uow.catalog.add_products([build.product("prod-1")])
        raise LookupError("something went wrong")


def test_an_error_in_the_block_rolls_back_and_propagates(database: Database) -> None:
    with pytest.raises(LookupError):
        _add_then_fail(database)

    assert _organizations(database) == []
    with database.unit_of_work() as uow:
        assert uow.catalog.get_product("prod-1") is None
        assert uow.catalog.count_products() == 0


def test_rollback_undoes_the_work_since_the_last_commit(database: Database) -> None:
    with database.unit_of_work() as uow:
        uow.organizations.add(build.organization(id="o-first00001"))
        uow.commit()
        uow.organizations.add(build.organization(id="o-second0001"))
        uow.rollback()
        assert uow.organizations.get("o-second0001") is None
        uow.commit()

    assert _organizations(database) == ["o-first00001"]


def test_a_unit_of_work_is_used_in_a_with_block(database: Database) -> None:
    uow = database.unit_of_work()

    with pytest.raises(RuntimeError, match="with"):
        uow.commit()


def test_the_factory_satisfies_the_services_protocol(database: Database) -> None:
    def organization_name(uow: UnitOfWork) -> str | None:
        with uow:
            found = uow.organizations.get("o-acme00001")
            return None if found is None else found.name

    with database.unit_of_work() as uow:
        uow.organizations.add(build.organization())
        uow.commit()

    assert organization_name(database.unit_of_work()) == "Acme Corp"
