"""The JSON API of procurement system management: configuration, connections, purchase
information, secret rotation and the audit log (over the in-memory fakes)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from web_support import FakeDatabase, People

from marketplace.domain.audit import HIDDEN
from marketplace.services import accounts

CONFIGURATION = "/api/v1/procurement-system-configuration"
CONNECTIONS = "/api/v1/procurement-connections"
SECRET = "given-shared-secret-0123456789"


def _as(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _put(client: TestClient, key: str, **body: Any) -> Any:
    response = client.put(
        CONFIGURATION, json={"system": "COUPA", "name": "Coupa", **body}, headers=_as(key)
    )
    assert response.status_code == 200, response.text
    return response.json()


def _create(client: TestClient, key: str, **body: Any) -> Any:
    fields = {"buyer_domain": "DUNS", "buyer_identity": "077665544", **body}
    response = client.post(CONNECTIONS, json=fields, headers=_as(key))
    assert response.status_code == 201, response.text
    return response.json()


def _bad_fields(response: Any) -> set[str]:
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    return {field["field"] for field in error["fields"]}


@pytest.fixture
def coupa(client: TestClient, people: People) -> Any:
    """Acme's Coupa configuration."""
    return _put(client, people.admin_key)


# -- configuration ----------------------------------------------------------------------------


def test_the_first_put_turns_test_mode_on_and_everything_else_off(
    client: TestClient, people: People
) -> None:
    body = _put(client, people.admin_key, description="Our Coupa tenant")

    assert body["system"] == "COUPA"
    assert body["name"] == "Coupa"
    assert body["description"] == "Our Coupa tenant"
    assert body["test_mode"] is True
    for flag in ("enable_redirect", "preapprove_free", "preapprove_byol", "billing_integration"):
        assert body[flag] is False, flag
    assert body["purchase_order_role"] is None
    assert body["version"] == 1
    assert {"created_at", "updated_at"} <= set(body)


def test_the_configuration_is_described_as_it_was_put(client: TestClient, people: People) -> None:
    put = _put(client, people.admin_key, preapprove_free=True)

    described = client.get(CONFIGURATION, headers=_as(people.admin_key))

    assert described.status_code == 200
    assert described.json() == put


def test_a_put_keeps_the_values_it_omits(client: TestClient, people: People) -> None:
    _put(client, people.admin_key, description="Kept", test_mode=False, preapprove_byol=True)

    body = _put(client, people.admin_key, name="Renamed")

    assert body["name"] == "Renamed"
    assert body["description"] == "Kept"
    assert body["test_mode"] is False
    assert body["preapprove_byol"] is True
    assert body["version"] == 2


def test_billing_integration_creates_the_purchase_order_role(
    client: TestClient, people: People
) -> None:
    body = _put(client, people.admin_key, billing_integration=True)

    assert body["billing_integration"] is True
    assert body["purchase_order_role"]


def test_describing_before_the_first_put_is_404(client: TestClient, people: People) -> None:
    response = client.get(CONFIGURATION, headers=_as(people.admin_key))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PUT", CONFIGURATION, {"system": "COUPA", "name": "Coupa"}),
        ("GET", CONFIGURATION, None),
        ("POST", CONNECTIONS, {"buyer_domain": "DUNS", "buyer_identity": "1"}),
        ("GET", CONNECTIONS, None),
        ("GET", "/api/v1/audit-events", None),
    ],
)
def test_a_member_account_is_denied_even_with_an_administrator(
    client: TestClient,
    database: FakeDatabase,
    people: People,
    method: str,
    path: str,
    body: dict[str, str] | None,
) -> None:
    member = accounts.create_member_account(
        database.unit_of_work(),
        organization_id=people.organization_id,
        name="Acme Engineering",
        admin_email="eng-admin@acme.example",
    )

    response = client.request(method, path, json=body, headers=_as(member.api_key))

    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == "access_denied"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PUT", CONFIGURATION, {"system": "COUPA", "name": "Coupa"}),
        ("GET", CONFIGURATION, None),
        ("POST", CONNECTIONS, {"buyer_domain": "DUNS", "buyer_identity": "1"}),
        ("GET", CONNECTIONS, None),
        ("GET", "/api/v1/audit-events", None),
    ],
)
def test_a_user_without_the_policy_is_denied(
    client: TestClient,
    people: People,
    coupa: Any,
    method: str,
    path: str,
    body: dict[str, str] | None,
) -> None:
    response = client.request(method, path, json=body, headers=_as(people.buyer_key))

    assert response.status_code == 403, response.text


