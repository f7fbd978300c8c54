"""The JSON API's permission matrix: who may call which operation, derived from the policies.

:func:`build_world` creates two organizations and a principal of every kind through the
services; :func:`expected_status` says what each (principal, operation) must answer, computed
from the principal's managed policies with ``evaluate`` (and the organization an operation
targets), never from what the API answered. The unit tests run the matrix over the in-memory
fakes, the integration tests over SQLite (and PostgreSQL where configured).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx
from fastapi.testclient import TestClient

from marketplace.domain.policies import (
    ACTIONS,
    BUYER_POLICY,
    MANAGED_POLICIES,
    PROCUREMENT_ADMIN_POLICY,
    READ_ONLY_POLICY,
    evaluate,
)
from marketplace.services import accounts, procurement
from marketplace.services.ports import SecretBox, UnitOfWork
from marketplace.services.secret_box import FernetSecretBox

__all__ = [
    "METERING_OPERATIONS",
    "OPERATIONS",
    "PRINCIPALS",
    "Operation",
    "PrincipalSpec",
    "World",
    "build_world",
    "call",
    "check_openapi",
    "expected_status",
]


class _Database(Protocol):
    def unit_of_work(self, *, all_or_nothing: bool = False) -> UnitOfWork: ...


@dataclass(frozen=True)
class Operation:
    """One API operation, the action it needs, and whose resource it touches."""

    operation_id: str
    method: str
    # may hold {product_id}, {acme_member_account}, {acme_connection}, {unknown_api_key},
    # {unknown_agreement} and {unknown_invoice}
    path: str
    action: str | None  # None: any authenticated caller (the route's Require)
    targets_acme: bool = False  # the resource belongs to Acme's organization
    body: bool = False
    # An action the service checks itself for this call (the route needs only a valid key).
    service_action: str | None = None
    # The resource does not exist: callers with the permission are answered 404.
    missing: bool = False


OPERATIONS: tuple[Operation, ...] = (
    Operation("searchProducts", "GET", "/api/v1/products?q=suite", ACTIONS.SEARCH_LISTINGS),
    Operation("getProduct", "GET", "/api/v1/products/{product_id}", ACTIONS.DESCRIBE_LISTINGS),
    Operation("describeOrganization", "GET", "/api/v1/organization", ACTIONS.DESCRIBE_ORGANIZATION),
    Operation("listAccounts", "GET", "/api/v1/accounts", ACTIONS.LIST_ACCOUNTS),
    Operation(
        "describeAccount",
        "GET",
        "/api/v1/accounts/{acme_member_account}",
        ACTIONS.DESCRIBE_ACCOUNT,
        targets_acme=True,
    ),
    Operation("createAccount", "POST", "/api/v1/accounts", ACTIONS.CREATE_ACCOUNT, body=True),
    Operation("getCaller", "GET", "/api/v1/me", None),
    Operation("listApiKeys", "GET", "/api/v1/api-keys", None),
    # Creates a key for the caller: no other cell depends on how many keys anyone has.
    Operation("createApiKey", "POST", "/api/v1/api-keys", None),
    # A made-up key id is nobody's own key, so the service asks for iam:DeleteAccessKey, then
    # finds nothing; no key the matrix uses is ever revoked.
    Operation(
        "revokeApiKey",
        "DELETE",
        "/api/v1/api-keys/{unknown_api_key}",
        None,
        service_action=ACTIONS.DELETE_ACCESS_KEY,
        missing=True,
    ),
    # Every cell Puts the same system and name, so the configuration stays as it is.
    Operation(
        "putProcurementSystemConfiguration",
        "PUT",
        "/api/v1/procurement-system-configuration",
        ACTIONS.PUT_PROCUREMENT_CONFIGURATION,
        body=True,
    ),
    Operation(
        "describeProcurementSystemConfiguration",
        "GET",
        "/api/v1/procurement-system-configuration",
        ACTIONS.DESCRIBE_PROCUREMENT_CONFIGURATION,
    ),
    # Each cell creates a connection of its own (a new buyer identity every time).
    Operation(
        "createProcurementConnection",
        "POST",
        "/api/v1/procurement-connections",
        ACTIONS.CREATE_PORTAL_PREFERENCE,
        body=True,
    ),
    Operation(
        "listProcurementConnections",
        "GET",
        "/api/v1/procurement-connections",
        ACTIONS.LIST_PORTAL_PREFERENCES,
    ),
    Operation(
        "getProcurementConnection",
        "GET",
        "/api/v1/procurement-connections/{acme_connection}",
        ACTIONS.GET_PORTAL_PREFERENCE,
        targets_acme=True,
    ),
    # Enabling and disabling are each idempotent, so the cells may run in any order.
    Operation(
        "enableProcurementConnection",
        "POST",
        "/api/v1/procurement-connections/{acme_connection}/enable",
        ACTIONS.PUT_PROCUREMENT_CONFIGURATION,
        targets_acme=True,
    ),
    Operation(
        "disableProcurementConnection",
        "POST",
        "/api/v1/procurement-connections/{acme_connection}/disable",
        ACTIONS.PUT_PROCUREMENT_CONFIGURATION,
        targets_acme=True,
    ),
    Operation(
        "rotateProcurementConnectionSecret",
        "POST",
        "/api/v1/procurement-connections/{acme_connection}/rotate-secret",
        ACTIONS.PUT_PORTAL_PREFERENCE,
        targets_acme=True,
    ),
    Operation(
        "getPurchaseInformation",
        "GET",
        "/api/v1/procurement-connections/{acme_connection}/purchase-information",
        ACTIONS.DESCRIBE_PROCUREMENT_CONFIGURATION,
        targets_acme=True,
    ),
    Operation("listAuditEvents", "GET", "/api/v1/audit-events", ACTIONS.LOOKUP_AUDIT_EVENTS),
    Operation("listAgreements", "GET", "/api/v1/agreements", ACTIONS.LIST_AGREEMENTS),
    # Nobody has this agreement: callers with the permission are answered 404.
    Operation(
        "getAgreement",
        "GET",
        "/api/v1/agreements/{unknown_agreement}",
        ACTIONS.LIST_AGREEMENTS,
        missing=True,
    ),
    Operation(
        "listSubscriptionRequests",
        "GET",
        "/api/v1/subscription-requests",
        ACTIONS.VIEW_SUBSCRIPTIONS,
    ),
    Operation("listInvoices", "GET", "/api/v1/invoices", ACTIONS.LIST_AGREEMENTS),
    # Nobody has this invoice: callers with the permission are answered 404.
    Operation(
        "getInvoice",
        "GET",
        "/api/v1/invoices/{unknown_invoice}",
        ACTIONS.LIST_AGREEMENTS,
        missing=True,
    ),
)

# Operations that take a seller's metering key, not a user's API key: outside the matrix
# (no user policy applies to them), documented as ``x-authentication: bearer-metering-key``.
METERING_OPERATIONS: dict[str, tuple[str, str]] = {"reportUsage": ("POST", "/api/v1/usage")}

UNKNOWN_API_KEY_ID = "k-0000000000000000"
UNKNOWN_AGREEMENT_ID = "agmt-0000000000000000"
UNKNOWN_INVOICE_ID = "inv-0000000000000000"


@dataclass(frozen=True)
class PrincipalSpec:
    """A kind of caller: the policies it holds (None: no valid key) and where it sits."""

    name: str
    policies: tuple[str, ...] | None
    management_account: bool = True
    organization: str = "acme"


PRINCIPALS: tuple[PrincipalSpec, ...] = (
    PrincipalSpec("management admin", tuple(accounts.MANAGEMENT_ADMIN_POLICIES)),
    PrincipalSpec(
        "member-account admin", tuple(accounts.MEMBER_ADMIN_POLICIES), management_account=False
    ),
    PrincipalSpec("procurement admin only", (PROCUREMENT_ADMIN_POLICY.name,)),
    PrincipalSpec("buyer", (BUYER_POLICY.name,)),
    PrincipalSpec("read-only", (READ_ONLY_POLICY.name,)),
    PrincipalSpec("member-account read-only", (READ_ONLY_POLICY.name,), management_account=False),
    PrincipalSpec("user without policies", ()),
    PrincipalSpec(
        "other organization's admin",
        tuple(accounts.MANAGEMENT_ADMIN_POLICIES),
        organization="globex",
    ),
    PrincipalSpec("no key", None),
    PrincipalSpec("revoked key", None),
    PrincipalSpec("made-up key", None),
)


def expected_status(principal: PrincipalSpec, operation: Operation) -> int:
    """What the API must answer: 401 without a valid key, 403 without the permission (the
    route's or the service's), 404 for another organization's resource or a missing one, else
    success (2xx, reported as 200)."""
    if principal.policies is None:
        return 401
    policies = [MANAGED_POLICIES[name] for name in principal.policies]
    for action in (operation.action, operation.service_action):
        if action is None:
            continue
        decision = evaluate(policies, action, management_account=principal.management_account)
        if not decision.allowed:
            return 403
    if operation.missing or (operation.targets_acme and principal.organization != "acme"):
        return 404
    return 200


@dataclass
class World:
    """The API keys of every kind of principal, and the ids the operations need."""

    keys: dict[str, str | None]
    product_id: str
    acme_member_account: str
    acme_connection: str
    _serial: itertools.count[int] = field(default_factory=itertools.count)

    def url(self, operation: Operation) -> str:
        return operation.path.format(
            product_id=self.product_id,
            acme_member_account=self.acme_member_account,
            acme_connection=self.acme_connection,
            unknown_api_key=UNKNOWN_API_KEY_ID,
            unknown_agreement=UNKNOWN_AGREEMENT_ID,
            unknown_invoice=UNKNOWN_INVOICE_ID,
        )

    def body(self, operation: Operation) -> dict[str, Any] | None:
        if not operation.body:
            return None
        return _BODIES[operation.operation_id](next(self._serial))


# The body of each operation that takes one; ``n`` is new at every call.
_BODIES: dict[str, Callable[[int], dict[str, Any]]] = {
    "createAccount": lambda n: {"name": "New Team", "admin_email": f"new{n}@acme.example"},
    "putProcurementSystemConfiguration": lambda n: {"system": "COUPA", "name": "Coupa"},
    "createProcurementConnection": lambda n: {
        "buyer_domain": "DUNS",
        "buyer_identity": f"matrix-{n}",
    },
}


def build_world(database: _Database, product_id: str, box: SecretBox | None = None) -> World:
    """Acme (its admin, a procurement admin, a buyer, a read-only user, a user without
    policies, a revoked key; a member account with its admin and a read-only user; a Coupa
    configuration with one connection) and Globex (its admin and a Coupa configuration).

    ``box`` seals the connection's secret (the matrix never opens it; any key will do)."""
    acme = accounts.create_organization(
        database.unit_of_work(), name="Acme Corp", admin_email="admin@acme.example"
    )
    member = accounts.create_member_account(
        database.unit_of_work(),
        organization_id=acme.organization.id,
        name="Acme Engineering",
        admin_email="eng-admin@acme.example",
    )
    globex = accounts.create_organization(
        database.unit_of_work(), name="Globex", admin_email="admin@globex.example"
    )
    keys: dict[str, str | None] = {
        "management admin": acme.api_key,
        "member-account admin": member.api_key,
        "other organization's admin": globex.api_key,
        "no key": None,
        "made-up key": "mk_abcdefabcdef_" + "x" * 32,
    }
    keys["buyer"] = _user_key(database, acme.account.id, "buyer@acme.example", BUYER_POLICY.name)
    keys["read-only"] = _user_key(
        database, acme.account.id, "reader@acme.example", READ_ONLY_POLICY.name
    )
    keys["member-account read-only"] = _user_key(
        database, member.account.id, "eng-reader@acme.example", READ_ONLY_POLICY.name
    )
    keys["procurement admin only"] = _user_key(
        database, acme.account.id, "procurement@acme.example", PROCUREMENT_ADMIN_POLICY.name
    )
    keys["user without policies"] = _user_key(database, acme.account.id, "nobody@acme.example")
    keys["revoked key"] = _revoked_key(database, acme)
    connection_id = _procurement(database, acme.organization.id, globex.organization.id, box)
    return World(
        keys=keys,
        product_id=product_id,
        acme_member_account=member.account.id,
        acme_connection=connection_id,
    )


