"""``/api/v1/api-keys``: keys are shown once, listed without their secret, and revocable."""

from fastapi.testclient import TestClient
from web_support import FakeDatabase, People, make_people

from marketplace.domain.policies import ACTIONS

KEY_FIELDS = {"id", "prefix", "created_at", "revoked_at", "active"}


def _as(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _keys(client: TestClient, key: str) -> list[dict[str, object]]:
    response = client.get("/api/v1/api-keys", headers=_as(key))
    assert response.status_code == 200, response.text
    items: list[dict[str, object]] = response.json()["items"]
    return items


def _only_key_id(client: TestClient, key: str) -> str:
    [item] = _keys(client, key)
    return str(item["id"])


def test_listing_shows_the_callers_own_keys_but_never_a_key_or_its_hash(
    client: TestClient, people: People, database: FakeDatabase
) -> None:
    response = client.get("/api/v1/api-keys", headers=_as(people.buyer_key))

    assert response.status_code == 200
    [item] = response.json()["items"]
    assert set(item) == KEY_FIELDS
    assert item["active"] is True
    assert item["revoked_at"] is None
    assert people.buyer_key.startswith(f"mk_{item['prefix']}_")
    with database.unit_of_work() as uow:
        stored = uow.api_keys.get(str(item["id"]))
    assert stored is not None
    assert people.buyer_key not in response.text
    assert stored.key_hash not in response.text


def test_a_created_key_is_shown_once_works_at_once_and_is_listed_without_itself(
    client: TestClient, people: People
) -> None:
    response = client.post("/api/v1/api-keys", headers=_as(people.buyer_key))

    assert response.status_code == 201
    created = response.json()
    assert set(created) == {"id", "prefix", "api_key", "created_at"}
    assert created["api_key"].startswith(f"mk_{created['prefix']}_")
    me = client.get("/api/v1/me", headers=_as(created["api_key"]))
    assert me.status_code == 200
    assert me.json()["user"]["email"] == people.buyer_email
    listing = client.get("/api/v1/api-keys", headers=_as(created["api_key"]))
    assert created["id"] in [item["id"] for item in listing.json()["items"]]
    assert len(listing.json()["items"]) == 2
    assert created["api_key"] not in listing.text


def test_revoking_the_key_in_use_is_allowed_and_later_calls_with_it_are_401s(
    client: TestClient, people: People
) -> None:
    spare = client.post("/api/v1/api-keys", headers=_as(people.buyer_key)).json()
    key_id = _keys(client, people.buyer_key)[0]["id"]

    response = client.delete(f"/api/v1/api-keys/{key_id}", headers=_as(people.buyer_key))

    assert response.status_code == 204
    assert response.content == b""
    assert client.get("/api/v1/me", headers=_as(people.buyer_key)).status_code == 401
    revoked = next(item for item in _keys(client, spare["api_key"]) if item["id"] == key_id)
    assert revoked["active"] is False
    assert revoked["revoked_at"] is not None


def test_another_organizations_key_is_not_found_even_for_an_administrator(
    client: TestClient, people: People, database: FakeDatabase
) -> None:
    globex = make_people(database, domain="globex.example")
    key_id = _only_key_id(client, globex.buyer_key)

    response = client.delete(f"/api/v1/api-keys/{key_id}", headers=_as(people.admin_key))

    assert response.status_code == 404
    assert response.json()["error"]["code"]
    assert client.get("/api/v1/me", headers=_as(globex.buyer_key)).status_code == 200


def test_an_unknown_key_id_is_not_found(client: TestClient, people: People) -> None:
    response = client.delete("/api/v1/api-keys/k-0000000000000000", headers=_as(people.admin_key))

    assert response.status_code == 404


def test_revoking_a_colleagues_key_without_delete_access_key_is_refused(
    client: TestClient, people: People
) -> None:
    key_id = _only_key_id(client, people.reader_key)

    response = client.delete(f"/api/v1/api-keys/{key_id}", headers=_as(people.buyer_key))

    assert response.status_code == 403
    assert ACTIONS.DELETE_ACCESS_KEY in response.json()["error"]["message"]
    assert client.get("/api/v1/me", headers=_as(people.reader_key)).status_code == 200


def test_an_administrator_with_delete_access_key_revokes_a_colleagues_key(
    client: TestClient, people: People
) -> None:
    key_id = _only_key_id(client, people.buyer_key)

    response = client.delete(f"/api/v1/api-keys/{key_id}", headers=_as(people.admin_key))

    assert response.status_code == 204
    assert client.get("/api/v1/me", headers=_as(people.buyer_key)).status_code == 401
    assert client.get("/api/v1/me", headers=_as(people.admin_key)).status_code == 200
