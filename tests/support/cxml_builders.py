"""Fully populated cXML documents of every type, for the cxml tests and the benchmarks.

Every function returns a fresh :class:`cxml.Document` built from fixed values (no clock, no
randomness), so two calls give equal documents. Between them, the builders use every optional
field of the models at least once: addresses with phones and e-mails, contacts with postal
addresses, comments with attachments, tax details, distributions with several segments,
extrinsics at every level, shipping, service periods, original invoices …

pytest puts ``tests/support`` on the import path (``pythonpath`` in pyproject.toml), so the
tests say ``import cxml_builders as builders``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from cxml import (
    Accounting,
    Address,
    Classification,
    Comments,
    ConfirmationHeader,
    ConfirmationItem,
    ConfirmationOperation,
    ConfirmationRequest,
    ConfirmationStatus,
    ConfirmationStatusType,
    ConfirmationType,
    Contact,
    Credential,
    DeploymentMode,
    Description,
    Distribution,
    Document,
    Email,
    Extrinsic,
    Header,
    InvoiceDetailItem,
    InvoiceDetailItemReference,
    InvoiceDetailOrder,
    InvoiceDetailRequest,
    InvoiceDetailRequestHeader,
    InvoiceDetailSummary,
    InvoiceOperation,
    InvoicePurpose,
    ItemDetail,
    ItemID,
    ItemIn,
    ItemOut,
    Money,
    Name,
    Option,
    OrderReference,
    OrderRequest,
    OrderRequestHeader,
    OrderType,
    Party,
    PaymentTerm,
    Period,
    Phone,
    PostalAddress,
    ProfileRequest,
    ProfileResponse,
    PunchOutOperation,
    PunchOutOrderMessage,
    PunchOutOrderMessageHeader,
    PunchOutSetupRequest,
    PunchOutSetupResponse,
    Segment,
    Shipping,
    Status,
    StatusUpdateRequest,
    Tax,
    TaxDetail,
    Transaction,
)

__all__ = [
    "ALL",
    "BUYER_COOKIE",
    "BUYER_SECRET",
    "SUPPLIER_SECRET",
    "bare_response",
    "bill_to",
    "buyer_header",
    "confirmation_request",
    "invoice",
    "invoice_credit_memo",
    "invoice_standard",
    "message_header",
    "order_request",
    "order_request_delete",
    "order_request_new",
    "order_request_update",
    "profile_request",
    "profile_response",
    "punchout_order_message",
    "punchout_setup_request_create",
    "punchout_setup_request_edit",
    "punchout_setup_request_inspect",
    "punchout_setup_response",
    "ship_to",
    "status_update_request",
    "status_update_request_with_extrinsics",
    "supplier_header",
]

PACIFIC = dt.timezone(dt.timedelta(hours=-8), "PST")
BERLIN = dt.timezone(dt.timedelta(hours=1))
KOLKATA = dt.timezone(dt.timedelta(hours=5, minutes=30))
UTC = dt.UTC

BUYER_SECRET = "buyer-shared-secret-Ω-2025"
SUPPLIER_SECRET = "supplier-shared-secret-9f8e"
BUYER_COOKIE = "4be1c0a2d39f47e6a8b50c71e29d3f86"
USD = "USD"

# --- parties and headers ------------------------------------------------------------------


def _buyer_party() -> Party:
    return Party(
        (
            Credential("DUNS", "077665544"),
            Credential("NetworkID", "AN01000054321", type="marketplace"),
        )
    )


def _supplier_party() -> Party:
    return Party.of("duns", "123456789")


def buyer_header(*, secret: str = BUYER_SECRET) -> Header:
    """Buyer → supplier (setup requests, orders): the Sender carries the buyer's secret."""
    return Header(
        from_=_buyer_party(),
        to=_supplier_party(),
        sender=Party.of("DUNS", "077665544", secret),
        user_agent="Coupa Procurement 1.0",
    )


def supplier_header(*, secret: str = SUPPLIER_SECRET) -> Header:
    """Supplier → buyer (confirmations, invoices, status updates), with the supplier's secret."""
    return Header(
        from_=_supplier_party(),
        to=_buyer_party(),
        sender=Party.of("DUNS", "123456789", secret),
        user_agent="Marketplace cXML 0.1",
    )


