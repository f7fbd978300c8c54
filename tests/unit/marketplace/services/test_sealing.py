"""Re-sealing connection secrets after the secret key is rotated."""

from __future__ import annotations

import pytest
from account_builders import principal_of
from fake_uow import FakeUnitOfWorkFactory

from cxml.models.envelope import Header, Party
from marketplace.domain.accounts import Principal
from marketplace.services import procurement
from marketplace.services.accounts import NewOrganization
from marketplace.services.cxml_auth import authenticate_buyer
from marketplace.services.procurement import ConfigurationChange, ConnectionRequest
from marketplace.services.sealing import ResealReport, reseal_secrets
from marketplace.services.secret_box import FernetSecretBox

OLD = FernetSecretBox(["the old secret key"])
ROTATING = FernetSecretBox(["the new secret key", "the old secret key"])
NEW = FernetSecretBox(["the new secret key"])


@pytest.fixture
def admin(factory: FakeUnitOfWorkFactory, acme: NewOrganization) -> Principal:
    principal = principal_of(factory, acme.user)
    procurement.put_configuration(
        factory(), principal, ConfigurationChange("COUPA", "Acme Coupa", test_mode=False)
    )
    return principal


def connect(factory: FakeUnitOfWorkFactory, admin: Principal, identity: str, secret: str) -> str:
    request = ConnectionRequest(buyer_domain="DUNS", buyer_identity=identity, shared_secret=secret)
    made = procurement.create_connection(factory(), admin, request, box=OLD)
    return made.connection.id


def header_for(factory: FakeUnitOfWorkFactory, connection_id: str, secret: str) -> Header:
    with factory() as uow:
        connection = uow.procurement.get_connection(connection_id)
    assert connection is not None
    return Header(
        from_=Party.of(connection.buyer_domain, connection.buyer_identity),
        to=Party.of(connection.supplier_domain, connection.supplier_identity),
        sender=Party.of(connection.sender_domain, connection.sender_identity, secret),
        user_agent="Coupa Procurement 1.0",
    )


def sealed_values(factory: FakeUnitOfWorkFactory) -> list[str]:
    with factory() as uow:
        return [secret.sealed for secret in uow.procurement.list_all_secrets()]


def test_resealed_secrets_open_with_the_new_key_alone(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    first = connect(factory, admin, "acme-eu", "first-shared-secret-0123")
    second = connect(factory, admin, "acme-us", "second-shared-secret-456")

    report = reseal_secrets(factory, ROTATING)

    assert report == ResealReport(resealed=2)
    assert [NEW.open(sealed) for sealed in sealed_values(factory)] == [
        "first-shared-secret-0123",
        "second-shared-secret-456",
    ]
    for connection_id, secret in ((first, "first-shared-secret-0123"),
                                  (second, "second-shared-secret-456")):  # fmt: skip
        caller = authenticate_buyer(factory(), header_for(factory, connection_id, secret), box=NEW)
        assert caller.connection.id == connection_id


def test_the_old_key_no_longer_opens_what_was_resealed(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    connect(factory, admin, "acme-eu", "first-shared-secret-0123")

    reseal_secrets(factory, ROTATING)

    [sealed] = sealed_values(factory)
    with pytest.raises(ValueError, match="cannot be opened"):
        OLD.open(sealed)


def test_a_secret_no_key_opens_is_reported_and_left_as_it_was(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    connection_id = connect(factory, admin, "acme-eu", "first-shared-secret-0123")
    before = sealed_values(factory)

    report = reseal_secrets(factory, FernetSecretBox(["a key it was never sealed with"]))

    assert report.resealed == 0
    assert [secret.connection_id for secret in report.unreadable] == [connection_id]
    assert sealed_values(factory) == before


def test_resealing_again_changes_nothing_that_matters(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    connect(factory, admin, "acme-eu", "first-shared-secret-0123")

    reseal_secrets(factory, ROTATING)
    again = reseal_secrets(factory, NEW)

    assert again == ResealReport(resealed=1)
    assert [NEW.open(s) for s in sealed_values(factory)] == ["first-shared-secret-0123"]
