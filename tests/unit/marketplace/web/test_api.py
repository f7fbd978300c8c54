import re

import fake_uow
import pytest
from fastapi.testclient import TestClient
from web_support import People

from marketplace.services import accounts


def _as(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_products_are_listed_with_absolute_page_urls(client: TestClient, people: People) -> None:
    response = client.get("/api/v1/products", headers=_as(people.buyer_key))

    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 46
    assert body["page"] == 1
    assert body["page_size"] == 20
    assert len(body["items"]) == 20
    first = body["items"][0]
    assert {"id", "title", "pricing_model", "url", "seller", "categories"} <= set(first)
    assert first["url"] == f"https://market.example/products/{first['id']}"


def test_products_can_be_searched_filtered_and_paged(client: TestClient, people: People) -> None:
    response = client.get(
        "/api/v1/products",
        params={"q": "observability", "pricing_model": "saas_contract", "page_size": 5},
        headers=_as(people.buyer_key),
    )

    body = response.json()
    assert response.status_code == 200
    assert body["page_size"] == 5
    assert body["items"]
    assert all(item["pricing_model"] == "saas_contract" for item in body["items"])
    assert "prod-rich" in [item["id"] for item in body["items"]]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "0"}, "page"),
        ({"page": "abc"}, "page"),
        ({"page_size": "1000"}, "page_size"),
        ({"pricing_model": "bogus"}, "pricing_model"),
        ({"delivery_method": "carrier-pigeon"}, "delivery_method"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_bad_search_parameters_are_400s_naming_the_field(
    client: TestClient, people: People, params: dict[str, str], field: str
) -> None:
    response = client.get("/api/v1/products", params=params, headers=_as(people.buyer_key))

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert field in [f["field"] for f in error["fields"]] or field in error["message"]


def test_a_product_is_described_with_its_offers(client: TestClient, people: People) -> None:
    response = client.get("/api/v1/products/prod-rich", headers=_as(people.buyer_key))

    assert response.status_code == 200
    body = response.json()
    assert body["url"] == "https://market.example/products/prod-rich"
    assert body["seller"]["name"] == "Northwind Software"
    assert body["pricing_model"] == "saas_contract"
    contract, schedule, trial = body["offers"]
    assert contract["dimensions"][0] == {
        "key": "users",
        "name": "Users",
        "unit": "user",
        "kind": "contract",
        "price": "1200",
    }
    assert contract["durations"] == [1, 12, 24, 36]
    assert schedule["instalments"][1] == {"month_offset": 12, "amount": "25000.50"}
    assert trial["trial_days"] == 30


def test_an_unknown_product_is_a_json_404(client: TestClient, people: People) -> None:
    response = client.get("/api/v1/products/prod-nope", headers=_as(people.buyer_key))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_call_without_a_key_is_a_401_asking_for_a_bearer_key(client: TestClient) -> None:
    response = client.get("/api/v1/products")

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer mk_x_y"])
def test_malformed_credentials_are_401s(client: TestClient, header: str) -> None:
    response = client.get("/api/v1/me", headers={"Authorization": header})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_me_names_the_caller(client: TestClient, people: People) -> None:
    body = client.get("/api/v1/me", headers=_as(people.buyer_key)).json()

    assert body["user"]["email"] == people.buyer_email
    assert body["user"]["policies"] == ["MarketplaceBuyerAccess"]
    assert body["account"]["kind"] == "management"
    assert body["organization"]["id"] == people.organization_id
    assert "password_hash" not in str(body)


def test_the_organization_is_described_with_its_accounts(
    client: TestClient, people: People
) -> None:
    body = client.get("/api/v1/organization", headers=_as(people.admin_key)).json()

    assert body["id"] == people.organization_id
    assert body["name"] == "Acme Corp"
    assert [a["id"] for a in body["accounts"]] == [people.account_id]
    assert body["accounts"][0]["kind"] == "management"


def test_the_management_admin_creates_a_member_account_with_a_working_key(
    client: TestClient, people: People
) -> None:
    response = client.post(
        "/api/v1/accounts",
        json={"name": "Acme Engineering", "admin_email": "eng@acme.example"},
        headers=_as(people.admin_key),
    )

    assert response.status_code == 201
    created = response.json()
    assert re.fullmatch(r"\d{12}", created["account_id"])
    assert created["account"]["kind"] == "member"
    me = client.get("/api/v1/me", headers=_as(created["api_key"])).json()
    assert me["account"]["id"] == created["account_id"]
    listed = client.get("/api/v1/accounts", headers=_as(people.admin_key)).json()
    assert created["account_id"] in [a["id"] for a in listed["items"]]
    described = client.get(
        f"/api/v1/accounts/{created['account_id']}", headers=_as(people.reader_key)
    )
    assert described.json()["name"] == "Acme Engineering"


def test_a_taken_email_is_a_409(client: TestClient, people: People) -> None:
    response = client.post(
        "/api/v1/accounts",
        json={"name": "Again", "admin_email": people.buyer_email},
        headers=_as(people.admin_key),
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


def test_bad_account_fields_are_all_named_at_once(client: TestClient, people: People) -> None:
    response = client.post(
        "/api/v1/accounts",
        json={"name": "", "admin_email": "not-an-address"},
        headers=_as(people.admin_key),
    )

    assert response.status_code == 400
    fields = {f["field"] for f in response.json()["error"]["fields"]}
    assert {"name", "admin_email"} <= fields


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Missing email"}, "admin_email"),
        ({"name": "X", "admin_email": "x@acme.example", "surprise": 1}, "surprise"),
        ({"name": 12, "admin_email": "x@acme.example"}, "name"),
    ],
)
def test_malformed_account_requests_are_400s(
    client: TestClient, people: People, body: dict[str, object], field: str
) -> None:
    response = client.post("/api/v1/accounts", json=body, headers=_as(people.admin_key))

    assert response.status_code == 400
    assert any(f["field"].endswith(field) for f in response.json()["error"]["fields"])