def message_header() -> Header:
    """A Message header: it travels through the browser, so it carries no secret at all."""
    return Header(
        from_=_supplier_party(),
        to=_buyer_party(),
        sender=Party.of("DUNS", "123456789"),
        user_agent="Marketplace PunchOut 0.1",
    )


# --- shared values ------------------------------------------------------------------------


def _phone(number: str = "5550142", *, extension: str | None = None) -> Phone:
    return Phone(
        number=number,
        area_code="415",
        country_code="1",
        iso_country_code="US",
        extension=extension,
        name="work",
    )


def _hq_postal() -> PostalAddress:
    return PostalAddress(
        streets=("1200 Harbor Boulevard", "Suite 400"),
        city="Oakland",
        country="United States",
        iso_country_code="US",
        deliver_to=("Priya Raman", "Receiving, Dock 3"),
        state="CA",
        postal_code="94607",
        name="default",
    )


def _berlin_postal() -> PostalAddress:
    return PostalAddress(
        streets=("Müllerstraße 17",),
        city="Berlin",
        country="Deutschland",
        iso_country_code="DE",
        postal_code="13353",
    )


def ship_to() -> Address:
    """A Coupa-shaped ShipTo: addressID, PostalAddress name="default", Email and Phone."""
    return Address(
        name=Name("Northwind Labs HQ", "en"),
        address_id="4471",
        iso_country_code="US",
        postal_address=_hq_postal(),
        email=Email("receiving@northwind.example", "default"),
        phone=_phone(extension="204"),
    )


def bill_to() -> Address:
    """A BillTo with a postal address only."""
    return Address(
        name=Name("Northwind Labs Accounts Payable", "en"),
        address_id="AP-01",
        postal_address=PostalAddress(
            streets=("PO Box 7781",),
            city="Oakland",
            country="United States",
            iso_country_code="US",
            state="CA",
            postal_code="94604",
            name="default",
        ),
    )


def _end_user() -> Contact:
    return Contact(
        name=Name("Priya Raman", "en"),
        role="endUser",
        address_id="USR-9912",
        postal_addresses=(_hq_postal(),),
        emails=(Email("priya.raman@northwind.example", "default"),),
        phones=(_phone(), _phone("5550199")),
    )


def _tax(amount: str, taxable: str) -> Tax:
    return Tax(
        money=Money(Decimal(amount), USD),
        description=Description("Sales tax", "en"),
        details=(
            TaxDetail(
                category="sales",
                tax_amount=Money(Decimal(amount), USD),
                taxable_amount=Money(Decimal(taxable), USD),
                percentage_rate=Decimal("8.25"),
                purpose="tax",
                location=Name("CA", "en"),
                description=Description("California state and county", "en"),
            ),
        ),
    )


def _shipping(amount: str = "12.50") -> Shipping:
    return Shipping(Money(Decimal(amount), USD), Description("Ground, 3 to 5 days", "en-US"))


def _distribution(charge: str) -> Distribution:
    return Distribution(
        Accounting(
            "Software subscriptions - R&D",
            (
                Segment("GL Account", "64100", "Software subscriptions"),
                Segment("Cost Center", "RD-220", "Research & Development"),
                Segment("Project", "P-0042", "Sensor platform"),
            ),
        ),
        Money(Decimal(charge), USD),
    )


# --- items --------------------------------------------------------------------------------


def _saas_detail(price: str = "1200.00") -> ItemDetail:
    return ItemDetail(
        unit_price=Money(Decimal(price), USD),
        descriptions=(
            Description(
                "Überwachung — 監視: fleet monitoring, annual subscription",
                "en-US",
                short_name="Fleet monitoring (annual)",
            ),
            Description("Überwachung der Flotte, Jahresabonnement", "de-DE"),
        ),
        unit_of_measure="YR",
        classifications=(
            Classification("UNSPSC", "81162000"),
            Classification("custom", "SAAS-MON"),
        ),
        manufacturer_part_id="NW-MON-ANNUAL",
        manufacturer_name="Northwind Software GmbH",
        url="https://market.example.com/products/fleet-monitoring?plan=annual&seats=50",
        lead_time=0,
        extrinsics=(
            Extrinsic("LineType", "Contract"),
            Extrinsic("ContractNumber", "CT-2025-0017"),
        ),
    )


