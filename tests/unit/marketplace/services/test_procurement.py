"""Managing procurement systems: configuration, connections, secrets, redirect, audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from account_builders import NOW, add_user, clock, principal_of
from fake_uow import FakeUnitOfWorkFactory

from marketplace.domain.accounts import Principal
from marketplace.domain.audit import HIDDEN
from marketplace.domain.errors import (
    AccessDeniedError,
    ConflictError,
    NotFoundError,
    ValidationError,
)
from marketplace.domain.policies import BUYER_POLICY, PROCUREMENT_ADMIN_POLICY, READ_ONLY_POLICY
from marketplace.domain.procurement import (
    DEFAULT_SUPPLIER_ANID,
    PURCHASE_ORDER_ROLE,
    CartReturnField,
    ConnectionStatus,
    ProcurementSystem,
)
from marketplace.services import procurement
from marketplace.services.accounts import NewAccount, NewOrganization
from marketplace.services.procurement import ConfigurationChange, ConnectionRequest
from marketplace.services.secret_box import FernetSecretBox

BOX = FernetSecretBox(["test secret key"])
COUPA = ConfigurationChange(system="COUPA", name="Acme Coupa")


def fields_of(error: ValidationError) -> set[str]:
    return {problem.field for problem in error.fields}


@pytest.fixture
def admin(factory: FakeUnitOfWorkFactory, acme: NewOrganization) -> Principal:
    return principal_of(factory, acme.user)


@pytest.fixture
def coupa(factory: FakeUnitOfWorkFactory, admin: Principal) -> Principal:
    """Acme's administrator, with Coupa set up."""
    procurement.put_configuration(factory(), admin, COUPA, clock=clock)
    return admin


def connect(
    factory: FakeUnitOfWorkFactory, admin: Principal, **fields: object
) -> procurement.NewConnection:
    request = ConnectionRequest(
        **{"buyer_domain": "NetworkID", "buyer_identity": "acme-coupa", **fields}  # type: ignore[arg-type]
    )
    return procurement.create_connection(factory(), admin, request, box=BOX)


# -- configuration -------------------------------------------------------------------------


