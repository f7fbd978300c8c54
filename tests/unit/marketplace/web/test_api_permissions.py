"""The permission matrix over the in-memory fakes (tests/integration/web repeats it on SQL)."""

from collections.abc import Iterator
from pathlib import Path

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
    expected_status,
)
from fastapi.testclient import TestClient
from web_support import FakeDatabase

from marketplace.config import Settings
from marketplace.web.app import create_app


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, World]]:
    database = FakeDatabase()
    with database.unit_of_work() as uow:
        uow.catalog.add_sellers([build.seller()])
        uow.catalog.add_products([build.product("prod-1")])
        uow.commit()
    world = build_world(database, "prod-1")
    var: Path = tmp_path_factory.mktemp("var")
    settings = Settings.from_env(
        {"MARKETPLACE_VAR_DIR": str(var), "MARKETPLACE_SECRET_KEY": "matrix"}
    )
    with TestClient(create_app(settings, database=database)) as client:
        yield client, world


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.operation_id)
@pytest.mark.parametrize("principal", PRINCIPALS, ids=lambda p: p.name)
def test_no_operation_succeeds_without_its_permission(
    matrix: tuple[TestClient, World], principal: PrincipalSpec, operation: Operation
) -> None:
    client, world = matrix

    call(client, world, principal, operation)


def test_the_matrix_allows_and_denies_something_for_every_operation() -> None:
    authenticated = [p for p in PRINCIPALS if p.policies is not None]
    for operation in OPERATIONS:
        outcomes = {expected_status(p, operation) for p in authenticated}
        allowed = 404 if operation.missing else 200
        assert allowed in outcomes, operation.operation_id
        if operation.action is not None or operation.service_action is not None:
            assert 403 in outcomes, f"nobody is refused {operation.operation_id}"


def test_openapi_lists_every_operation_with_its_required_action(
    matrix: tuple[TestClient, World],
) -> None:
    client, _ = matrix

    check_openapi(client)