def _usage_detail() -> ItemDetail:
    return ItemDetail(
        unit_price=Money(Decimal("0.0125"), USD),
        descriptions=(Description("API calls over plan, per call", "en-US"),),
        unit_of_measure="EA",
        classifications=(Classification("UNSPSC", "81162000"),),
        extrinsics=(Extrinsic("LineType", "Usage"),),
    )


def _free_detail() -> ItemDetail:
    return ItemDetail(
        unit_price=Money(Decimal("0.00"), USD),
        descriptions=(Description("Onboarding workshop <included> & free", "en-US"),),
        unit_of_measure="EA",
        classifications=(Classification("UNSPSC", "86132000"),),
    )


def _order_line(number: int) -> ItemOut:
    """One order line; the pattern cycles so that long orders mix every shape."""
    kind = number % 3
    if kind == 1:
        detail = _saas_detail()
        quantity = Decimal("2")
    elif kind == 2:
        detail = _usage_detail()
        quantity = Decimal("10000")
    else:
        detail = _free_detail()
        quantity = Decimal("1")
    charge = detail.unit_price.amount * quantity
    return ItemOut(
        quantity=quantity,
        item_id=ItemID(f"SKU-{number:04d}", f"cart-7c1d:line-{number}"),
        line_number=number,
        requested_delivery_date=dt.date(2025, 4, 1),
        item_detail=detail,
        ship_to=ship_to() if number == 1 else None,
        shipping=_shipping("0.00") if number == 1 else None,
        tax=_tax("198.00", "2400.00") if number == 1 else None,
        distributions=(_distribution(str(charge)),),
        contacts=(_end_user(),) if number == 1 else (),
        comments=(
            Comments(
                "Seats are named; see the attached roster.",
                "en-US",
                ("https://files.northwind.example/roster.pdf",),
            )
            if number == 1
            else None
        ),
    )


# --- documents ----------------------------------------------------------------------------


def profile_request() -> Document:
    """ProfileRequest (a ping) from a buyer."""
    return Document(
        payload_id="1741000000001.101.aa01@buyer.northwind.example",
        timestamp=dt.datetime(2025, 3, 3, 9, 0, 0, tzinfo=PACIFIC),
        payload=ProfileRequest(),
        header=buyer_header(),
    )


def profile_response() -> Document:
    """ProfileResponse with options at both levels and a last refresh."""
    return Document(
        payload_id="1741000000002.202.bb02@market.example.com",
        timestamp=dt.datetime(2025, 3, 3, 17, 0, 1, tzinfo=UTC),
        payload=ProfileResponse(
            effective_date=dt.datetime(2025, 1, 1, tzinfo=UTC),
            last_refresh=dt.datetime(2025, 2, 28, 23, 30, tzinfo=BERLIN),
            options=(Option("Service", "punchout"),),
            transactions=(
                Transaction(
                    "PunchOutSetupRequest",
                    "https://market.example.com/cxml/setup",
                    (Option("operations", "create edit inspect"),),
                ),
                Transaction("OrderRequest", "https://market.example.com/cxml/order"),
                Transaction("StatusUpdateRequest", "https://market.example.com/cxml/status"),
            ),
        ),
        status=Status(200, "OK"),
        in_reply_to=None,
    )


def punchout_setup_request_create() -> Document:
    """A Coupa-shaped create request in test mode: extrinsics, contact, SupplierSetup, ShipTo."""
    return Document(
        payload_id="1741000100.4411@northwind.coupahost.example",
        timestamp=dt.datetime(2025, 3, 3, 10, 0, 0, tzinfo=PACIFIC),
        payload=PunchOutSetupRequest(
            operation=PunchOutOperation.CREATE,
            buyer_cookie=BUYER_COOKIE,
            extrinsics=(
                Extrinsic("FirstName", "Priya"),
                Extrinsic("LastName", "Raman"),
                Extrinsic("UniqueName", "praman"),
                Extrinsic("UserEmail", "priya.raman@northwind.example"),
                Extrinsic("User", "praman"),
                Extrinsic("BusinessUnit", "NW-RD"),
            ),
            browser_form_post_url="https://northwind.coupahost.example/punchout/checkout?id=31",
            contacts=(_end_user(),),
            supplier_setup_url="https://market.example.com/cxml/setup",
            ship_to=ship_to(),
        ),
        header=buyer_header(),
        deployment_mode=DeploymentMode.TEST,
    )


