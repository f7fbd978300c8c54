"""The JSON API's permission matrix over a real database: no operation succeeds without its
permission (see tests/support/api_matrix.py for how the expected table is derived)."""

from __future__ import annotations

import pytest
import storage_builders as build
from api_matrix import (
    OPERATIONS,
    PRINCIPALS,
    Operation,
    PrincipalSpec,
    World,
    build_world,
    call,
    check_openapi,
)
from fastapi.testclient import TestClient

from marketplace.storage.database import Database

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def world(database: Database) -> World:
    with database.unit_of_work() as uow:
        uow.catalog.add_sellers([build.seller()])
        uow.catalog.add_products([build.product("prod-matrix")])
        uow.commit()
    return build_world(database, "prod-matrix")


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.operation_id)
@pytest.mark.parametrize("principal", PRINCIPALS, ids=lambda p: p.name)
def test_no_operation_succeeds_without_its_permission(
    client: TestClient, world: World, principal: PrincipalSpec, operation: Operation
) -> None:
    call(client, world, principal, operation)


def test_openapi_lists_every_operation_with_its_required_action(client: TestClient) -> None:
    check_openapi(client)
