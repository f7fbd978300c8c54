"""Request approval outside a punchout: off to the organization's Coupa, or told where to start."""

from __future__ import annotations

import pytest
from account_builders import add_user, clock, principal_of
from fake_uow import FakeUnitOfWorkFactory

from marketplace.domain.accounts import Principal
from marketplace.domain.errors import AccessDeniedError, ConflictError
from marketplace.domain.policies import BUYER_POLICY, READ_ONLY_POLICY
from marketplace.services import procurement
from marketplace.services.accounts import NewAccount, NewOrganization
from marketplace.services.procurement import ConfigurationChange, ConnectionRequest
from marketplace.services.punchout_redirect import (
    ARIBA_ONLY,
    NO_REDIRECT,
    NOT_CONFIGURED,
    direct_request_offered,
    direct_request_target,
)
from marketplace.services.secret_box import FernetSecretBox

BOX = FernetSecretBox(["test secret key"])
REDIRECT_URL = "https://acme.coupahost.com/requisition/new"


@pytest.fixture
def admin(factory: FakeUnitOfWorkFactory, acme: NewOrganization) -> Principal:
    return principal_of(factory, acme.user)


@pytest.fixture
def buyer(factory: FakeUnitOfWorkFactory, engineering: NewAccount) -> Principal:
    """A buyer in Acme's member account (requests come from any account of the organization)."""
    return add_user(factory, engineering.account, "bo@acme.example", BUYER_POLICY)


def configure(
    factory: FakeUnitOfWorkFactory, admin: Principal, system: str = "COUPA", **flags: bool
) -> None:
    change = ConfigurationChange(system=system, name=f"Acme {system.title()}", **flags)
    procurement.put_configuration(factory(), admin, change, clock=clock)


def connect(
    factory: FakeUnitOfWorkFactory, admin: Principal, identity: str, **fields: object
) -> str:
    request = ConnectionRequest(
        **{"buyer_domain": "NetworkID", "buyer_identity": identity, **fields}  # type: ignore[arg-type]
    )
    return procurement.create_connection(factory(), admin, request, box=BOX).connection.id


def test_coupa_with_redirect_sends_the_user_to_the_connections_redirect_url(
    factory: FakeUnitOfWorkFactory, admin: Principal, buyer: Principal
) -> None:
    configure(factory, admin, enable_redirect=True)
    connect(factory, admin, "acme-coupa", approval_redirect_url=REDIRECT_URL)

    assert direct_request_offered(factory(), buyer)
    assert direct_request_target(factory(), buyer) == REDIRECT_URL


def test_the_oldest_enabled_connection_with_a_redirect_url_wins(
    factory: FakeUnitOfWorkFactory, admin: Principal, buyer: Principal
) -> None:
    configure(factory, admin, enable_redirect=True)
    connect(factory, admin, "no-redirect")
    first = connect(factory, admin, "first", approval_redirect_url=REDIRECT_URL + "?n=1")
    connect(factory, admin, "second", approval_redirect_url=REDIRECT_URL + "?n=2")
    assert direct_request_target(factory(), buyer) == REDIRECT_URL + "?n=1"

    procurement.disable_connection(factory(), admin, first, clock=clock)

    assert direct_request_target(factory(), buyer) == REDIRECT_URL + "?n=2"


def test_coupa_without_redirect_says_to_start_from_coupa(
    factory: FakeUnitOfWorkFactory, admin: Principal, buyer: Principal
) -> None:
    configure(factory, admin)  # redirect off
    connect(factory, admin, "acme-coupa", approval_redirect_url=REDIRECT_URL)

    with pytest.raises(ConflictError) as caught:
        direct_request_target(factory(), buyer)

    assert caught.value.message == NO_REDIRECT
    assert direct_request_offered(factory(), buyer)  # the button shows; it explains on use


def test_redirect_on_without_an_enabled_connection_that_has_a_url_says_to_start_from_coupa(
    factory: FakeUnitOfWorkFactory, admin: Principal, buyer: Principal
) -> None:
    configure(factory, admin)
    connect(factory, admin, "plain")
    configure(factory, admin, enable_redirect=True)

    with pytest.raises(ConflictError) as caught:
        direct_request_target(factory(), buyer)

    assert caught.value.message == NO_REDIRECT


def test_ariba_users_are_told_requests_can_only_be_made_from_ariba(
    factory: FakeUnitOfWorkFactory, admin: Principal, buyer: Principal
) -> None:
    configure(factory, admin, system="ARIBA")

    with pytest.raises(ConflictError) as caught:
        direct_request_target(factory(), buyer)

    assert (
        caught.value.message
        == ARIBA_ONLY
        == ("Start from SAP Ariba: requests can only be made from Ariba.")
    )


def test_without_a_configuration_nothing_is_offered(
    factory: FakeUnitOfWorkFactory, buyer: Principal
) -> None:
    assert not direct_request_offered(factory(), buyer)
    with pytest.raises(ConflictError) as caught:
        direct_request_target(factory(), buyer)
    assert caught.value.message == NOT_CONFIGURED


def test_a_user_who_may_not_subscribe_is_offered_nothing_and_refused(
    factory: FakeUnitOfWorkFactory, admin: Principal, engineering: NewAccount
) -> None:
    configure(factory, admin, enable_redirect=True)
    connect(factory, admin, "acme-coupa", approval_redirect_url=REDIRECT_URL)
    reader = add_user(factory, engineering.account, "rae@acme.example", READ_ONLY_POLICY)

    assert not direct_request_offered(factory(), reader)
    with pytest.raises(AccessDeniedError):
        direct_request_target(factory(), reader)


def test_another_organizations_redirect_is_never_used(
    factory: FakeUnitOfWorkFactory, admin: Principal, globex: NewOrganization
) -> None:
    configure(factory, admin, enable_redirect=True)
    connect(factory, admin, "acme-coupa", approval_redirect_url=REDIRECT_URL)
    stranger = add_user(factory, globex.account, "gus@globex.example", BUYER_POLICY)

    assert not direct_request_offered(factory(), stranger)
    with pytest.raises(ConflictError):
        direct_request_target(factory(), stranger)