def test_a_read_only_user_may_describe_but_not_put(
    client: TestClient, people: People, coupa: Any
) -> None:
    assert client.get(CONFIGURATION, headers=_as(people.reader_key)).status_code == 200
    response = client.put(
        CONFIGURATION, json={"system": "COUPA", "name": "Mine"}, headers=_as(people.reader_key)
    )
    assert response.status_code == 403


def test_booleans_must_be_json_booleans_and_each_bad_one_is_named(
    client: TestClient, people: People
) -> None:
    response = client.put(
        CONFIGURATION,
        json={"system": "COUPA", "name": "Coupa", "test_mode": "yes", "billing_integration": 1},
        headers=_as(people.admin_key),
    )

    assert _bad_fields(response) == {"test_mode", "billing_integration"}


def test_an_unknown_system_and_an_empty_name_are_both_named(
    client: TestClient, people: People
) -> None:
    response = client.put(
        CONFIGURATION, json={"system": "SAP", "name": " "}, headers=_as(people.admin_key)
    )

    assert _bad_fields(response) == {"system", "name"}


def test_system_and_name_are_required(client: TestClient, people: People) -> None:
    response = client.put(CONFIGURATION, json={"test_mode": True}, headers=_as(people.admin_key))

    assert _bad_fields(response) == {"system", "name"}


def test_an_unknown_key_is_refused(client: TestClient, people: People) -> None:
    response = client.put(
        CONFIGURATION,
        json={"system": "COUPA", "name": "Coupa", "test_mod": False},
        headers=_as(people.admin_key),
    )

    assert _bad_fields(response) == {"test_mod"}


def test_ariba_has_no_redirect(client: TestClient, people: People) -> None:
    response = client.put(
        CONFIGURATION,
        json={"system": "ARIBA", "name": "Ariba", "enable_redirect": True},
        headers=_as(people.admin_key),
    )

    assert _bad_fields(response) == {"enable_redirect"}


# -- connections ------------------------------------------------------------------------------


def test_a_connection_is_created_with_generated_supplier_identity_and_secret(
    client: TestClient, people: People, coupa: Any
) -> None:
    body = _create(client, people.admin_key)

    assert body["id"]
    assert body["system"] == "COUPA"
    assert (body["buyer_domain"], body["buyer_identity"]) == ("DUNS", "077665544")
    assert (body["sender_domain"], body["sender_identity"]) == ("DUNS", "077665544")
    assert body["supplier_domain"] == "NetworkID"
    assert body["supplier_identity"]
    assert len(body["shared_secret"]) >= 43  # 32 random bytes, base64
    assert body["status"] == "ENABLED"
    assert body["enabled"] is True
    assert body["test_mode"] is False
    assert body["cart_field"] == "cxml-urlencoded"
    assert body["account_id"] == people.account_id
    assert body["buyer_anid"] is None


def test_every_value_given_is_kept(client: TestClient, people: People, coupa: Any) -> None:
    body = _create(
        client,
        people.admin_key,
        supplier_domain="DUNS",
        supplier_identity="123456789",
        shared_secret=SECRET,
        invoice_endpoint="https://acme.coupahost.com/cxml/invoices",
        approval_redirect_url="https://acme.coupahost.com/requisition",
        sellers_of_record=["AWS_INC", "AWS_EUROPE"],
        cart_field="cxml-base64",
        test_mode=True,
        enabled=False,
    )

    assert (body["supplier_domain"], body["supplier_identity"]) == ("DUNS", "123456789")
    assert body["shared_secret"] == SECRET
    assert body["invoice_endpoint"] == "https://acme.coupahost.com/cxml/invoices"
    assert body["approval_redirect_url"] == "https://acme.coupahost.com/requisition"
    assert body["sellers_of_record"] == ["AWS_INC", "AWS_EUROPE"]
    assert body["cart_field"] == "cxml-base64"
    assert body["test_mode"] is True
    assert (body["status"], body["enabled"]) == ("DISABLED", False)


def test_a_connection_before_the_configuration_is_409(client: TestClient, people: People) -> None:
    response = client.post(
        CONNECTIONS,
        json={"buyer_domain": "DUNS", "buyer_identity": "077665544"},
        headers=_as(people.admin_key),
    )

    assert response.status_code == 409