def test_a_body_that_is_not_json_is_a_400(client: TestClient, people: People) -> None:
    response = client.post(
        "/api/v1/accounts",
        content=b"{not json",
        headers={**_as(people.admin_key), "content-type": "application/json"},
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


def test_an_account_of_another_organization_is_not_found(
    client: TestClient, people: People, database: object
) -> None:
    other = accounts.create_organization(
        database.unit_of_work(),  # type: ignore[attr-defined]
        name="Globex",
        admin_email="admin@globex.example",
    )

    response = client.get(f"/api/v1/accounts/{people.account_id}", headers=_as(other.api_key))
    nonsense = client.get("/api/v1/accounts/../../etc", headers=_as(other.api_key))

    assert response.status_code == 404
    assert nonsense.status_code == 404


def test_an_unknown_api_path_is_a_json_404_even_for_browsers(client: TestClient) -> None:
    response = client.get("/api/v1/nothing", headers={"accept": "text/html"})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_openapi_documents_bearer_keys_and_the_error_shape(client: TestClient) -> None:
    document = client.get("/api/openapi.json").json()

    assert document["components"]["securitySchemes"]["ApiKey"]["scheme"] == "bearer"
    assert document["components"]["securitySchemes"]["MeteringKey"]["scheme"] == "bearer"
    for path, methods in document["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for spec in methods.values():
            responses = spec["responses"]
            assert "422" not in responses, path  # malformed requests are 400s here
            assert responses["401"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorBody"
            }
            # Sellers report usage with a metering key; everything else takes a user's API key.
            metered = spec.get("x-authentication") == "bearer-metering-key"
            assert spec["security"] == [{"MeteringKey" if metered else "ApiKey": []}], path


def test_a_search_past_the_count_limit_says_its_total_is_not_exact(
    client: TestClient, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fake_uow, "COUNT_LIMIT", 1)

    body = client.get("/api/v1/products", params={"q": "suite"}, headers=_as(people.buyer_key))

    assert body.status_code == 200
    assert body.json()["total"] == 1
    assert body.json()["total_is_exact"] is False