def punchout_setup_request_edit() -> Document:
    """An edit request: SelectedItem and the cart lines to rebuild, with full ItemOut detail."""
    return Document(
        payload_id="1741000200.5522@northwind.coupahost.example",
        timestamp=dt.datetime(2025, 3, 3, 11, 15, 30, 250000, tzinfo=PACIFIC),
        payload=PunchOutSetupRequest(
            operation=PunchOutOperation.EDIT,
            buyer_cookie="edit-session-0042",
            extrinsics=(Extrinsic("UserEmail", "priya.raman@northwind.example"),),
            browser_form_post_url="https://northwind.coupahost.example/punchout/checkout?id=32",
            selected_item=ItemID("CATALOG-MONITORING"),
            items=(_order_line(1), _order_line(2)),
        ),
        header=buyer_header(),
    )


def punchout_setup_request_inspect() -> Document:
    """An inspect request: a read-only look at a returned cart, identified by ItemOut lines."""
    return Document(
        payload_id="1741000300.6633@northwind.coupahost.example",
        timestamp=dt.datetime(2025, 3, 3, 11, 20, tzinfo=PACIFIC),
        payload=PunchOutSetupRequest(
            operation=PunchOutOperation.INSPECT,
            buyer_cookie="inspect-session-0043",
            browser_form_post_url="https://northwind.coupahost.example/punchout/checkout?id=33",
            items=(
                ItemOut(
                    quantity=Decimal("2"),
                    item_id=ItemID("SKU-0001", "cart-7c1d:line-1"),
                    line_number=1,
                ),
            ),
        ),
        header=buyer_header(),
        lang="de-DE",
    )


def punchout_setup_response() -> Document:
    """PunchOutSetupResponse with a one-time StartPage URL."""
    return Document(
        payload_id="1741000100999.77.cc03@market.example.com",
        timestamp=dt.datetime(2025, 3, 3, 10, 0, 1, tzinfo=PACIFIC),
        payload=PunchOutSetupResponse(
            "https://market.example.com/punchout/start/Qm9vdHN0cmFwLXRva2VuLTAwMQ?lang=en&x=1"
        ),
        status=Status(200, "OK", "Session ready.", "en-US"),
    )


def punchout_order_message() -> Document:
    """The cart: a SaaS contract line, a usage line and a $0.00 line, non-ASCII text."""
    items = (
        ItemIn(
            quantity=Decimal("2"),
            item_id=ItemID("NW-MON-ANNUAL", "cart-7c1d:line-1"),
            item_detail=_saas_detail(),
            line_number=1,
            ship_to=ship_to(),
            shipping=_shipping("0.00"),
            tax=_tax("198.00", "2400.00"),
        ),
        ItemIn(
            quantity=Decimal("10000"),
            item_id=ItemID("NW-API-OVERAGE", "cart-7c1d:line-2"),
            item_detail=_usage_detail(),
            line_number=2,
        ),
        ItemIn(
            quantity=Decimal("1"),
            item_id=ItemID("NW-ONBOARD", "cart-7c1d:line-3"),
            item_detail=_free_detail(),
            line_number=3,
        ),
    )
    return Document(
        payload_id="1741000400.88.dd04@market.example.com",
        timestamp=dt.datetime(2025, 3, 3, 10, 42, tzinfo=PACIFIC),
        payload=PunchOutOrderMessage(
            buyer_cookie=BUYER_COOKIE,
            header=PunchOutOrderMessageHeader(
                operation_allowed=PunchOutOperation.EDIT,
                total=Money(Decimal("2735.50"), USD),
                ship_to=ship_to(),
                shipping=_shipping(),
                tax=_tax("198.00", "2400.00"),
                quote_status="final",
            ),
            items=items,
        ),
        header=message_header(),
        status=Status(200, "OK"),
        deployment_mode=DeploymentMode.TEST,
        in_reply_to="1741000100.4411@northwind.coupahost.example",
    )


