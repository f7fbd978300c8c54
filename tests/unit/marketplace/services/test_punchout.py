"""Punchout sessions: setup, the single-use StartPage, Request approval and the cart."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from account_builders import add_user, principal_of
from fake_uow import FakeUnitOfWorkFactory
from storage_builders import offer, product

import cxml
from cxml.errors import CxmlError
from cxml.models.common import Extrinsic, ItemID, ItemOut
from cxml.models.envelope import Credential, Header, Party
from cxml.models.punchout import PunchOutOperation, PunchOutOrderMessage, PunchOutSetupRequest
from marketplace.domain.accounts import Principal
from marketplace.domain.catalog import PricingModel
from marketplace.domain.charges import OfferChoice
from marketplace.domain.errors import (
    AccessDeniedError,
    ConflictError,
    GoneError,
    NotFoundError,
    ValidationError,
)
from marketplace.domain.policies import BUYER_POLICY
from marketplace.domain.punchout import RequestStatus, SessionStatus
from marketplace.services import procurement, punchout
from marketplace.services.accounts import NewOrganization
from marketplace.services.carts import cart_document, cart_form
from marketplace.services.cxml_auth import CxmlCaller, authenticate_buyer
from marketplace.services.procurement import ConfigurationChange, ConnectionRequest
from marketplace.services.secret_box import FernetSecretBox

BOX = FernetSecretBox(["test secret key"])
SECRET = "punchout-secret-1"
FORM_POST = "https://acme.coupahost.example/punchout/checkout?id=7"
DTD_DIR = Path(__file__).resolve().parents[5] / "shared" / "cxml-dtd"


@pytest.fixture
def admin(factory: FakeUnitOfWorkFactory, acme: NewOrganization) -> Principal:
    principal = principal_of(factory, acme.user)
    procurement.put_configuration(
        factory(), principal, ConfigurationChange("COUPA", "Acme Coupa", test_mode=False)
    )
    procurement.create_connection(
        factory(),
        principal,
        ConnectionRequest(
            buyer_domain="NetworkID",
            buyer_identity="acme",
            supplier_identity="market",
            shared_secret=SECRET,
        ),
        box=BOX,
    )
    with factory() as uow:
        uow.catalog.add_products(
            [
                product("prod-1"),
                product(
                    "prod-free",
                    title="Free Tool",
                    offers=(
                        offer(
                            "prod-free",
                            pricing_model=PricingModel.FREE,
                            dimensions=(),
                            durations=(),
                        ),
                    ),
                ),
            ]
        )
        uow.commit()
    return principal


def caller(factory: FakeUnitOfWorkFactory) -> CxmlCaller:
    header = Header(
        from_=Party.of("NetworkID", "acme"),
        to=Party.of("NetworkID", "market"),
        sender=Party((Credential("NetworkID", "acme", SECRET),)),
        user_agent="Coupa Procurement 1.0",
    )
    return authenticate_buyer(factory(), header, box=BOX)


def setup(
    operation: PunchOutOperation = PunchOutOperation.CREATE,
    *,
    email: str | None = "priya@acme.example",
    items: tuple[ItemOut, ...] = (),
    form_post: str | None = FORM_POST,
) -> PunchOutSetupRequest:
    extrinsics = (Extrinsic("FirstName", "Priya"), Extrinsic("LastName", "Raman"))
    if email:
        extrinsics += (Extrinsic("UserEmail", email),)
    return PunchOutSetupRequest(
        operation=operation,
        buyer_cookie="c0ffee" * 5 + "00",
        extrinsics=extrinsics,
        browser_form_post_url=form_post,
        items=items,
    )


def start(
    factory: FakeUnitOfWorkFactory, request: PunchOutSetupRequest | None = None
) -> punchout.StartedPunchout:
    return punchout.start_punchout(
        factory(), caller(factory), request or setup(), cxml_version="1.2.014"
    )


def shop(factory: FakeUnitOfWorkFactory) -> tuple[str, Principal]:
    started = start(factory)
    session, user = punchout.open_start_page(factory(), started.start_token)
    return session.id, user


def test_the_start_page_signs_in_a_new_buyer_in_the_connections_account(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    started = start(factory)

    session, user = punchout.open_start_page(factory(), started.start_token)

    assert (user.user.email, user.user.name) == ("priya@acme.example", "Priya Raman")
    assert user.account.id == admin.account.id
    assert user.user.policies == (BUYER_POLICY.name,)
    assert session.user_id == user.user.id
    assert started.start_token not in repr(factory.store)  # only its hash is kept


def test_a_start_page_works_once(factory: FakeUnitOfWorkFactory, admin: Principal) -> None:
    started = start(factory)
    punchout.open_start_page(factory(), started.start_token)

    with pytest.raises(GoneError, match="already been used"):
        punchout.open_start_page(factory(), started.start_token)
    with pytest.raises(NotFoundError):
        punchout.open_start_page(factory(), "not-a-token")


def test_a_start_page_expires_after_five_minutes(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    started = start(factory)
    late = started.session.created_at + dt.timedelta(minutes=5)

    with pytest.raises(GoneError, match="expired"):
        punchout.open_start_page(factory(), started.start_token, clock=lambda: late)
    assert all(u.email != "priya@acme.example" for u in factory.store.users.values())


def test_a_user_of_another_organization_cannot_be_signed_in(
    factory: FakeUnitOfWorkFactory, admin: Principal, globex: NewOrganization
) -> None:
    started = start(factory, setup(email=globex.user.email))

    with pytest.raises(AccessDeniedError, match="another organization"):
        punchout.open_start_page(factory(), started.start_token)


def test_an_existing_user_of_the_organization_keeps_their_policies(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    started = start(factory, setup(email=admin.user.email.upper()))

    _, user = punchout.open_start_page(factory(), started.start_token)

    assert user.user.id == admin.user.id


@pytest.mark.parametrize(
    ("request_", "code"),
    [
        (setup(PunchOutOperation.SOURCE), 450),
        (setup(form_post=None), 412),
        (setup(form_post="javascript:alert(1)"), 412),
    ],
)
def test_bad_setup_requests_are_cxml_errors_and_open_nothing(
    factory: FakeUnitOfWorkFactory, admin: Principal, request_: PunchOutSetupRequest, code: int
) -> None:
    with pytest.raises(CxmlError) as caught:
        start(factory, request_)

    assert caught.value.status_code == code
    assert factory.store.punchout_sessions == {}


def test_request_approval_returns_the_cart_with_the_line_rule(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    session_id, user = shop(factory)
    choice = OfferChoice(12, {"seats": 3}, Decimal("250.00"))

    result = punchout.request_approval(
        factory(), user, session_id, product_id="prod-1", offer_id="offer-prod-1", choice=choice
    )

    assert result.request.status is RequestStatus.PENDING_APPROVAL
    assert result.cart is not None
    assert result.cart.session.status is SessionStatus.RETURNED
    # 12.50 x 3 seats x 12 months = 450.00, plus a 250.00 usage budget: one Material line.
    document = cart_document(result.cart, host="market.example")
    message = document.payload
    assert isinstance(message, PunchOutOrderMessage)
    (item,) = message.items
    assert item.quantity == Decimal(70000)
    assert item.item_detail.unit_price.amount == Decimal("0.01")
    assert item.item_id == ItemID("offer-prod-1", result.request.id)
    assert item.item_detail.classifications[0].value == "43232701"
    assert ("LineType", "Material") in [(e.name, e.value) for e in item.item_detail.extrinsics]
    assert message.header.total.amount == Decimal("700.00")
    assert message.buyer_cookie == "c0ffee" * 5 + "00"
    assert document.header is not None
    assert document.header.sender.shared_secret is None


def test_the_cart_form_is_dtd_valid_in_either_field(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    session_id, user = shop(factory)
    result = punchout.request_approval(
        factory(), user, session_id, product_id="prod-1", offer_id="offer-prod-1",
        choice=OfferChoice(12, {"seats": 1}),
    )  # fmt: skip
    assert result.cart is not None

    xml = cxml.serialize(cart_document(result.cart, host="market.example"))
    page = cart_form(result.cart, host="market.example")

    assert cxml.DtdCatalog(DTD_DIR).validate(xml).valid
    assert 'name="cxml-urlencoded"' in page
    assert FORM_POST.replace("&", "&amp;") in page
    assert "Continue to Coupa" in page


def test_free_software_with_pre_approval_sends_nothing_back(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    procurement.put_configuration(
        factory(), admin, ConfigurationChange("COUPA", "Acme Coupa", preapprove_free=True)
    )
    session_id, user = shop(factory)

    result = punchout.request_approval(
        factory(), user, session_id, product_id="prod-free", offer_id="offer-prod-free",
        choice=OfferChoice(),
    )  # fmt: skip

    assert result.cart is None
    assert result.request.status is RequestStatus.PREAPPROVED
    assert punchout.find_session(factory(), user, session_id).status is SessionStatus.OPEN


def test_free_software_without_pre_approval_is_a_zero_dollar_line(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    session_id, user = shop(factory)

    result = punchout.request_approval(
        factory(), user, session_id, product_id="prod-free", offer_id="offer-prod-free",
        choice=OfferChoice(),
    )  # fmt: skip

    assert result.cart is not None
    (line,) = result.request.lines
    assert (line.quantity, line.unit_price, line.unspsc) == (1, Decimal("0.00"), "81162000")


def test_a_bad_configuration_names_every_field(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    session_id, user = shop(factory)

    with pytest.raises(ValidationError) as caught:
        punchout.request_approval(
            factory(), user, session_id, product_id="prod-1", offer_id="offer-prod-1",
            choice=OfferChoice(5, {"seats": -2}),
        )  # fmt: skip

    assert {f.field for f in caught.value.fields} == {"duration_months", "quantities.seats"}
    assert factory.store.subscription_requests == {}


def test_edit_reopens_the_request_and_keeps_its_id(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    session_id, user = shop(factory)
    first = punchout.request_approval(
        factory(), user, session_id, product_id="prod-1", offer_id="offer-prod-1",
        choice=OfferChoice(12, {"seats": 1}),
    )  # fmt: skip
    line = ItemOut(quantity=Decimal(1), item_id=ItemID("offer-prod-1", first.request.id))
    edit = start(factory, setup(PunchOutOperation.EDIT, items=(line,)))
    edit_session, user = punchout.open_start_page(factory(), edit.start_token)

    assert edit_session.request_ids == (first.request.id,)
    changed = punchout.request_approval(
        factory(), user, edit_session.id, product_id="prod-1", offer_id="offer-prod-1",
        choice=OfferChoice(24, {"seats": 2}), request_id=first.request.id,
    )  # fmt: skip

    assert changed.request.id == first.request.id
    assert changed.cart is not None
    assert [r.id for r in changed.cart.requests] == [first.request.id]
    assert changed.cart.requests[0].choice.duration_months == 24


def test_inspect_changes_nothing_and_returns_the_cart_as_it_was(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    session_id, user = shop(factory)
    first = punchout.request_approval(
        factory(), user, session_id, product_id="prod-1", offer_id="offer-prod-1",
        choice=OfferChoice(12, {"seats": 1}),
    )  # fmt: skip
    line = ItemOut(quantity=Decimal(1), item_id=ItemID("offer-prod-1", first.request.id))
    inspect = start(factory, setup(PunchOutOperation.INSPECT, items=(line,)))
    session, user = punchout.open_start_page(factory(), inspect.start_token)

    with pytest.raises(ConflictError, match="viewing only"):
        punchout.request_approval(
            factory(), user, session.id, product_id="prod-1", offer_id="offer-prod-1",
            choice=OfferChoice(12, {"seats": 9}),
        )  # fmt: skip
    returned = punchout.return_cart(factory(), user, session.id)

    assert [r.id for r in returned.requests] == [first.request.id]
    message = cart_document(returned, host="m").payload
    assert isinstance(message, PunchOutOrderMessage)
    assert message.header.operation_allowed is PunchOutOperation.INSPECT


def test_cancel_returns_an_empty_cart_and_ends_the_session(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    session_id, user = shop(factory)

    cancelled = punchout.cancel_punchout(factory(), user, session_id)

    message = cart_document(cancelled, host="m").payload
    assert isinstance(message, PunchOutOrderMessage)
    assert message.items == ()
    assert message.header.total.amount == Decimal("0.00")
    with pytest.raises(GoneError):
        punchout.find_session(factory(), user, session_id)


def test_only_the_sessions_user_may_use_it(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    session_id, _ = shop(factory)
    other = add_user(factory, admin.account, "other@acme.example", BUYER_POLICY)

    with pytest.raises(NotFoundError):
        punchout.find_session(factory(), other, session_id)


def test_edit_ignores_requests_of_other_organizations(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    line = ItemOut(quantity=Decimal(1), item_id=ItemID("x", "sr-not-ours"))

    started = start(factory, setup(PunchOutOperation.EDIT, items=(line,)))

    assert started.session.request_ids == ()


def test_a_test_mode_session_returns_a_test_cart(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    procurement.put_configuration(
        factory(), admin, ConfigurationChange("COUPA", "Acme Coupa", test_mode=True)
    )
    session_id, user = shop(factory)
    result = punchout.request_approval(
        factory(), user, session_id, product_id="prod-1", offer_id="offer-prod-1",
        choice=OfferChoice(12, {"seats": 1}),
    )  # fmt: skip

    assert result.request.test
    assert result.cart is not None
    assert cart_document(result.cart, host="m").is_test