def _procurement(database: _Database, acme_id: str, globex_id: str, box: SecretBox | None) -> str:
    """Coupa configurations for both organizations (so that their admins' Describe and
    create-connection calls succeed) and Acme's connection; returns the connection's id."""
    change = procurement.ConfigurationChange(system="COUPA", name="Coupa")
    for organization_id in (acme_id, globex_id):
        procurement.put_configuration(
            database.unit_of_work(), None, change, organization_id=organization_id, source="cli"
        )
    created = procurement.create_connection(
        database.unit_of_work(),
        None,
        procurement.ConnectionRequest(buyer_domain="DUNS", buyer_identity="acme-matrix"),
        box=box or FernetSecretBox(["api-matrix"]),
        organization_id=acme_id,
        source="cli",
    )
    return created.connection.id


def _user_key(database: _Database, account_id: str, email: str, *policies: str) -> str:
    user = accounts.create_user(
        database.unit_of_work(),
        None,
        account_id=account_id,
        email=email,
        name=email.partition("@")[0],
        policies=list(policies),
    )
    return accounts.issue_api_key(database.unit_of_work(), user.id)[1]


def _revoked_key(database: _Database, acme: accounts.NewOrganization) -> str:
    stored, key = accounts.issue_api_key(database.unit_of_work(), acme.user.id)
    principal = accounts.authenticate_api_key(database.unit_of_work(), key)
    accounts.revoke_api_key(database.unit_of_work(), principal, stored.id)
    return key