def order_request(lines: int = 25, *, payload_id: str | None = None) -> Document:
    """A new OrderRequest with ``lines`` lines (at least 1), every header field filled."""
    if lines < 1:
        raise ValueError("an OrderRequest needs at least one line")
    items = tuple(_order_line(n) for n in range(1, lines + 1))
    total = sum(
        (i.item_detail.unit_price.amount * i.quantity for i in items if i.item_detail),
        Decimal("0"),
    )
    return Document(
        payload_id=payload_id or f"1741100000.{lines}.ee05@northwind.coupahost.example",
        timestamp=dt.datetime(2025, 3, 4, 8, 0, tzinfo=PACIFIC),
        payload=OrderRequest(
            header=OrderRequestHeader(
                order_id="PO-10388",
                order_date=dt.datetime(2025, 3, 4, 7, 59, 58, tzinfo=PACIFIC),
                total=Money(total + Decimal("210.50"), USD),
                bill_to=bill_to(),
                type=OrderType.NEW,
                order_version=1,
                order_type="regular",
                requisition_id="REQ-5521",
                ship_to=ship_to(),
                shipping=_shipping(),
                tax=_tax("198.00", "2400.00"),
                payment_terms=(PaymentTerm(30), PaymentTerm(45)),
                contacts=(_end_user(),),
                comments=Comments(
                    "Renewal of the 2024 subscription.",
                    "en-US",
                    (
                        "https://files.northwind.example/quote-Q77.pdf",
                        "https://files.northwind.example/terms.pdf",
                    ),
                ),
                extrinsics=(
                    Extrinsic("Requester", "priya.raman@northwind.example"),
                    Extrinsic("Budget Line", "FY25 — R&D"),
                ),
            ),
            items=items,
        ),
        header=buyer_header(),
        deployment_mode=DeploymentMode.PRODUCTION,
    )


def order_request_new() -> Document:
    """A new order with three lines (one of each line shape)."""
    return order_request(3, payload_id="1741100000.3141.ee05@northwind.coupahost.example")


def order_request_update() -> Document:
    """A change order: type update, orderVersion 2, DocumentReference to the previous version."""
    base = order_request_new()
    assert isinstance(base.payload, OrderRequest)
    header = base.payload.header
    return Document(
        payload_id="1741200000.2718.ff06@northwind.coupahost.example",
        timestamp=dt.datetime(2025, 3, 6, 12, 30, tzinfo=UTC),
        payload=OrderRequest(
            header=OrderRequestHeader(
                order_id=header.order_id,
                order_date=dt.datetime(2025, 3, 6, 12, 29, 40, tzinfo=UTC),
                total=Money(Decimal("3725.00"), USD),
                bill_to=header.bill_to,
                type=OrderType.UPDATE,
                order_version=2,
                order_type="regular",
                ship_to=header.ship_to,
                comments=Comments("Quantity raised to 3 seats.", "en"),
                document_reference=base.payload_id,
                extrinsics=(Extrinsic("ChangeReason", "Headcount"),),
            ),
            items=(
                ItemOut(
                    quantity=Decimal("3"),
                    item_id=ItemID("SKU-0001", "cart-7c1d:line-1"),
                    line_number=1,
                    item_detail=_saas_detail("1241.666"),
                ),
            ),
        ),
        header=buyer_header(),
    )


def order_request_delete() -> Document:
    """A cancellation: type delete, orderVersion 3, the complete last line set."""
    update = order_request_update()
    assert isinstance(update.payload, OrderRequest)
    return Document(
        payload_id="1741300000.1618.ab07@northwind.coupahost.example",
        timestamp=dt.datetime(2025, 3, 7, 9, 0, tzinfo=KOLKATA),
        payload=OrderRequest(
            header=OrderRequestHeader(
                order_id=update.payload.header.order_id,
                order_date=dt.datetime(2025, 3, 7, 8, 59, tzinfo=KOLKATA),
                total=Money(Decimal("0"), USD),
                bill_to=bill_to(),
                type=OrderType.DELETE,
                order_version=3,
                document_reference=update.payload_id,
            ),
            items=update.payload.items,
        ),
        header=buyer_header(),
        lang=None,
    )


