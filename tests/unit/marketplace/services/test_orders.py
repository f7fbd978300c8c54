"""Purchase orders create agreements exactly once; updates, deletes, test mode, rejections."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import pytest
from account_builders import principal_of
from cxml_builders import bill_to
from fake_uow import FakeUnitOfWorkFactory
from storage_builders import offer, product

from cxml.models.common import (
    Classification,
    Description,
    Extrinsic,
    ItemDetail,
    ItemID,
    ItemOut,
    Money,
)
from cxml.models.envelope import Credential, DeploymentMode, Document, Header, Party
from cxml.models.order import OrderRequest, OrderRequestHeader, OrderType
from cxml.models.punchout import PunchOutOperation, PunchOutSetupRequest
from marketplace.domain.accounts import Principal
from marketplace.domain.agreements import AgreementStatus, PaymentModel
from marketplace.domain.catalog import Dimension, DimensionKind, PricingModel
from marketplace.domain.charges import OfferChoice
from marketplace.domain.outbox import MessageKind
from marketplace.domain.punchout import RequestStatus, SubscriptionRequest
from marketplace.services import procurement, punchout
from marketplace.services.accounts import NewOrganization
from marketplace.services.cxml_auth import CxmlCaller, authenticate_buyer
from marketplace.services.orders import receive_order
from marketplace.services.procurement import ConfigurationChange, ConnectionRequest
from marketplace.services.secret_box import FernetSecretBox

BOX = FernetSecretBox(["test secret key"])
SECRET = "order-secret-1"
WHEN = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


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
    hourly = Dimension(
        key="m5-hourly", name="m5.large", unit="hour", price=Decimal("0.10"),
        kind=DimensionKind.USAGE,
    )  # fmt: skip
    annual = Dimension(
        key="m5", name="m5.large", unit="year", price=Decimal("876.00"),
        kind=DimensionKind.CONTRACT,
    )  # fmt: skip
    with factory() as uow:
        uow.catalog.add_products(
            [
                product("prod-1"),
                product(
                    "prod-server",
                    title="Server Thing",
                    offers=(
                        offer(
                            "prod-server",
                            pricing_model=PricingModel.SERVER_ANNUAL,
                            dimensions=(hourly, annual),
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


def request_approval(
    factory: FakeUnitOfWorkFactory,
    choice: OfferChoice | None = None,
    *,
    product_id: str = "prod-1",
    operation: PunchOutOperation = PunchOutOperation.CREATE,
    items: tuple[ItemOut, ...] = (),
    request_id: str | None = None,
) -> SubscriptionRequest:
    setup = PunchOutSetupRequest(
        operation=operation,
        buyer_cookie="cookie",
        extrinsics=(Extrinsic("UserEmail", "priya@acme.example"),),
        browser_form_post_url="https://acme.coupahost.example/checkout",
        items=items,
    )
    started = punchout.start_punchout(factory(), caller(factory), setup, cxml_version="1.2.014")
    session, user = punchout.open_start_page(factory(), started.start_token)
    result = punchout.request_approval(
        factory(), user, session.id, product_id=product_id, offer_id=f"offer-{product_id}",
        choice=choice or OfferChoice(12, {"seats": 2}), request_id=request_id,
    )  # fmt: skip
    return result.request


def item_out(request: SubscriptionRequest, number: int = 1, **changes: object) -> ItemOut:
    (line,) = request.lines
    quantity = changes.get("quantity", Decimal(line.quantity))
    price = changes.get("price", line.unit_price)
    return ItemOut(
        quantity=quantity,  # type: ignore[arg-type]
        line_number=number,
        item_id=ItemID(
            str(changes.get("part", request.offer_id)), str(changes.get("aux", request.id))
        ),
        item_detail=ItemDetail(
            unit_price=Money(price, str(changes.get("currency", request.currency))),  # type: ignore[arg-type]
            descriptions=(Description("line"),),
            unit_of_measure="EA",
            classifications=(Classification("UNSPSC", line.unspsc),),
        ),
    )


def order(
    items: Sequence[ItemOut],
    *,
    number: str = "PO-6112",
    kind: OrderType = OrderType.NEW,
    version: int | None = None,
    payload_id: str | None = None,
    test: bool = False,
) -> Document:
    total = sum(
        (i.quantity * i.item_detail.unit_price.amount for i in items if i.item_detail), Decimal(0)
    )
    return Document(
        payload_id=payload_id or f"{number}.{kind.value}.{version}@acme.coupahost.example",
        timestamp=WHEN,
        payload=OrderRequest(
            header=OrderRequestHeader(
                order_id=number,
                order_date=WHEN,
                total=Money(total, "USD"),
                bill_to=bill_to(),
                type=kind,
                order_version=version,
            ),
            items=tuple(items),
        ),
        header=Header(
            from_=Party.of("NetworkID", "acme"),
            to=Party.of("NetworkID", "market"),
            sender=Party((Credential("NetworkID", "acme", SECRET),)),
            user_agent="Coupa Procurement 1.0",
        ),
        deployment_mode=DeploymentMode.TEST if test else DeploymentMode.PRODUCTION,
    )


def receive(factory: FakeUnitOfWorkFactory, document: Document) -> tuple[int, str]:
    answer = receive_order(factory(), caller(factory), document)
    return answer.status_code, answer.text


def test_a_po_for_a_pending_request_creates_one_agreement_and_one_email(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    request = request_approval(factory)

    code, text = receive(factory, order([item_out(request)]))

    assert code == 200, text
    (agreement,) = factory.store.agreements.values()
    assert agreement.request_id == request.id
    assert agreement.purchase_order_number == "PO-6112"
    assert agreement.purchase_order_lines == (1,)
    assert agreement.payment_model is PaymentModel.UPFRONT
    assert agreement.status is AgreementStatus.ACTIVE
    assert agreement.ends_on is not None
    assert agreement.choice.quantities == {"seats": 2}
    (mail,) = factory.store.outbox_messages.values()
    assert mail.kind is MessageKind.EMAIL
    assert mail.destination == "priya@acme.example"
    assert "PO-6112" in mail.body
    assert agreement.product_title in mail.subject
    assert factory.store.subscription_requests[request.id].status is RequestStatus.AGREEMENT_CREATED


def test_the_same_po_again_creates_nothing_and_gets_the_first_answer(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    request = request_approval(factory)
    document = order([item_out(request)])
    first = receive(factory, document)

    again = receive_order(factory(), caller(factory), document)
    other_payload = receive(factory, order([item_out(request)], payload_id="another@coupa"))

    assert again.repeated
    assert (again.status_code, again.text) == first
    assert other_payload[0] == 200
    assert len(factory.store.agreements) == 1
    assert len(factory.store.outbox_messages) == 1


@pytest.mark.parametrize(
    ("changes", "code", "words"),
    [
        ({"quantity": Decimal(3)}, 400, "quantity"),
        ({"price": Decimal("0.02")}, 400, "unit price"),
        ({"currency": "EUR"}, 400, "currency"),
        ({"part": "offer-other"}, 400, "SupplierPartID"),
        ({"aux": "sr-unknown"}, 417, "no request"),
    ],
)
def test_a_po_that_does_not_match_is_rejected_with_what_differs(
    factory: FakeUnitOfWorkFactory,
    admin: Principal,
    changes: dict[str, object],
    code: int,
    words: str,
) -> None:
    request = request_approval(factory)

    status, text = receive(factory, order([item_out(request, **changes)]))

    assert status == code
    assert words in text
    assert factory.store.agreements == {}
    assert factory.store.outbox_messages == {}


def test_a_request_is_ordered_only_once(factory: FakeUnitOfWorkFactory, admin: Principal) -> None:
    request = request_approval(factory)
    receive(factory, order([item_out(request)]))

    status, text = receive(factory, order([item_out(request)], number="PO-7000"))

    assert status == 409
    assert "PO-6112" in text


def test_an_update_after_an_edit_changes_the_agreement(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    request = request_approval(factory)
    receive(factory, order([item_out(request)], version=1))
    edited = request_approval(
        factory,
        OfferChoice(24, {"seats": 5}),
        operation=PunchOutOperation.EDIT,
        items=(ItemOut(quantity=Decimal(1), item_id=ItemID(request.offer_id, request.id)),),
        request_id=request.id,
    )

    status, text = receive(factory, order([item_out(edited)], kind=OrderType.UPDATE, version=2))

    assert status == 200, text
    (agreement,) = factory.store.agreements.values()
    assert agreement.choice.quantities == {"seats": 5}
    assert agreement.order_version == 2
    assert len(factory.store.outbox_messages) == 1  # no second "available" e-mail


def test_a_delete_cancels_and_a_later_update_is_refused(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    request = request_approval(factory)
    receive(factory, order([item_out(request)], version=1))

    deleted = receive(factory, order([item_out(request)], kind=OrderType.DELETE, version=2))
    update = receive(factory, order([item_out(request)], kind=OrderType.UPDATE, version=3))

    assert deleted[0] == 200
    (agreement,) = factory.store.agreements.values()
    assert agreement.status is AgreementStatus.CANCELLED
    assert update[0] == 409


@pytest.mark.parametrize("kind", [OrderType.UPDATE, OrderType.DELETE])
def test_changing_an_unknown_po_is_417(
    factory: FakeUnitOfWorkFactory, admin: Principal, kind: OrderType
) -> None:
    request = request_approval(factory)

    status, text = receive(factory, order([item_out(request)], kind=kind, version=2))

    assert status == 417
    assert "never received" in text


def test_an_older_or_equal_version_changes_nothing(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    request = request_approval(factory)
    receive(factory, order([item_out(request)], version=2))

    status, _ = receive(
        factory, order([item_out(request, quantity=Decimal(9))], kind=OrderType.UPDATE, version=2)
    )

    assert status == 200
    (agreement,) = factory.store.agreements.values()
    assert agreement.choice.quantities == {"seats": 2}


def test_a_test_order_is_recorded_and_creates_nothing_billable(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    request = request_approval(factory)

    status, text = receive(factory, order([item_out(request)], test=True))

    assert status == 200
    assert "Test order" in text
    assert factory.store.agreements == {}
    assert factory.store.outbox_messages == {}
    (recorded,) = factory.store.purchase_orders.values()
    assert recorded.test
    assert [line.request_id for line in recorded.lines] == [request.id]
    assert factory.store.subscription_requests[request.id].status is RequestStatus.TEST_COMPLETED


def test_a_server_annual_agreement_is_final_after_the_second_po(
    factory: FakeUnitOfWorkFactory, admin: Principal
) -> None:
    first = request_approval(factory, OfferChoice(), product_id="prod-server")
    receive(factory, order([item_out(first)], number="PO-1"))
    (agreement,) = factory.store.agreements.values()
    assert agreement.annual_pending
    assert agreement.payment_model is PaymentModel.PAY_AS_YOU_GO

    second = request_approval(
        factory, OfferChoice(quantities={"m5": 2}, annual=True), product_id="prod-server"
    )
    status, text = receive(factory, order([item_out(second)], number="PO-2"))

    assert status == 200, text
    (final,) = factory.store.agreements.values()
    assert not final.annual_pending
    assert final.payment_model is PaymentModel.UPFRONT
    assert final.purchase_order_number == "PO-2"
    assert final.ends_on is not None