def test_taken_credentials_are_409(client: TestClient, people: People, coupa: Any) -> None:
    _create(client, people.admin_key, supplier_identity="supplier-1")

    response = client.post(
        CONNECTIONS,
        json={
            "buyer_domain": "duns",
            "buyer_identity": "077665544",
            "supplier_identity": "supplier-1",
        },
        headers=_as(people.admin_key),
    )

    assert response.status_code == 409


def test_several_bad_fields_are_listed_at_once(
    client: TestClient, people: People, coupa: Any
) -> None:
    response = client.post(
        CONNECTIONS,
        json={
            "buyer_domain": "",
            "buyer_identity": "has spaces",
            "shared_secret": "short",
            "invoice_endpoint": "ftp://acme.example/invoices",
            "cart_field": "cxml-json",
            "buyer_anid": "AN01234567890",
        },
        headers=_as(people.admin_key),
    )

    assert _bad_fields(response) == {
        "buyer_domain",
        "buyer_identity",
        "shared_secret",
        "invoice_endpoint",
        "cart_field",
        "buyer_anid",
    }
    assert "short" not in response.text  # a refused secret is not echoed either


def test_connection_flags_must_be_json_booleans(
    client: TestClient, people: People, coupa: Any
) -> None:
    response = client.post(
        CONNECTIONS,
        json={"buyer_domain": "DUNS", "buyer_identity": "1", "test_mode": "true", "enabled": 0},
        headers=_as(people.admin_key),
    )

    assert _bad_fields(response) == {"test_mode", "enabled"}


def test_the_redirect_url_must_be_on_the_invoice_endpoint_host(
    client: TestClient, people: People, coupa: Any
) -> None:
    response = client.post(
        CONNECTIONS,
        json={
            "buyer_domain": "DUNS",
            "buyer_identity": "077665544",
            "invoice_endpoint": "https://acme.coupahost.com/cxml/invoices",
            "approval_redirect_url": "https://elsewhere.example/requisition",
        },
        headers=_as(people.admin_key),
    )

    assert _bad_fields(response) == {"approval_redirect_url"}
    message = response.json()["error"]["fields"][0]["message"]
    assert "acme.coupahost.com" in message


def test_a_plain_http_invoice_endpoint_is_refused_off_this_machine(
    client: TestClient, people: People, coupa: Any
) -> None:
    response = client.post(
        CONNECTIONS,
        json={
            "buyer_domain": "DUNS",
            "buyer_identity": "077665544",
            "invoice_endpoint": "http://acme.coupahost.com/cxml/invoices",
        },
        headers=_as(people.admin_key),
    )

    assert _bad_fields(response) == {"invoice_endpoint"}
    assert "https" in response.json()["error"]["fields"][0]["message"]


@pytest.mark.parametrize("host", ["127.0.0.1:8100", "localhost:8100", "[::1]:8100"])
def test_a_plain_http_invoice_endpoint_is_accepted_on_loopback(
    client: TestClient, people: People, coupa: Any, host: str
) -> None:
    body = _create(
        client,
        people.admin_key,
        invoice_endpoint=f"http://{host}/cxml/invoices",
        approval_redirect_url=f"http://{host}/requisitions",
    )

    assert body["invoice_endpoint"] == f"http://{host}/cxml/invoices"


@pytest.mark.parametrize("anid", ["AN01234567890", "AN012345678901"])
def test_an_ariba_connection_takes_an_anid_of_11_or_12_digits(
    client: TestClient, people: People, anid: str
) -> None:
    _put(client, people.admin_key, system="ARIBA", name="Ariba")

    body = _create(
        client, people.admin_key, buyer_domain=None, buyer_identity=None, buyer_anid=anid
    )

    assert body["system"] == "ARIBA"
    assert (body["buyer_anid"], body["buyer_identity"]) == (anid, anid)
    assert body["buyer_domain"] == body["supplier_domain"] == "NetworkID"
    assert body["supplier_anid"] == body["supplier_identity"] == "AN01000000001"
    assert (body["sender_domain"], body["sender_identity"]) == (
        "AribaNetworkUserId",
        "sysadmin@ariba.com",
    )