def test_first_put_has_test_mode_on_and_everything_else_off(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    configuration = procurement.put_configuration(factory(), admin, COUPA, clock=clock)

    assert configuration.system is ProcurementSystem.COUPA
    assert configuration.test_mode is True
    assert not any(
        (
            configuration.enable_redirect,
            configuration.preapprove_free,
            configuration.preapprove_byol,
            configuration.billing_integration,
        )
    )
    assert procurement.describe_configuration(factory(), admin) == configuration


def test_a_put_keeps_the_values_it_omits(factory: FakeUnitOfWorkFactory, admin: Principal) -> None:
    procurement.put_configuration(
        factory(),
        admin,
        ConfigurationChange(system="COUPA", name="A", preapprove_free=True, test_mode=False),
    )
    updated = procurement.put_configuration(
        factory(), admin, ConfigurationChange(system="coupa", name="B", preapprove_byol=True)
    )

    assert (updated.name, updated.preapprove_free, updated.preapprove_byol) == ("B", True, True)
    assert updated.test_mode is False
    assert updated.version == 2


def test_describe_before_any_put_is_not_found(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    with pytest.raises(NotFoundError):
        procurement.describe_configuration(factory(), admin)
    assert procurement.find_configuration(factory(), admin) is None


def test_member_account_is_denied_even_with_the_policy(
    factory: FakeUnitOfWorkFactory, engineering: NewAccount
) -> None:
    member = add_user(factory, engineering.account, "pa@acme.example", PROCUREMENT_ADMIN_POLICY)

    with pytest.raises(AccessDeniedError, match="management account"):
        procurement.put_configuration(factory(), member, COUPA)
    with pytest.raises(AccessDeniedError):
        procurement.describe_configuration(factory(), member)
    assert factory.store.configurations == {}


def test_a_user_without_the_policy_is_denied(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization
) -> None:
    buyer = add_user(factory, acme.account, "bo@acme.example", BUYER_POLICY)
    reader = add_user(factory, acme.account, "rae@acme.example", READ_ONLY_POLICY)

    with pytest.raises(AccessDeniedError):
        procurement.put_configuration(factory(), buyer, COUPA)
    with pytest.raises(AccessDeniedError):
        procurement.put_configuration(factory(), reader, COUPA)
    assert procurement.find_configuration(factory(), reader) is None  # reading is allowed


def test_a_put_reports_every_bad_field(factory: FakeUnitOfWorkFactory, admin: Principal) -> None:
    change = ConfigurationChange(
        system="SAP",
        name=" ",
        description="x" * 1001,
        test_mode="yes",  # type: ignore[arg-type]
    )
    with pytest.raises(ValidationError) as caught:
        procurement.put_configuration(factory(), admin, change)

    assert fields_of(caught.value) == {"system", "name", "description", "test_mode"}


def test_ariba_has_no_redirect_and_starts_in_test_mode(
    factory: FakeUnitOfWorkFactory, admin: Principal, acme: NewOrganization
) -> None:
    with pytest.raises(ValidationError) as caught:
        procurement.put_configuration(
            factory(),
            admin,
            ConfigurationChange(system="ARIBA", name="Ariba", enable_redirect=True),
        )
    assert fields_of(caught.value) == {"enable_redirect"}

    with pytest.raises(ValidationError) as caught:
        procurement.put_configuration(
            factory(), admin, ConfigurationChange(system="ARIBA", name="A", test_mode=False)
        )
    assert fields_of(caught.value) == {"test_mode"}

    live = procurement.put_configuration(
        factory(),
        None,
        ConfigurationChange(system="ARIBA", name="A", test_mode=False),
        organization_id=acme.organization.id,
    )
    assert live.test_mode is False  # the operator takes Ariba to production


def test_billing_integration_creates_the_purchase_order_role_once(
    factory: FakeUnitOfWorkFactory, coupa: Principal
) -> None:
    on = procurement.put_configuration(
        factory(), coupa, ConfigurationChange("COUPA", "Acme Coupa", billing_integration=True)
    )
    off = procurement.put_configuration(
        factory(), coupa, ConfigurationChange("COUPA", "Acme Coupa", billing_integration=False)
    )
    procurement.put_configuration(
        factory(), coupa, ConfigurationChange("COUPA", "Acme Coupa", billing_integration=True)
    )

    assert on.purchase_order_role == PURCHASE_ORDER_ROLE
    assert off.billing_integration is False
    assert off.purchase_order_role == PURCHASE_ORDER_ROLE  # roles outlive the setting
    events = procurement.list_audit_events(factory(), coupa).events
    assert [e.event_name for e in events].count("CreateServiceLinkedRole") == 1


def test_the_system_cannot_change_while_its_connections_exist(
    factory: FakeUnitOfWorkFactory, coupa: Principal
) -> None:
    connect(factory, coupa)

    with pytest.raises(ConflictError, match="Coupa"):
        procurement.put_configuration(factory(), coupa, ConfigurationChange("ARIBA", "Ariba"))


def test_a_put_that_changes_nothing_records_nothing(
    factory: FakeUnitOfWorkFactory, coupa: Principal
) -> None:
    procurement.put_configuration(factory(), coupa, COUPA)

    events = procurement.list_audit_events(factory(), coupa).events
    assert [e.event_name for e in events] == ["PutProcurementSystemConfiguration"]


# -- connections ---------------------------------------------------------------------------


def test_a_coupa_connection_gets_a_generated_supplier_identity_and_secret(
    factory: FakeUnitOfWorkFactory, coupa: Principal
) -> None:
    first = connect(factory, coupa)
    second = connect(factory, coupa, buyer_identity="acme-coupa-2")

    connection = first.connection
    assert connection.status is ConnectionStatus.ENABLED
    assert connection.supplier_domain == "NetworkID"
    assert connection.supplier_identity != second.connection.supplier_identity
    assert len(first.shared_secret) >= 43  # 32 random bytes, base64
    assert first.shared_secret != second.shared_secret
    assert connection.cart_field is CartReturnField.URLENCODED
    assert connection.account_id == coupa.account.id


def test_a_secret_is_stored_sealed(factory: FakeUnitOfWorkFactory, coupa: Principal) -> None:
    created = connect(factory, coupa, shared_secret="given-secret-123")

    (stored,) = factory.store.secrets.values()
    assert "given-secret-123" not in stored.sealed
    assert BOX.open(stored.sealed) == "given-secret-123"
    assert created.shared_secret == "given-secret-123"


def test_a_connection_reports_every_bad_field(
    factory: FakeUnitOfWorkFactory, coupa: Principal
) -> None:
    with pytest.raises(ValidationError) as caught:
        connect(
            factory,
            coupa,
            buyer_domain="",
            buyer_identity="has space",
            shared_secret="short",
            invoice_endpoint="http://coupa.example.com/cxml/invoices",
            approval_redirect_url="ftp://x",
            cart_field="json",
            buyer_anid="AN01234567890",
        )

    assert fields_of(caught.value) == {
        "buyer_domain",
        "buyer_identity",
        "shared_secret",
        "invoice_endpoint",
        "approval_redirect_url",
        "cart_field",
        "buyer_anid",
    }
    assert factory.store.connections == {}


@pytest.mark.parametrize(
    "endpoint", ["http://127.0.0.1:8100/cxml/invoices", "http://localhost/x", "http://[::1]/x"]
)
def test_plain_http_is_accepted_for_loopback_hosts(
    factory: FakeUnitOfWorkFactory, coupa: Principal, endpoint: str
) -> None:
    created = connect(factory, coupa, invoice_endpoint=endpoint)

    assert created.connection.invoice_endpoint == endpoint


def test_the_redirect_url_must_be_on_the_invoice_endpoints_host(
    factory: FakeUnitOfWorkFactory, coupa: Principal
) -> None:
    with pytest.raises(ValidationError) as caught:
        connect(
            factory,
            coupa,
            invoice_endpoint="https://acme.coupahost.com/cxml/invoices",
            approval_redirect_url="https://evil.example.com/requests",
        )
    assert fields_of(caught.value) == {"approval_redirect_url"}

    created = connect(
        factory,
        coupa,
        invoice_endpoint="https://acme.coupahost.com/cxml/invoices",
        approval_redirect_url="https://ACME.coupahost.com/requisition",
    )
    assert created.connection.has_redirect


def test_taken_credentials_conflict(factory: FakeUnitOfWorkFactory, coupa: Principal) -> None:
    connect(factory, coupa, supplier_identity="marketplace")

    with pytest.raises(ConflictError, match="already exists"):
        connect(factory, coupa, buyer_domain="networkid", supplier_identity="marketplace")


def test_a_connection_needs_a_configuration(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    with pytest.raises(ConflictError, match="set up"):
        connect(factory, admin)


def test_ariba_connections_take_anids(factory: FakeUnitOfWorkFactory, admin: Principal) -> None:
    procurement.put_configuration(factory(), admin, ConfigurationChange("ARIBA", "Acme Ariba"))

    with pytest.raises(ValidationError) as caught:
        procurement.create_connection(
            factory(),
            admin,
            ConnectionRequest(
                buyer_anid="AN0123",
                supplier_anid="XX01234567890",
                invoice_endpoint="https://a.example/x",
            ),
            box=BOX,
        )
    assert fields_of(caught.value) == {"buyer_anid", "supplier_anid", "invoice_endpoint"}

    for anid in ("AN01234567890", "AN012345678901"):
        created = procurement.create_connection(
            factory(), admin, ConnectionRequest(buyer_anid=anid), box=BOX
        )
        assert created.connection.buyer_identity == anid
        assert created.connection.supplier_identity == DEFAULT_SUPPLIER_ANID
        assert created.connection.sender_domain == "AribaNetworkUserId"


ARABIC_INDIC_DIGITS = "".join(chr(0x0660 + d) for d in (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0))


@pytest.mark.parametrize(
    "anid", ["AN0123456789", "AN0123456789012", "an01234567890", "AN" + ARABIC_INDIC_DIGITS]
)
def test_malformed_anids_are_refused(
    factory: FakeUnitOfWorkFactory, admin: Principal, anid: str
) -> None:
    procurement.put_configuration(factory(), admin, ConfigurationChange("ARIBA", "Acme Ariba"))

    with pytest.raises(ValidationError) as caught:
        procurement.create_connection(factory(), admin, ConnectionRequest(buyer_anid=anid), box=BOX)
    assert fields_of(caught.value) == {"buyer_anid"}


def test_other_organizations_connections_are_not_found(
    factory: FakeUnitOfWorkFactory, coupa: Principal, globex: NewOrganization
) -> None:
    created = connect(factory, coupa)
    other = principal_of(factory, globex.user)

    with pytest.raises(NotFoundError):
        procurement.get_connection(factory(), other, created.connection.id)
    with pytest.raises(NotFoundError):
        procurement.disable_connection(factory(), other, created.connection.id)
    assert procurement.list_connections(factory(), other) == ()


# -- enable, disable and redirect ----------------------------------------------------------


def test_disable_and_enable_again(factory: FakeUnitOfWorkFactory, coupa: Principal) -> None:
    connection = connect(factory, coupa).connection

    disabled = procurement.disable_connection(factory(), coupa, connection.id)
    enabled = procurement.enable_connection(factory(), coupa, connection.id)

    assert disabled.status is ConnectionStatus.DISABLED
    assert enabled.status is ConnectionStatus.ENABLED
    stored = procurement.get_connection(factory(), coupa, connection.id).connection
    assert stored.enabled


def test_disabling_the_last_redirect_connection_turns_redirect_off_until_one_returns(
    factory: FakeUnitOfWorkFactory, coupa: Principal
) -> None:
    procurement.put_configuration(
        factory(), coupa, ConfigurationChange("COUPA", "Acme Coupa", enable_redirect=True)
    )
    redirect = {
        "invoice_endpoint": "https://acme.coupahost.com/cxml/invoices",
        "approval_redirect_url": "https://acme.coupahost.com/requests",
    }
    first = connect(factory, coupa, **redirect).connection
    second = connect(factory, coupa, buyer_identity="b2", **redirect).connection
    plain = connect(factory, coupa, buyer_identity="b3").connection

    def redirect_on() -> bool:
        return procurement.describe_configuration(factory(), coupa).enable_redirect

    procurement.disable_connection(factory(), coupa, first.id)
    assert redirect_on()  # the second still redirects
    procurement.disable_connection(factory(), coupa, plain.id)
    assert redirect_on()
    procurement.disable_connection(factory(), coupa, second.id)
    assert not redirect_on()
    procurement.enable_connection(factory(), coupa, plain.id)
    assert not redirect_on()  # no redirect URL on that one
    procurement.enable_connection(factory(), coupa, first.id)
    assert redirect_on()


def test_enabling_an_enabled_connection_records_nothing(
    factory: FakeUnitOfWorkFactory, coupa: Principal
) -> None:
    connection = connect(factory, coupa).connection
    before = len(factory.store.audit_events)

    procurement.enable_connection(factory(), coupa, connection.id)

    assert len(factory.store.audit_events) == before


# -- secrets -------------------------------------------------------------------------------


def test_rotation_keeps_the_old_secret_for_the_grace_period(
    factory: FakeUnitOfWorkFactory, coupa: Principal
) -> None:
    created = connect(factory, coupa)
    rotated = procurement.rotate_secret(
        factory(), coupa, created.connection.id, box=BOX, grace=dt.timedelta(hours=1), clock=clock
    )

    assert rotated.shared_secret != created.shared_secret
    assert rotated.previous_secret_expires_at == NOW + dt.timedelta(hours=1)
    details = procurement.get_connection(factory(), coupa, created.connection.id, clock=clock)
    assert details.secret_created_at == NOW
    assert details.previous_secret_expires_at == NOW + dt.timedelta(hours=1)


def test_a_second_rotation_ends_the_first_grace_at_once(
    factory: FakeUnitOfWorkFactory, coupa: Principal
) -> None:
    connection = connect(factory, coupa).connection
    procurement.rotate_secret(factory(), coupa, connection.id, box=BOX, clock=clock)
    procurement.rotate_secret(
        factory(), coupa, connection.id, box=BOX, grace=dt.timedelta(0), clock=clock
    )

    valid = [s for s in factory.store.secrets.values() if s.valid_at(NOW)]
    assert len(valid) == 1


def test_rotation_checks_its_input(factory: FakeUnitOfWorkFactory, coupa: Principal) -> None:
    connection = connect(factory, coupa).connection

    with pytest.raises(ValidationError) as caught:
        procurement.rotate_secret(
            factory(),
            coupa,
            connection.id,
            box=BOX,
            grace=dt.timedelta(days=31),
            new_secret="has space",
        )
    assert fields_of(caught.value) == {"grace_period_seconds", "shared_secret"}


# -- purchase information ------------------------------------------------------------------


def test_purchase_information_names_every_value_and_its_element(
    factory: FakeUnitOfWorkFactory, coupa: Principal
) -> None:
    connection = connect(factory, coupa).connection

    info = procurement.purchase_information(
        factory(), coupa, connection.id, base_url="https://market.example"
    )

    values = info.as_dict()
    assert values["punchout_url"] == "https://market.example/cxml/punchout"
    assert values["order_url"] == "https://market.example/cxml/orders"
    assert values["profile_url"] == "https://market.example/cxml/profile"
    assert (values["buyer_domain"], values["buyer_identity"]) == ("NetworkID", "acme-coupa")
    assert values["supplier_identity"] == connection.supplier_identity
    assert (values["sender_domain"], values["sender_identity"]) == ("NetworkID", "acme-coupa")
    assert (values["protocol"], values["cxml_version"]) == ("cxml", "1.2.014")
    elements = {item.key: item.cxml for item in info.items}
    assert elements["buyer_identity"] == "Header/From/Credential/Identity"
    assert elements["supplier_domain"] == "Header/To/Credential/@domain"
    assert all(item.where for item in info.items)


# -- audit ---------------------------------------------------------------------------------


def test_every_change_is_audited_with_secrets_hidden(
    factory: FakeUnitOfWorkFactory, coupa: Principal
) -> None:
    created = connect(factory, coupa, shared_secret="audited-secret-1")
    connection_id = created.connection.id
    procurement.disable_connection(factory(), coupa, connection_id)
    procurement.enable_connection(factory(), coupa, connection_id)
    rotated = procurement.rotate_secret(factory(), coupa, connection_id, box=BOX)

    events = procurement.list_audit_events(factory(), coupa).events

    assert [e.event_name for e in events] == [
        "RotateProcurementPortalSharedSecret",
        "EnableProcurementPortalConnection",
        "DisableProcurementPortalConnection",
        "CreateProcurementPortalPreference",
        "PutProcurementSystemConfiguration",
    ]
    assert all(e.actor_email == "it@acme.example" for e in events)
    assert events[0].request_parameters["shared_secret"] == HIDDEN
    assert events[3].request_parameters["shared_secret"] == HIDDEN
    text = repr(events)
    assert "audited-secret-1" not in text
    assert rotated.shared_secret not in text
    put = events[-1]
    assert {c.field: c.new for c in put.changes}["test_mode"] is True


def test_audit_events_come_in_pages(factory: FakeUnitOfWorkFactory, coupa: Principal) -> None:
    connection = connect(factory, coupa).connection
    for _ in range(3):
        procurement.disable_connection(factory(), coupa, connection.id)
        procurement.enable_connection(factory(), coupa, connection.id)

    seen = []
    token = None
    while True:
        page = procurement.list_audit_events(factory(), coupa, limit=3, next_token=token)
        seen.extend(page.events)
        token = page.next_token
        if token is None:
            break

    assert len(seen) == 8 == len({e.id for e in seen})
    with pytest.raises(ValidationError) as caught:
        procurement.list_audit_events(factory(), coupa, limit=0, next_token="garbage!")
    assert fields_of(caught.value) == {"limit", "next_token"}


def test_the_operator_is_recorded_as_the_command_line(
    factory: FakeUnitOfWorkFactory, acme: NewOrganization
) -> None:
    procurement.put_configuration(
        factory(), None, COUPA, organization_id=acme.organization.id, clock=clock
    )

    (event,) = procurement.list_audit_events(
        factory(), None, organization_id=acme.organization.id
    ).events
    assert (event.source, event.actor_email, event.occurred_at) == ("cli", None, NOW)


def test_a_new_redirect_connection_ends_a_paused_redirect(
    factory: FakeUnitOfWorkFactory, coupa: Principal
) -> None:
    procurement.put_configuration(
        factory(), coupa, ConfigurationChange("COUPA", "Acme Coupa", enable_redirect=True)
    )
    redirect = {"approval_redirect_url": "https://acme.coupahost.com/requests"}
    first = connect(factory, coupa, **redirect).connection
    procurement.disable_connection(factory(), coupa, first.id)
    assert not procurement.describe_configuration(factory(), coupa).enable_redirect

    connect(factory, coupa, buyer_identity="b2", **redirect)

    assert procurement.describe_configuration(factory(), coupa).enable_redirect