def bare_response() -> Document:
    """A bare Response holding only a Status (the answer to an OrderRequest)."""
    return Document(
        payload_id="1741100001.900.ab08@market.example.com",
        timestamp=dt.datetime(2025, 3, 4, 8, 0, 1, tzinfo=PACIFIC),
        payload=None,
        status=Status(200, "OK", "Order PO-10388 received.", "en-US"),
    )


def status_update_request() -> Document:
    """StatusUpdateRequest for an order (no extrinsics: valid from 1.2.014 on)."""
    return Document(
        payload_id="1741400000.12.ab09@market.example.com",
        timestamp=dt.datetime(2025, 3, 4, 18, 5, tzinfo=BERLIN),
        payload=StatusUpdateRequest(
            status=Status(201, "Accepted", "Provisioning started.", "en-US"),
            document_reference="1741100000.3141.ee05@northwind.coupahost.example",
        ),
        header=supplier_header(),
    )


def status_update_request_with_extrinsics() -> Document:
    """StatusUpdateRequest with extrinsics, at 1.2.050 (the first version that allows them)."""
    return Document(
        payload_id="1741400001.13.ab10@market.example.com",
        timestamp=dt.datetime(2025, 3, 4, 18, 6, tzinfo=BERLIN),
        payload=StatusUpdateRequest(
            status=Status(200, "OK", "Provisioned."),
            document_reference="1741100000.3141.ee05@northwind.coupahost.example",
            extrinsics=(Extrinsic("TenantURL", "https://northwind.market.example.com/"),),
        ),
        header=supplier_header(),
        version="1.2.050",
    )


def confirmation_request() -> Document:
    """A detail confirmation (Fulfill.dtd): partial accept, a back-order and a price change."""
    return Document(
        payload_id="1741500000.55.ab11@market.example.com",
        timestamp=dt.datetime(2025, 3, 4, 9, 0, tzinfo=PACIFIC),
        payload=ConfirmationRequest(
            header=ConfirmationHeader(
                type=ConfirmationType.DETAIL,
                notice_date=dt.datetime(2025, 3, 4, 9, 0, tzinfo=PACIFIC),
                confirm_id="SO-55012",
                operation=ConfirmationOperation.UPDATE,
                invoice_id="INV-PLANNED-55012",
                document_reference="1741499999.54.ab10@market.example.com",
                total=Money(Decimal("2523.00"), USD),
                comments=Comments(
                    "Seat 2 back-ordered until the licence pool grows.",
                    "en-US",
                    ("https://market.example.com/confirmations/SO-55012.pdf",),
                ),
                extrinsics=(Extrinsic("SupplierOrderURL", "https://market.example.com/o/55012"),),
            ),
            order_reference=OrderReference(
                document_payload_id="1741100000.3141.ee05@northwind.coupahost.example",
                order_id="PO-10388",
                order_date=dt.datetime(2025, 3, 4, 7, 59, 58, tzinfo=PACIFIC),
            ),
            items=(
                ConfirmationItem(
                    line_number=1,
                    quantity=Decimal("2"),
                    unit_of_measure="YR",
                    statuses=(
                        ConfirmationStatus(
                            type=ConfirmationStatusType.ACCEPT,
                            quantity=Decimal("1"),
                            unit_of_measure="YR",
                            delivery_date=dt.datetime(2025, 4, 1, tzinfo=PACIFIC),
                        ),
                        ConfirmationStatus(
                            type=ConfirmationStatusType.BACKORDERED,
                            quantity=Decimal("1"),
                            unit_of_measure="YR",
                            shipment_date=dt.datetime(2025, 4, 10, 8, 0, tzinfo=PACIFIC),
                            delivery_date=dt.datetime(2025, 4, 15, tzinfo=PACIFIC),
                            comments=Comments("Licence pool refill.", "en"),
                        ),
                    ),
                ),
                ConfirmationItem(
                    line_number=2,
                    quantity=Decimal("10000"),
                    unit_of_measure="EA",
                    statuses=(
                        ConfirmationStatus(
                            type=ConfirmationStatusType.DETAIL,
                            quantity=Decimal("10000"),
                            unit_of_measure="EA",
                            unit_price=Money(Decimal("0.0123"), USD),
                        ),
                    ),
                ),
            ),
        ),
        header=supplier_header(),
    )