@pytest.mark.parametrize(
    "anid", ["AN0123456789", "AN0123456789012", "an01234567890", "XX01234567890", "AN0123456789O"]
)
def test_a_malformed_anid_is_refused(client: TestClient, people: People, anid: str) -> None:
    _put(client, people.admin_key, system="ARIBA", name="Ariba")

    response = client.post(
        CONNECTIONS,
        json={"buyer_anid": anid, "supplier_anid": "AN1"},
        headers=_as(people.admin_key),
    )

    assert _bad_fields(response) == {"buyer_anid", "supplier_anid"}


def test_ariba_connections_have_no_invoicing_and_no_redirect(
    client: TestClient, people: People
) -> None:
    _put(client, people.admin_key, system="ARIBA", name="Ariba")

    response = client.post(
        CONNECTIONS,
        json={
            "buyer_anid": "AN01234567890",
            "invoice_endpoint": "https://buyer.example/invoices",
            "approval_redirect_url": "https://buyer.example/redirect",
        },
        headers=_as(people.admin_key),
    )

    assert _bad_fields(response) == {"invoice_endpoint", "approval_redirect_url"}


def test_connections_are_listed_oldest_first(
    client: TestClient, people: People, coupa: Any
) -> None:
    first = _create(client, people.admin_key, buyer_identity="first")
    second = _create(client, people.admin_key, buyer_identity="second")

    response = client.get(CONNECTIONS, headers=_as(people.admin_key))

    assert response.status_code == 200
    assert [c["id"] for c in response.json()["items"]] == [first["id"], second["id"]]


def test_a_connection_is_read_with_when_its_secret_was_set(
    client: TestClient, people: People, coupa: Any
) -> None:
    created = _create(client, people.admin_key)

    response = client.get(f"{CONNECTIONS}/{created['id']}", headers=_as(people.admin_key))

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == created["id"]
    assert body["secret_created_at"]
    assert body["previous_secret_expires_at"] is None
    assert "shared_secret" not in body


def test_an_unknown_connection_is_404(client: TestClient, people: People, coupa: Any) -> None:
    for path in ("", "/purchase-information"):
        response = client.get(f"{CONNECTIONS}/pc-nothing{path}", headers=_as(people.admin_key))
        assert response.status_code == 404
    response = client.post(f"{CONNECTIONS}/pc-nothing/disable", headers=_as(people.admin_key))
    assert response.status_code == 404


def test_another_organizations_connection_is_404(
    client: TestClient, database: FakeDatabase, people: People, coupa: Any
) -> None:
    created = _create(client, people.admin_key)
    globex = accounts.create_organization(
        database.unit_of_work(), name="Globex", admin_email="admin@globex.example"
    )

    for method, path in (
        ("GET", ""),
        ("GET", "/purchase-information"),
        ("POST", "/disable"),
        ("POST", "/rotate-secret"),
    ):
        response = client.request(
            method, f"{CONNECTIONS}/{created['id']}{path}", headers=_as(globex.api_key)
        )
        assert response.status_code == 404, (method, path)


def test_a_connection_can_be_disabled_and_enabled_again(
    client: TestClient, people: People, coupa: Any
) -> None:
    created = _create(client, people.admin_key)
    url = f"{CONNECTIONS}/{created['id']}"

    disabled = client.post(f"{url}/disable", headers=_as(people.admin_key))
    assert disabled.status_code == 200
    assert (disabled.json()["status"], disabled.json()["enabled"]) == ("DISABLED", False)
    assert client.get(url, headers=_as(people.admin_key)).json()["status"] == "DISABLED"

    enabled = client.post(f"{url}/enable", headers=_as(people.admin_key))
    assert enabled.status_code == 200
    assert (enabled.json()["status"], enabled.json()["enabled"]) == ("ENABLED", True)
    assert client.get(url, headers=_as(people.admin_key)).json()["status"] == "ENABLED"


def test_disabling_the_last_redirect_connection_turns_redirect_off_until_one_is_enabled(
    client: TestClient, people: People
) -> None:
    _put(client, people.admin_key, enable_redirect=True)
    redirect = {
        "invoice_endpoint": "https://acme.coupahost.com/cxml/invoices",
        "approval_redirect_url": "https://acme.coupahost.com/requisition",
    }
    first = _create(client, people.admin_key, buyer_identity="first", **redirect)
    second = _create(client, people.admin_key, buyer_identity="second", **redirect)
    _create(client, people.admin_key, buyer_identity="no-redirect")

    def redirect_on() -> bool:
        return bool(
            client.get(CONFIGURATION, headers=_as(people.admin_key)).json()["enable_redirect"]
        )

    client.post(f"{CONNECTIONS}/{first['id']}/disable", headers=_as(people.admin_key))
    assert redirect_on(), "another connection still has a redirect URL"

    client.post(f"{CONNECTIONS}/{second['id']}/disable", headers=_as(people.admin_key))
    assert not redirect_on()

    client.post(f"{CONNECTIONS}/{second['id']}/enable", headers=_as(people.admin_key))
    assert redirect_on()


