"""Authenticating cXML requests against portal connections, and sealing their secrets."""

from __future__ import annotations

import datetime as dt

import pytest
from account_builders import principal_of
from fake_uow import FakeUnitOfWorkFactory

from cxml.models.envelope import Credential, Header, Party
from marketplace.domain.accounts import Principal
from marketplace.services import procurement
from marketplace.services.accounts import NewOrganization
from marketplace.services.cxml_auth import CxmlAuthenticationError, authenticate_buyer
from marketplace.services.procurement import ConfigurationChange, ConnectionRequest
from marketplace.services.rate_limits import Admission, RateLimit
from marketplace.services.secret_box import FernetSecretBox

BOX = FernetSecretBox(["test secret key"])
NOON = dt.datetime(2026, 3, 5, 12, 0, tzinfo=dt.UTC)


def _noon() -> dt.datetime:
    return NOON  # a clock that stands still: the bucket refills nothing between calls


SECRET = "s3cret-for-tests"


@pytest.fixture
def admin(factory: FakeUnitOfWorkFactory, acme: NewOrganization) -> Principal:
    principal = principal_of(factory, acme.user)
    procurement.put_configuration(
        factory(), principal, ConfigurationChange("COUPA", "Acme Coupa", test_mode=False)
    )
    return principal


@pytest.fixture
def connection_id(factory: FakeUnitOfWorkFactory, admin: Principal) -> str:
    request = ConnectionRequest(
        buyer_domain="DUNS",
        buyer_identity="acme-buyer",
        supplier_domain="NetworkID",
        supplier_identity="marketplace",
        shared_secret=SECRET,
    )
    return procurement.create_connection(factory(), admin, request, box=BOX).connection.id


def header(
    *,
    from_: tuple[str, str] = ("duns", "acme-buyer"),
    to: tuple[str, str] = ("NetworkId", "marketplace"),
    sender: tuple[str, str] = ("DUNS", "acme-buyer"),
    secret: str | None = SECRET,
) -> Header:
    return Header(
        from_=Party.of(*from_),
        to=Party.of(*to),
        sender=Party((Credential(sender[0], sender[1], secret),)),
        user_agent="Coupa Procurement 1.0",
    )


def test_the_connections_credentials_authenticate(
    factory: FakeUnitOfWorkFactory, connection_id: str
) -> None:
    caller = authenticate_buyer(factory(), header(), box=BOX)

    assert caller.connection.id == connection_id
    assert caller.test is False


@pytest.mark.parametrize(
    ("changes", "element"),
    [
        ({"from_": ("DUNS", "someone-else")}, "From"),
        ({"from_": ("DUNS", "ACME-BUYER")}, "From"),  # identities compare exactly
        ({"to": ("NetworkID", "other-supplier")}, "To"),
        ({"sender": ("DUNS", "intruder")}, "Sender"),
        ({"secret": "wrong-secret"}, "SharedSecret"),
        ({"secret": None}, "SharedSecret"),
    ],
)
def test_each_mismatch_is_a_401_that_names_the_element(
    factory: FakeUnitOfWorkFactory,
    connection_id: str,
    changes: dict[str, object],
    element: str,
) -> None:
    with pytest.raises(CxmlAuthenticationError) as caught:
        authenticate_buyer(factory(), header(**changes), box=BOX)  # type: ignore[arg-type]

    assert caught.value.status_code == 401
    assert element in caught.value.reason
    assert SECRET not in caught.value.reason
    assert "wrong-secret" not in caught.value.reason
    assert SECRET not in caught.value.message


def test_a_disabled_connection_is_forbidden(
    factory: FakeUnitOfWorkFactory, admin: Principal, connection_id: str
) -> None:
    procurement.disable_connection(factory(), admin, connection_id)

    with pytest.raises(CxmlAuthenticationError) as caught:
        authenticate_buyer(factory(), header(), box=BOX)
    assert caught.value.status_code == 403