def _invoice_line(number: int) -> InvoiceDetailItem:
    kind = number % 3
    if kind == 1:
        quantity, price, part, uom = Decimal("2"), Decimal("1200.00"), "NW-MON-ANNUAL", "YR"
        description = Description("Überwachung — 監視: fleet monitoring, annual", "en-US")
    elif kind == 2:
        quantity, price, part, uom = Decimal("10000"), Decimal("0.0125"), "NW-API-OVERAGE", "EA"
        description = Description("API calls over plan", "en")
    else:
        quantity, price, part, uom = Decimal("1"), Decimal("0.00"), "NW-ONBOARD", "EA"
        description = Description("Onboarding workshop", "en")
    subtotal = quantity * price
    tax_amount = (subtotal * Decimal("0.0825")).quantize(Decimal("0.01"))
    return InvoiceDetailItem(
        invoice_line_number=number,
        quantity=quantity,
        unit_of_measure=uom,
        unit_price=Money(price, USD),
        reference=InvoiceDetailItemReference(
            line_number=number,
            item_id=ItemID(part, f"cart-7c1d:line-{number}"),
            description=description,
        ),
        subtotal=Money(subtotal, USD),
        tax=_tax(str(tax_amount), str(subtotal)),
        gross=Money(subtotal + tax_amount, USD),
        net=Money(subtotal + tax_amount, USD),
        comments=Comments("Billed annually in advance.", "en") if kind == 1 else None,
        extrinsics=(Extrinsic("ServiceMonth", "2025-03"),) if kind != 0 else (),
    )


def _remit_to() -> Contact:
    return Contact(
        name=Name("Northwind Software GmbH", "de"),
        role="remitTo",
        address_id="REMIT-DE-1",
        postal_addresses=(_berlin_postal(),),
        emails=(Email("ar@northwind-software.example"),),
        phones=(
            Phone(
                number="1234567",
                area_code="30",
                country_code="49",
                iso_country_code="DE",
                name="accounts",
            ),
        ),
    )


def _bill_to_partner() -> Contact:
    return Contact(name=Name("Northwind Labs Accounts Payable", "en"), role="billTo")


def invoice(lines: int = 25, *, payload_id: str | None = None) -> Document:
    """A standard, PO-backed InvoiceDetailRequest with ``lines`` lines, tax in line."""
    if lines < 1:
        raise ValueError("an invoice needs at least one line")
    items = tuple(_invoice_line(n) for n in range(1, lines + 1))
    subtotal = sum((i.subtotal.amount for i in items if i.subtotal), Decimal("0"))
    tax = sum((i.tax.money.amount for i in items if i.tax), Decimal("0"))
    shipping = Decimal("12.50")
    return Document(
        payload_id=payload_id or f"1741900000.{lines}.ac01@market.example.com",
        timestamp=dt.datetime(2025, 3, 31, 16, 0, tzinfo=PACIFIC),
        payload=InvoiceDetailRequest(
            header=InvoiceDetailRequestHeader(
                invoice_id=f"INV-2025-{lines:06d}",
                invoice_date=dt.datetime(2025, 3, 31, 16, 0, tzinfo=PACIFIC),
                purpose=InvoicePurpose.STANDARD,
                operation=InvoiceOperation.NEW,
                is_tax_in_line=True,
                partners=(_remit_to(), _bill_to_partner()),
                document_reference="PO-10388",
                payment_terms=(PaymentTerm(30),),
                period=Period(
                    dt.datetime(2025, 3, 1, tzinfo=PACIFIC),
                    dt.datetime(2025, 3, 31, 23, 59, 59, tzinfo=PACIFIC),
                ),
                comments=Comments(
                    "Thank you for your business.",
                    "en-US",
                    ("https://billing.market.example.com/inv/attachment-1.pdf",),
                ),
                extrinsics=(Extrinsic("invoice_custom_field", "Q1"),),
            ),
            orders=(
                InvoiceDetailOrder(
                    OrderReference(
                        document_payload_id="PO-10388",
                        order_id="PO-10388",
                        order_date=dt.datetime(2025, 3, 4, 7, 59, 58, tzinfo=PACIFIC),
                    ),
                    items,
                ),
            ),
            summary=InvoiceDetailSummary(
                subtotal=Money(subtotal, USD),
                tax=Tax(money=Money(tax, USD), description=Description("Sales tax", "en")),
                net=Money(subtotal + tax + shipping, USD),
                shipping=Money(shipping, USD),
                gross=Money(subtotal + tax + shipping, USD),
                due=Money(subtotal + tax + shipping, USD),
            ),
        ),
        header=supplier_header(),
    )