def test_enabling_and_disabling_needs_the_put_configuration_permission(
    client: TestClient, people: People, coupa: Any
) -> None:
    created = _create(client, people.admin_key)

    for key in (people.reader_key, people.buyer_key):
        response = client.post(f"{CONNECTIONS}/{created['id']}/disable", headers=_as(key))
        assert response.status_code == 403


# -- purchase information ---------------------------------------------------------------------


def test_purchase_information_gives_every_value_and_the_element_it_fills(
    client: TestClient, people: People, coupa: Any
) -> None:
    created = _create(client, people.admin_key)

    response = client.get(
        f"{CONNECTIONS}/{created['id']}/purchase-information", headers=_as(people.admin_key)
    )

    assert response.status_code == 200
    body = response.json()
    assert body["punchout_url"] == "https://market.example/cxml/punchout"
    assert body["order_url"] == "https://market.example/cxml/orders"
    assert body["profile_url"] == "https://market.example/cxml/profile"
    assert body["protocol"] == "cxml"
    assert body["cxml_version"] == "1.2.014"
    for key in (
        "buyer_domain",
        "buyer_identity",
        "supplier_domain",
        "supplier_identity",
        "sender_domain",
        "sender_identity",
    ):
        assert body[key] == created[key], key
    elements = {element["key"]: element for element in body["elements"]}
    assert elements["buyer_identity"]["cxml"] == "Header/From/Credential/Identity"
    assert elements["punchout_url"]["value"] == body["punchout_url"]
    for element in body["elements"]:
        assert set(element) == {"key", "label", "value", "cxml", "where"}
        assert body[element["key"]] == element["value"]


# -- secrets ----------------------------------------------------------------------------------


def test_the_secret_is_shown_when_created_and_never_again(
    client: TestClient, people: People, coupa: Any
) -> None:
    created = _create(client, people.admin_key, shared_secret=SECRET)
    generated = _create(client, people.admin_key, buyer_identity="other")
    secrets = (SECRET, generated["shared_secret"])
    key = _as(people.admin_key)

    answers = [
        client.get(CONNECTIONS, headers=key),
        client.get(CONFIGURATION, headers=key),
        client.get("/api/v1/audit-events", headers=key),
    ]
    for connection in (created, generated):
        url = f"{CONNECTIONS}/{connection['id']}"
        answers += [
            client.get(url, headers=key),
            client.get(f"{url}/purchase-information", headers=key),
            client.post(f"{url}/disable", headers=key),
            client.post(f"{url}/enable", headers=key),
        ]

    for answer in answers:
        assert answer.status_code == 200, answer.text
        for secret in secrets:
            assert secret not in answer.text, answer.url


def test_a_rotated_secret_is_shown_once_and_the_old_one_has_a_grace_period(
    client: TestClient, people: People, coupa: Any
) -> None:
    created = _create(client, people.admin_key)
    url = f"{CONNECTIONS}/{created['id']}"

    rotated = client.post(
        f"{url}/rotate-secret", json={"grace_period_seconds": 3600}, headers=_as(people.admin_key)
    )

    assert rotated.status_code == 200, rotated.text
    body = rotated.json()
    assert body["connection"]["id"] == created["id"]
    assert len(body["shared_secret"]) >= 43
    assert body["shared_secret"] != created["shared_secret"]
    assert body["previous_secret_expires_at"]
    details = client.get(url, headers=_as(people.admin_key))
    assert details.json()["previous_secret_expires_at"] == body["previous_secret_expires_at"]
    assert body["shared_secret"] not in details.text
    events = client.get("/api/v1/audit-events", headers=_as(people.admin_key)).text
    assert body["shared_secret"] not in events


