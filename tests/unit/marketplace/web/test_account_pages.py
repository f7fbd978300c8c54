import pytest
from fastapi.testclient import TestClient
from web_support import FakeDatabase, People, sign_in

from marketplace.services import accounts


@pytest.mark.parametrize("path", ["/your-software", "/account"])
def test_signed_in_pages_send_strangers_to_sign_in_and_back(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == f"/signin?next={path}"
    form = client.get(response.headers["location"]).text
    assert f'name="next" value="{path}"' in form


def test_signing_in_from_the_redirect_lands_on_the_page_asked_for(
    client: TestClient, people: People
) -> None:
    sign_in(client, people.buyer_email, next="/your-software")

    response = client.get("/your-software")

    assert response.status_code == 200


def test_your_software_is_empty_for_now(client: TestClient, people: People) -> None:
    sign_in(client, people.buyer_email)

    page = client.get("/your-software").text

    assert "<title>Your software · Software Marketplace</title>" in page
    assert "You have no software yet." in page
    assert 'href="/your-software" aria-current="page"' in page


def test_account_page_shows_the_organization_and_its_accounts_to_an_admin(
    client: TestClient, people: People, database: FakeDatabase
) -> None:
    accounts.create_member_account(
        database.unit_of_work(),
        organization_id=people.organization_id,
        name="Acme Engineering",
        admin_email="eng@acme.example",
    )
    sign_in(client, people.admin_email)

    page = client.get("/account").text

    assert "Acme Corp" in page
    assert people.organization_id in page
    assert "<caption>Accounts of Acme Corp</caption>" in page
    assert "Acme Engineering" in page
    assert "<td>Management</td>" in page
    assert "<td>Member</td>" in page
    assert "AWSMarketplaceProcurementSystemAdminFullAccess" in page


def test_account_page_hides_the_accounts_from_a_user_without_the_permission(
    client: TestClient, people: People
) -> None:
    sign_in(client, people.buyer_email)

    page = client.get("/account").text

    assert "Acme Corp" in page  # their own organization's name
    assert "<caption>Accounts of" not in page
    assert "Your permissions do not let you see the organization's accounts." in page
    assert "MarketplaceBuyerAccess" in page
    assert "Browse the catalog, subscribe" in page


def test_account_page_shows_the_accounts_to_a_read_only_user(
    client: TestClient, people: People
) -> None:
    sign_in(client, people.reader_email)

    page = client.get("/account").text

    assert "<caption>Accounts of Acme Corp</caption>" in page
    assert "MarketplaceReadOnlyAccess" in page