def invoice_standard() -> Document:
    """A standard invoice with three lines."""
    return invoice(3, payload_id="1741900000.3.ac01@market.example.com")


def invoice_credit_memo() -> Document:
    """A credit memo against an earlier invoice (InvoiceIDInfo), for a service period."""
    credit = Money(Decimal("-600.00"), USD)
    return Document(
        payload_id="1742000000.7.ac02@market.example.com",
        timestamp=dt.datetime(2025, 4, 2, 10, 0, tzinfo=UTC),
        payload=InvoiceDetailRequest(
            header=InvoiceDetailRequestHeader(
                invoice_id="CM-2025-000011",
                invoice_date=dt.datetime(2025, 4, 2, 10, 0, tzinfo=UTC),
                purpose=InvoicePurpose.CREDIT_MEMO,
                partners=(_remit_to(),),
                original_invoice_id="INV-2025-000003",
                original_invoice_date=dt.datetime(2025, 3, 31, 16, 0, tzinfo=PACIFIC),
                period=Period(
                    dt.datetime(2025, 3, 16, tzinfo=UTC),
                    dt.datetime(2025, 3, 31, tzinfo=UTC),
                ),
                comments=Comments("Half a month of service credit after an outage.", "en"),
            ),
            orders=(
                InvoiceDetailOrder(
                    OrderReference(document_payload_id="PO-10388", order_id="PO-10388"),
                    (
                        InvoiceDetailItem(
                            invoice_line_number=1,
                            quantity=Decimal("-0.5"),
                            unit_of_measure="YR",
                            unit_price=Money(Decimal("1200.00"), USD),
                            reference=InvoiceDetailItemReference(line_number=1),
                            subtotal=credit,
                            net=credit,
                        ),
                    ),
                ),
            ),
            summary=InvoiceDetailSummary(
                subtotal=credit,
                tax=Tax(money=Money(Decimal("0.00"), USD), description=Description("No tax")),
                net=credit,
            ),
        ),
        header=supplier_header(),
        deployment_mode=DeploymentMode.TEST,
    )


ALL: dict[str, Callable[[], Document]] = {
    "profile_request": profile_request,
    "profile_response": profile_response,
    "punchout_setup_request_create": punchout_setup_request_create,
    "punchout_setup_request_edit": punchout_setup_request_edit,
    "punchout_setup_request_inspect": punchout_setup_request_inspect,
    "punchout_setup_response": punchout_setup_response,
    "punchout_order_message": punchout_order_message,
    "order_request_new": order_request_new,
    "order_request_update": order_request_update,
    "order_request_delete": order_request_delete,
    "order_request_25_lines": order_request,
    "bare_response": bare_response,
    "status_update_request": status_update_request,
    "status_update_request_with_extrinsics": status_update_request_with_extrinsics,
    "confirmation_request": confirmation_request,
    "invoice_standard": invoice_standard,
    "invoice_credit_memo": invoice_credit_memo,
    "invoice_25_lines": invoice,
}
"""Every builder by name (the 25-line factories at their defaults)."""