def test_a_rotation_takes_no_body_or_a_given_secret(
    client: TestClient, people: People, coupa: Any
) -> None:
    created = _create(client, people.admin_key)
    url = f"{CONNECTIONS}/{created['id']}/rotate-secret"

    bare = client.post(url, headers=_as(people.admin_key))
    given = client.post(url, json={"shared_secret": SECRET}, headers=_as(people.admin_key))

    assert bare.status_code == 200, bare.text
    assert given.json()["shared_secret"] == SECRET


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"grace_period_seconds": -1}, {"grace_period_seconds"}),
        ({"grace_period_seconds": 2_592_001}, {"grace_period_seconds"}),
        ({"grace_period_seconds": "60"}, {"grace_period_seconds"}),
        ({"shared_secret": "short"}, {"shared_secret"}),
    ],
)
def test_a_bad_rotation_names_the_field(
    client: TestClient, people: People, coupa: Any, body: dict[str, Any], fields: set[str]
) -> None:
    created = _create(client, people.admin_key)

    response = client.post(
        f"{CONNECTIONS}/{created['id']}/rotate-secret", json=body, headers=_as(people.admin_key)
    )

    assert _bad_fields(response) == fields


def test_rotating_a_secret_needs_its_own_permission(
    client: TestClient, database: FakeDatabase, people: People, coupa: Any
) -> None:
    created = _create(client, people.admin_key)
    user = accounts.create_user(
        database.unit_of_work(),
        None,
        account_id=people.account_id,
        email="procurement@acme.example",
        name="Pat Procurement",
        policies=["AWSMarketplaceProcurementSystemAdminFullAccess"],
    )
    key = accounts.issue_api_key(database.unit_of_work(), user.id)[1]

    response = client.post(f"{CONNECTIONS}/{created['id']}/rotate-secret", headers=_as(key))

    assert response.status_code == 403


# -- audit ------------------------------------------------------------------------------------


def test_the_audit_log_says_who_changed_what_and_hides_secrets(
    client: TestClient, people: People
) -> None:
    _put(client, people.admin_key)
    _put(client, people.admin_key, test_mode=False)
    created = _create(client, people.admin_key, shared_secret=SECRET)
    client.post(f"{CONNECTIONS}/{created['id']}/disable", headers=_as(people.admin_key))

    response = client.get("/api/v1/audit-events", headers=_as(people.admin_key))

    assert response.status_code == 200
    body = response.json()
    names = [event["event_name"] for event in body["items"]]
    assert names == [
        "DisableProcurementPortalConnection",
        "CreateProcurementPortalPreference",
        "PutProcurementSystemConfiguration",
        "PutProcurementSystemConfiguration",
    ]
    disable, create, second_put, _ = body["items"]
    assert disable["changes"] == [{"field": "status", "old": "ENABLED", "new": "DISABLED"}]
    assert create["request_parameters"]["shared_secret"] == HIDDEN
    assert create["resource_id"] == created["id"]
    assert {"field": "test_mode", "old": True, "new": False} in second_put["changes"]
    for event in body["items"]:
        assert event["actor_email"] == people.admin_email
        assert event["account_id"] == people.account_id
        assert event["source"] == "api"
    assert SECRET not in response.text


def test_the_audit_log_is_paged(client: TestClient, people: People) -> None:
    for n in range(3):
        _put(client, people.admin_key, name=f"Coupa {n}")

    first = client.get("/api/v1/audit-events?limit=2", headers=_as(people.admin_key)).json()
    rest = client.get(
        "/api/v1/audit-events",
        params={"limit": 2, "next_token": first["next_token"]},
        headers=_as(people.admin_key),
    ).json()

    assert len(first["items"]) == 2
    assert first["next_token"]
    assert len(rest["items"]) == 1
    assert rest["next_token"] is None
    ids = [e["id"] for e in first["items"] + rest["items"]]
    assert len(set(ids)) == 3


@pytest.mark.parametrize("params", [{"limit": "0"}, {"limit": "201"}, {"limit": "x"}])
def test_a_bad_audit_page_size_is_400(
    client: TestClient, people: People, params: dict[str, str]
) -> None:
    response = client.get("/api/v1/audit-events", params=params, headers=_as(people.admin_key))

    assert _bad_fields(response) == {"limit"}


def test_a_bad_audit_page_token_is_400(client: TestClient, people: People) -> None:
    response = client.get(
        "/api/v1/audit-events", params={"next_token": "not-a-token"}, headers=_as(people.admin_key)
    )

    assert response.status_code == 400