def call(client: TestClient, world: World, principal: PrincipalSpec, operation: Operation) -> None:
    """Call ``operation`` as ``principal`` and assert the answer the policies predict."""
    key = world.keys[principal.name]
    headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
    response = client.request(
        operation.method, world.url(operation), headers=headers, json=world.body(operation)
    )
    expected = expected_status(principal, operation)
    described = f"{principal.name} → {operation.operation_id}: {response.text[:300]}"
    if expected == 200:
        assert 200 <= response.status_code < 300, described
        return
    assert response.status_code == expected, described
    _assert_error_shape(response, expected)


def _assert_error_shape(response: httpx.Response, status: int) -> None:
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["message"]
    if status == 401:
        assert response.headers["www-authenticate"] == "Bearer"


def check_openapi(client: TestClient) -> None:
    """The OpenAPI document lists exactly the matrix's operations, each with its route's action
    and authenticated by a user's API key (an operation whose service checks a finer rule says
    so in its description), and the metering operations, each authenticated by a seller's
    metering key and requiring no user action."""
    document = client.get("/api/openapi.json").json()
    listed: dict[str, tuple[str, str, str | None]] = {}
    metered: dict[str, tuple[str, str]] = {}
    descriptions: dict[str, str] = {}
    for path, methods in document["paths"].items():
        if not path.startswith("/api/"):
            continue
        for method, spec in methods.items():
            operation_id = spec["operationId"]
            if operation_id in METERING_OPERATIONS:
                assert spec["x-authentication"] == "bearer-metering-key", operation_id
                assert "x-required-action" not in spec, operation_id
                assert spec["security"] == [{"MeteringKey": []}], operation_id
                metered[operation_id] = (method.upper(), path)
                continue
            assert spec["x-authentication"] == "bearer-api-key", operation_id
            listed[operation_id] = (method.upper(), path, spec.get("x-required-action"))
            descriptions[operation_id] = spec.get("description", "")
    expected = {op.operation_id: (op.method, _template(op.path), op.action) for op in OPERATIONS}
    assert listed == expected
    assert metered == METERING_OPERATIONS
    for op in OPERATIONS:
        if op.service_action is not None:
            assert op.service_action in descriptions[op.operation_id], op.operation_id


def _template(path: str) -> str:
    bare = path.partition("?")[0]
    return (
        bare.replace("{acme_member_account}", "{account_id}")
        .replace("{acme_connection}", "{connection_id}")
        .replace("{unknown_api_key}", "{key_id}")
        .replace("{unknown_agreement}", "{agreement_id}")
        .replace("{unknown_invoice}", "{invoice_id}")
    )


def principal_names() -> Sequence[str]:
    """Every principal kind, in table order."""
    return [p.name for p in PRINCIPALS]
