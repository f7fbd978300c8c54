"""The demo organization wired to the buyer sandbox: made once, found again, a new secret
only when asked for."""

from __future__ import annotations

from fake_uow import FakeUnitOfWorkFactory

from marketplace.services import demo, demo_wiring, procurement
from marketplace.services.procurement import ConfigurationChange
from marketplace.services.secret_box import FernetSecretBox

SANDBOX = "http://127.0.0.1:8100"
BASE_URL = "http://127.0.0.1:8000"
BOX = FernetSecretBox(["demo-wiring-test-key"])


def wire(factory: FakeUnitOfWorkFactory, *, new_secret: bool = False) -> demo_wiring.DemoWiring:
    info = demo.seed_demo(factory, products=0)
    return demo_wiring.wire_demo_procurement(
        factory,
        BOX,
        organization_id=info.organization_id,
        base_url=BASE_URL,
        sandbox_url=SANDBOX,
        new_secret=new_secret,
    )


def test_the_first_wiring_makes_a_billable_coupa_connection_to_the_sandbox(
    factory: FakeUnitOfWorkFactory,
) -> None:
    wiring = wire(factory)

    configuration, connection = wiring.configuration, wiring.connection
    assert (configuration.system.value, configuration.test_mode) == ("COUPA", False)
    assert configuration.billing_integration
    assert configuration.enable_redirect
    assert connection.invoice_endpoint == f"{SANDBOX}/cxml/invoices"
    assert connection.approval_redirect_url == f"{SANDBOX}/"
    assert (connection.buyer_domain, connection.buyer_identity) == ("DUNS", "demo-buyer-coupa")
    assert wiring.created
    assert wiring.shared_secret
    info = wiring.purchase_information.as_dict()
    assert info["punchout_url"] == f"{BASE_URL}/cxml/punchout"
    assert info["supplier_identity"] == connection.supplier_identity


def test_wiring_again_reuses_the_connection_and_shows_no_secret(
    factory: FakeUnitOfWorkFactory,
) -> None:
    first = wire(factory)

    again = wire(factory)

    assert again.connection.id == first.connection.id
    assert (again.created, again.shared_secret) == (False, None)
    assert len(factory.store.connections) == 1


def test_a_new_secret_is_given_only_when_asked_for(factory: FakeUnitOfWorkFactory) -> None:
    first = wire(factory)

    renewed = wire(factory, new_secret=True)

    assert renewed.connection.id == first.connection.id
    assert renewed.shared_secret not in (None, first.shared_secret)
    assert not renewed.created


def test_an_administrators_later_changes_to_the_configuration_stay(
    factory: FakeUnitOfWorkFactory,
) -> None:
    first = wire(factory)
    change = ConfigurationChange(system="COUPA", name="Ours now", test_mode=True)
    procurement.put_configuration(
        factory(), None, change, organization_id=first.connection.organization_id
    )

    again = wire(factory)

    assert (again.configuration.name, again.configuration.test_mode) == ("Ours now", True)