def test_a_disabled_connection_is_not_revealed_to_a_wrong_secret(
    factory: FakeUnitOfWorkFactory, admin: Principal, connection_id: str
) -> None:
    procurement.disable_connection(factory(), admin, connection_id)

    with pytest.raises(CxmlAuthenticationError) as caught:
        authenticate_buyer(factory(), header(secret="guess-guess"), box=BOX)
    assert caught.value.status_code == 401


def test_both_secrets_work_during_a_rotation_and_only_the_new_one_after(
    factory: FakeUnitOfWorkFactory, admin: Principal, connection_id: str
) -> None:
    now = dt.datetime.now(dt.UTC)
    rotated = procurement.rotate_secret(
        factory(), admin, connection_id, box=BOX, grace=dt.timedelta(hours=1)
    )

    for secret in (SECRET, rotated.shared_secret):
        authenticate_buyer(factory(), header(secret=secret), box=BOX)
    later = now + dt.timedelta(hours=2)
    new_secret = header(secret=rotated.shared_secret)
    authenticate_buyer(factory(), new_secret, box=BOX, clock=lambda: later)
    with pytest.raises(CxmlAuthenticationError):
        authenticate_buyer(factory(), header(secret=SECRET), box=BOX, clock=lambda: later)


def test_test_mode_comes_from_the_request_the_connection_or_the_organization(
    factory: FakeUnitOfWorkFactory, admin: Principal, connection_id: str
) -> None:
    assert authenticate_buyer(factory(), header(), box=BOX, test_requested=True).test
    procurement.put_configuration(
        factory(), admin, ConfigurationChange("COUPA", "Acme Coupa", test_mode=True)
    )
    assert authenticate_buyer(factory(), header(), box=BOX).test


def test_a_secret_sealed_with_another_key_does_not_open() -> None:
    sealed = BOX.seal("x")

    assert BOX.open(sealed) == "x"
    assert sealed != BOX.seal("x")  # a fresh nonce every time
    with pytest.raises(ValueError, match="cannot be opened"):
        FernetSecretBox(["another key"]).open(sealed)
    with pytest.raises(ValueError, match="cannot be opened"):
        BOX.open("not sealed at all")


def test_an_older_secret_key_still_opens_and_reseals() -> None:
    old = FernetSecretBox(["old key"])
    rotated = FernetSecretBox(["new key", "old key"])
    sealed = old.seal("kept")

    assert rotated.open(sealed) == "kept"
    assert FernetSecretBox(["new key"]).open(rotated.reseal(sealed)) == "kept"
    assert "key" not in repr(rotated)


def test_with_a_rate_limit_the_connection_bucket_is_drawn_in_the_same_call(
    factory: FakeUnitOfWorkFactory, connection_id: str
) -> None:
    limit = RateLimit(rate=1.0, burst=2.0)

    first, second, third = (
        authenticate_buyer(factory(), header(), box=BOX, rate_limit=limit, clock=_noon)
        for _ in range(3)
    )

    assert first.admission == Admission(True)
    assert second.admission == Admission(True)
    assert third.admission == Admission(False, retry_after=1)
    assert third.connection.id == connection_id


def test_a_refused_caller_takes_no_token(
    factory: FakeUnitOfWorkFactory, admin: Principal, connection_id: str
) -> None:
    limit = RateLimit(rate=1.0, burst=1.0)
    with pytest.raises(CxmlAuthenticationError):
        authenticate_buyer(factory(), header(secret="wrong"), box=BOX, rate_limit=limit)
    procurement.disable_connection(factory(), admin, connection_id)
    with pytest.raises(CxmlAuthenticationError):
        authenticate_buyer(factory(), header(), box=BOX, rate_limit=limit, clock=_noon)
    procurement.enable_connection(factory(), admin, connection_id)

    caller = authenticate_buyer(factory(), header(), box=BOX, rate_limit=limit, clock=_noon)

    assert caller.admission.allowed
