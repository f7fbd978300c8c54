"""Round trips: parse(serialize(doc)) == doc, for built documents and for buyer-shaped samples.

The samples in ``samples/`` are hand-written in the shapes Coupa and SAP Ariba really send,
quirks included (a Contact before BrowserFormPost, a Ruby timestamp, ``DUNS``/``duns``, a
``version="1.0"`` beside a 1.2.020 DOCTYPE, Ariba's AccountingSegment and repeated Comments).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import cxml_builders as builders
import pytest
from lxml import etree

import cxml

SAMPLES = Path(__file__).with_name("samples")
SAMPLE_NAMES = sorted(p.name for p in SAMPLES.glob("*.xml"))
VERSIONS = {
    "cXML.dtd": ("1.2.014", "1.2.020", "1.2.050", "1.2.053", "1.2.063"),
    "InvoiceDetail.dtd": ("1.2.020", "1.2.037"),
    "Fulfill.dtd": ("1.2.050", "1.2.053", "1.2.063"),
}
UTC = dt.UTC


def _sample(samples_dir: Path, name: str) -> cxml.Document:
    return cxml.parse((samples_dir / name).read_bytes())


def _dtd_file(doc: cxml.Document) -> str:
    return doc.payload.dtd_file if doc.payload is not None else "cXML.dtd"


def _buyer_cookie_bytes(data: bytes) -> bytes:
    match = re.search(rb"<BuyerCookie>(.*?)</BuyerCookie>", data, re.DOTALL)
    assert match is not None, "no BuyerCookie element"
    return match.group(1)


# --- documents built in code --------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(builders.ALL))
def test_every_built_document_survives_serialize_then_parse(name: str) -> None:
    doc = builders.ALL[name]()
    assert cxml.parse(cxml.serialize(doc)) == doc


@pytest.mark.parametrize("name", sorted(builders.ALL))
def test_serializing_a_parsed_document_again_gives_the_same_bytes(name: str) -> None:
    data = cxml.serialize(builders.ALL[name]())
    assert cxml.serialize(cxml.parse(data)) == data


def _every_version() -> list[tuple[str, str]]:
    cases = []
    for name, build in sorted(builders.ALL.items()):
        for version in VERSIONS[_dtd_file(build())]:
            if name == "status_update_request_with_extrinsics" and version < "1.2.050":
                continue  # refused by a version rule; see test_dtd_validation
            cases.append((name, version))
    return cases


@pytest.mark.parametrize(("name", "version"), _every_version())
def test_every_built_document_round_trips_at_every_version_of_its_dtd(
    name: str, version: str
) -> None:
    doc = builders.ALL[name]()
    back = cxml.parse(cxml.serialize(doc, version=version))
    assert back == dataclasses.replace(doc, version=version)


def test_the_builders_cover_every_payload_type_and_the_bare_response() -> None:
    built = [build() for build in builders.ALL.values()]
    payload_types = {type(doc.payload) for doc in built if doc.payload is not None}
    exported = [getattr(cxml, name) for name in cxml.__all__]
    every_type = {
        kind
        for kind in exported
        if isinstance(kind, type) and issubclass(kind, cxml.Payload) and kind is not cxml.Payload
    }
    assert len(every_type) == 9
    assert payload_types == every_type
    assert any(doc.payload is None and doc.status is not None for doc in built)


def test_the_builders_fill_every_optional_field_of_every_model_at_least_once() -> None:
    seen: dict[type, set[str]] = {}

    def visit(value: object) -> None:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            filled = seen.setdefault(type(value), set())
            for field in dataclasses.fields(value):
                inner = getattr(value, field.name)
                if inner not in (None, ()):
                    filled.add(field.name)
                visit(inner)
        elif isinstance(value, tuple):
            for inner in value:
                visit(inner)

    for build in builders.ALL.values():
        visit(build())
    unfilled = {
        kind.__name__: sorted({f.name for f in dataclasses.fields(kind)} - names)
        for kind, names in seen.items()
        if {f.name for f in dataclasses.fields(kind)} - names
    }
    assert unfilled == {}, unfilled


def test_the_factories_build_as_many_lines_as_asked() -> None:
    order = builders.order_request(lines=25)
    bill = builders.invoice(lines=25)
    assert isinstance(order.payload, cxml.OrderRequest)
    assert isinstance(bill.payload, cxml.InvoiceDetailRequest)
    assert len(order.payload.items) == 25
    assert len(bill.payload.orders[0].items) == 25
    assert [i.line_number for i in order.payload.items] == list(range(1, 26))
    assert builders.order_request(lines=7) == builders.order_request(lines=7)


def test_built_timestamps_are_all_timezone_aware() -> None:
    def aware(value: object) -> bool:
        if isinstance(value, dt.datetime):
            return value.utcoffset() is not None
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return all(aware(getattr(value, f.name)) for f in dataclasses.fields(value))
        if isinstance(value, tuple):
            return all(aware(v) for v in value)
        return True

    assert all(aware(build()) for build in builders.ALL.values())


# --- hand-written samples -----------------------------------------------------------------


def test_every_sample_named_in_the_plan_is_present(samples_dir: Path) -> None:
    expected = {
        "coupa_punchout_setup_request.xml",
        "coupa_order_request.xml",
        "coupa_order_request_rfc2822_timestamp.xml",
        "coupa_order_update.xml",
        "coupa_invoice.xml",
        "ariba_punchout_setup_edit.xml",
        "ariba_order_request.xml",
        "ariba_profile_request.xml",
        "punchout_order_message.xml",
        "confirmation_request.xml",
        "status_update_request.xml",
        "profile_response.xml",
        "setup_response.xml",
    }
    assert expected <= {p.name for p in samples_dir.glob("*.xml")}


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_sample_survives_parse_serialize_parse(samples_dir: Path, name: str) -> None:
    doc = _sample(samples_dir, name)
    assert cxml.parse(cxml.serialize(doc)) == doc


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_sample_keeps_its_version_and_payload_through_the_round_trip(
    samples_dir: Path, name: str
) -> None:
    doc = _sample(samples_dir, name)
    data = cxml.serialize(doc)
    assert f"/{doc.version}/{_dtd_file(doc)}".encode() in data.splitlines()[1]
    assert cxml.parse(data).payload == doc.payload


def test_a_contact_placed_before_browser_form_post_is_still_read_with_the_url(
    samples_dir: Path,
) -> None:
    raw = (samples_dir / "coupa_punchout_setup_request.xml").read_bytes()
    assert raw.index(b"<Contact") < raw.index(b"<BrowserFormPost>")  # the buyer's order
    doc = cxml.parse(raw)
    setup = doc.payload
    assert isinstance(setup, cxml.PunchOutSetupRequest)
    assert setup.operation is cxml.PunchOutOperation.CREATE
    assert setup.browser_form_post_url == (
        "https://harborlabs-test.coupahost.example/punchout/checkout?id=208"
    )
    assert setup.supplier_setup_url == "https://market.example.com/cxml/setup"
    assert [(c.role, c.name.text) for c in setup.contacts] == [("endUser", "mgrunewald")]
    assert setup.contacts[0].emails == (cxml.Email("mgrunewald@harborlabs.example"),)
    assert doc.header is not None
    assert doc.header.user_agent == "Coupa Procurement 1.0"
    # Written back in DTD order: BrowserFormPost, then Contact.
    out = cxml.serialize(doc)
    tags = [child.tag for child in etree.fromstring(out).find("Request/PunchOutSetupRequest")]
    assert tags.index("BrowserFormPost") < tags.index("Contact") < tags.index("SupplierSetup")


def test_coupa_setup_extrinsics_are_read_in_order_and_the_email_comes_from_user_email(
    samples_dir: Path,
) -> None:
    setup = _sample(samples_dir, "coupa_punchout_setup_request.xml").payload
    assert isinstance(setup, cxml.PunchOutSetupRequest)
    assert [e.name for e in setup.extrinsics] == [
        "FirstName",
        "LastName",
        "UniqueName",
        "UserEmail",
        "User",
        "BusinessUnit",
    ]
    assert setup.extrinsic("lastname") == "Grünewald"
    # The contact's e-mail differs on purpose: the extrinsic wins.
    assert setup.user_email == "mateo.grunewald@harborlabs.example"
    without = dataclasses.replace(
        setup, extrinsics=tuple(e for e in setup.extrinsics if e.name != "UserEmail")
    )
    assert without.user_email == "mgrunewald@harborlabs.example"


def test_a_coupa_buyer_cookie_of_32_hex_characters_is_kept_byte_for_byte(
    samples_dir: Path,
) -> None:
    raw = (samples_dir / "coupa_punchout_setup_request.xml").read_bytes()
    setup = cxml.parse(raw).payload
    assert isinstance(setup, cxml.PunchOutSetupRequest)
    assert re.fullmatch(r"[0-9a-f]{32}", setup.buyer_cookie)
    assert setup.buyer_cookie.encode() == _buyer_cookie_bytes(raw)
    # Echoed into the cart we return, it comes out exactly as it came in.
    cart = builders.punchout_order_message()
    assert isinstance(cart.payload, cxml.PunchOutOrderMessage)
    echoed = dataclasses.replace(
        cart, payload=dataclasses.replace(cart.payload, buyer_cookie=setup.buyer_cookie)
    )
    assert _buyer_cookie_bytes(cxml.serialize(echoed)) == _buyer_cookie_bytes(raw)


def test_a_buyer_cookie_with_markup_characters_is_kept_byte_for_byte(samples_dir: Path) -> None:
    raw = (samples_dir / "ariba_punchout_setup_edit.xml").read_bytes()
    doc = cxml.parse(raw)
    assert isinstance(doc.payload, cxml.PunchOutSetupRequest)
    assert doc.payload.buyer_cookie == "8B1F-44C2-ARIBA-PR4471-<edit>"
    assert _buyer_cookie_bytes(cxml.serialize(doc)) == _buyer_cookie_bytes(raw)


def test_a_buyer_cookie_with_surrounding_spaces_is_not_trimmed() -> None:
    data = cxml.serialize(builders.punchout_setup_request_inspect())
    padded = data.replace(
        b"<BuyerCookie>inspect-session-0043</BuyerCookie>",
        b"<BuyerCookie>  inspect session\t0043 </BuyerCookie>",
    )
    doc = cxml.parse(padded)
    assert isinstance(doc.payload, cxml.PunchOutSetupRequest)
    assert doc.payload.buyer_cookie == "  inspect session\t0043 "
    assert _buyer_cookie_bytes(cxml.serialize(doc)) == b"  inspect session\t0043 "


def test_the_cart_sample_keeps_its_cookie_and_lines(samples_dir: Path) -> None:
    raw = (samples_dir / "punchout_order_message.xml").read_bytes()
    doc = cxml.parse(raw)
    cart = doc.payload
    assert isinstance(cart, cxml.PunchOutOrderMessage)
    assert cart.buyer_cookie.encode() == _buyer_cookie_bytes(raw)
    assert doc.version == "1.2.014"  # the DOCTYPE wins over version="1.2.0.14"
    assert doc.envelope is cxml.Envelope.MESSAGE
    assert [i.item_id.supplier_part_auxiliary_id for i in cart.items] == [
        "cart-41b7:line-1",
        "cart-41b7:line-2",
        "cart-41b7:line-3",
    ]
    first, usage, free = cart.items
    assert first.item_detail.description.startswith("Fleet monitoring seat — Überwachung / 監視")
    assert first.item_detail.descriptions[0].short_name == "Fleet monitoring seat"
    assert first.item_detail.extrinsic("LineType") == "Contract"
    assert usage.item_detail.extrinsic("linetype") == "Usage"
    assert free.item_detail.unit_price == cxml.Money(Decimal("0"), "USD")
    assert doc.header is not None
    assert doc.header.sender.shared_secret is None


def test_a_ruby_style_timestamp_is_read_as_the_right_instant(samples_dir: Path) -> None:
    doc = _sample(samples_dir, "coupa_order_request_rfc2822_timestamp.xml")
    # Tue Mar 18 22:05:31 -0700 2025 is 05:05:31 UTC on the 19th.
    assert doc.timestamp == dt.datetime(2025, 3, 19, 5, 5, 31, tzinfo=UTC)
    assert doc.timestamp.utcoffset() == dt.timedelta(hours=-7)
    order = doc.payload
    assert isinstance(order, cxml.OrderRequest)
    # The orderDate is in RFC 2822 form: Tue, 18 Mar 2025 22:05:30 -0700.
    assert order.header.order_date == dt.datetime(2025, 3, 19, 5, 5, 30, tzinfo=UTC)
    # Written back as ISO 8601 with a numeric offset.
    root = etree.fromstring(cxml.serialize(doc))
    assert root.get("timestamp") == "2025-03-18T22:05:31-07:00"


def test_a_doctype_with_the_mixed_case_host_gives_the_version(samples_dir: Path) -> None:
    raw = (samples_dir / "coupa_order_request_rfc2822_timestamp.xml").read_bytes()
    assert b"http://xml.cXML.org/schemas/cXML/1.2.014/cXML.dtd" in raw
    doc = cxml.parse(raw)
    assert doc.version == "1.2.014"
    assert b"http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd" in cxml.serialize(doc)


def test_mixed_case_credential_domains_are_matched(samples_dir: Path) -> None:
    doc = _sample(samples_dir, "coupa_order_request.xml")
    header = doc.header
    assert header is not None
    assert [header.from_.credential.domain, header.to.credential.domain] == ["DUNS", "duns"]
    assert header.sender.credential.domain == "Duns"  # kept as sent
    assert header.to.credential.matches("DUNS", "123456789")
    assert header.sender.credential.matches("duns", "harbor-freight-labs")
    assert header.from_.find("dUnS", "harbor-freight-labs") is not None
    assert not header.to.credential.matches("NetworkID", "123456789")
    other = _sample(samples_dir, "coupa_order_request_rfc2822_timestamp.xml").header
    assert other is not None
    assert other.to.credential.domain == "NetworkId"
    assert other.to.credential.matches("NetworkID", "market-example-supplier")
    assert other.sender.credential.matches("networkid", "pinecrest-health")


def test_the_coupa_order_sample_is_read_with_its_coupa_details(samples_dir: Path) -> None:
    doc = _sample(samples_dir, "coupa_order_request.xml")
    assert doc.timestamp == dt.datetime(2025, 3, 18, 15, 40, 17, tzinfo=UTC)  # the Z form
    order = doc.payload
    assert isinstance(order, cxml.OrderRequest)
    header = order.header
    assert (header.order_id, header.type, header.order_type) == (
        "7731",
        cxml.OrderType.NEW,
        "regular",
    )
    assert header.ship_to is not None
    assert header.ship_to.address_id == "3310"
    assert header.ship_to.postal_address is not None
    assert header.ship_to.postal_address.name == "default"
    assert header.ship_to.email == cxml.Email("mateo.grunewald@harborlabs.example", "default")
    assert header.shipping == cxml.Shipping(cxml.Money(Decimal("0"), "USD"), cxml.Description(""))
    assert header.extrinsic("legacy_po") == ""
    assert header.extrinsic("project code") == "OPS-2025-11"
    seats, sms = order.items
    assert seats.item_id == cxml.ItemID("FLEET-MON-SEAT", "cart-41b7:line-1")
    assert seats.requested_delivery_date == dt.date(2025, 4, 1)
    assert seats.item_detail is not None
    assert seats.item_detail.extrinsic("LineType") == "Quantity"
    assert seats.item_detail.classifications == (cxml.Classification("UNSPSC", "81162000"),)
    assert [(s.type, s.id) for s in seats.distributions[0].accounting.segments] == [
        ("GL Account", "64150"),
        ("Cost Center", "OPS-410"),
        ("Location", "PDX"),
    ]
    assert seats.distributions[0].charge == cxml.Money(Decimal("4788.00"), "USD")
    assert sms.item_detail is not None
    assert sms.item_detail.description == ("SMS alert bundle (1,000 messages) & delivery reports")
    assert sms.item_detail.classifications[0].value == "unknown"


def test_the_coupa_change_order_references_the_original(samples_dir: Path) -> None:
    original = _sample(samples_dir, "coupa_order_request.xml")
    update = _sample(samples_dir, "coupa_order_update.xml")
    assert isinstance(update.payload, cxml.OrderRequest)
    header = update.payload.header
    assert header.type is cxml.OrderType.UPDATE
    assert header.order_version == 2
    assert header.document_reference == original.payload_id
    assert header.payment_terms == (cxml.PaymentTerm(45),)
    assert header.comments == cxml.Comments("Seat count raised from 12 to 15.", "en-US")


@pytest.mark.parametrize(
    ("name", "mode"),
    [
        ("coupa_punchout_setup_request.xml", cxml.DeploymentMode.TEST),
        ("coupa_order_request.xml", cxml.DeploymentMode.PRODUCTION),
        ("coupa_order_request_rfc2822_timestamp.xml", cxml.DeploymentMode.PRODUCTION),
        ("ariba_punchout_setup_edit.xml", cxml.DeploymentMode.TEST),
        ("ariba_profile_request.xml", cxml.DeploymentMode.TEST),
        ("ariba_order_request.xml", cxml.DeploymentMode.PRODUCTION),
        ("punchout_order_message.xml", cxml.DeploymentMode.TEST),
        ("status_update_request.xml", cxml.DeploymentMode.PRODUCTION),
        ("profile_response.xml", cxml.DeploymentMode.PRODUCTION),
    ],
)
def test_the_deployment_mode_is_read_and_written_back(
    samples_dir: Path, name: str, mode: cxml.DeploymentMode
) -> None:
    doc = _sample(samples_dir, name)
    assert doc.deployment_mode is mode
    assert doc.is_test is (mode is cxml.DeploymentMode.TEST)
    assert cxml.parse(cxml.serialize(doc)).deployment_mode is mode


def test_an_absent_deployment_mode_means_production_and_is_then_written_out(
    samples_dir: Path,
) -> None:
    raw = (samples_dir / "coupa_order_request_rfc2822_timestamp.xml").read_bytes()
    assert b"deploymentMode" not in raw
    out = cxml.serialize(cxml.parse(raw))
    assert etree.fromstring(out).find("Request").get("deploymentMode") == "production"


def test_all_of_aribas_to_credentials_are_kept(samples_dir: Path) -> None:
    doc = _sample(samples_dir, "ariba_punchout_setup_edit.xml")
    header = doc.header
    assert header is not None
    expected = [
        ("NetworkID", "AN01061233590-T"),
        ("DUNS", "123456789"),
        ("PrivateId", "VND-004812"),
    ]
    assert [(c.domain, c.identity) for c in header.to.credentials] == expected
    back = cxml.parse(cxml.serialize(doc)).header
    assert back is not None
    assert [(c.domain, c.identity) for c in back.to.credentials] == expected
    assert header.to.find("networkid", "AN01061233590-T") is not None
    assert header.to.find("privateid", "VND-004812") is not None
    assert header.from_.credential.identity.endswith("-T")
    sender = header.sender.credential
    assert (sender.domain, sender.identity, sender.type) == (
        "AribaNetworkUserId",
        "sysadmin@ariba.com",
        "marketplace",
    )
    assert sender.shared_secret == "Supplier-Own-Secret-2025!"


def test_the_ariba_edit_request_keeps_its_selected_item_and_cart_lines(samples_dir: Path) -> None:
    setup = _sample(samples_dir, "ariba_punchout_setup_edit.xml").payload
    assert isinstance(setup, cxml.PunchOutSetupRequest)
    assert setup.operation is cxml.PunchOutOperation.EDIT
    assert setup.selected_item == cxml.ItemID("AISLE-OBSERVABILITY")
    assert [i.item_id.supplier_part_auxiliary_id for i in setup.items] == [
        "cart-9e30:line-1",
        "cart-9e30:line-2",
    ]
    assert setup.items[0].item_detail is not None
    assert setup.items[0].item_detail.unit_price == cxml.Money(Decimal("54000"), "JPY")
    assert setup.items[1].item_detail is None
    assert setup.browser_form_post_url == (
        "https://s1-eu.buyer.ariba.example/Buyer/punchoutreturn?realm=kestrel-T&awsr=true"
    )
    assert setup.contacts[0].name == cxml.Name("田中 由紀", "ja")
    assert setup.user_email == "yuki.tanaka@kestrel-mfg.example"
    assert setup.ship_to is not None
    assert setup.ship_to.iso_country_code == "JP"


def test_the_ariba_order_reads_newer_shapes(samples_dir: Path) -> None:
    doc = _sample(samples_dir, "ariba_order_request.xml")
    assert doc.version == "1.2.053"
    order = doc.payload
    assert isinstance(order, cxml.OrderRequest)
    header = order.header
    # Two Comments elements (allowed from 1.2.050 on) are joined into one.
    assert header.comments is not None
    assert header.comments.text == (
        "Lizenzen bitte auf den Mandanten „Augsburg“ buchen.\n"
        "Rechnung nur elektronisch über das Ariba Network."
    )
    assert header.payment_terms == (cxml.PaymentTerm(14), cxml.PaymentTerm(60))
    assert header.ship_to is not None
    assert header.ship_to.phone is not None
    assert header.ship_to.phone.extension == "15"
    assert header.ship_to.postal_address is not None
    assert header.ship_to.postal_address.deliver_to == ("Zentraler Wareneingang", "Tor 4")
    line = order.items[0]
    # AccountingSegment (Name, Description) is read as a Segment.
    assert line.distributions[0].accounting.segments == (
        cxml.Segment("G/L Account", "4610000", "Software rental"),
        cxml.Segment("Cost Center", "10107720", "IT Augsburg"),
    )
    # A %date given as a date-time stays a date-time.
    assert line.requested_delivery_date == dt.datetime(2025, 3, 31, 22, 0, tzinfo=UTC)
    assert line.item_detail is not None
    assert line.item_detail.descriptions[0].short_name == "Flottenüberwachung"
    assert line.line_number == 10


def test_the_coupa_invoice_takes_its_version_from_the_doctype_not_the_version_attribute(
    samples_dir: Path,
) -> None:
    raw = (samples_dir / "coupa_invoice.xml").read_bytes()
    assert b'version="1.0"' in raw
    doc = cxml.parse(raw)
    assert doc.version == "1.2.020"
    invoice = doc.payload
    assert isinstance(invoice, cxml.InvoiceDetailRequest)
    assert invoice.header.is_tax_in_line
    assert [p.role for p in invoice.header.partners] == ["remitTo", "billTo"]
    assert invoice.header.period == cxml.Period(
        dt.datetime(2025, 3, 18, tzinfo=UTC), dt.datetime(2026, 3, 17, 23, 59, 59, tzinfo=UTC)
    )
    assert invoice.orders[0].order_reference.document_payload_id == "7731"
    first = invoice.orders[0].items[0]
    assert first.tax is not None
    assert first.tax.details[0].location == cxml.Name("OR", "en")
    assert invoice.summary.due == cxml.Money(Decimal("4818.40"), "USD")
    out = cxml.serialize(doc)
    assert etree.fromstring(out).get("version") == "1.2.020"


def test_the_responses_and_requests_of_the_other_samples_are_read(samples_dir: Path) -> None:
    profile = _sample(samples_dir, "profile_response.xml")
    assert isinstance(profile.payload, cxml.ProfileResponse)
    assert profile.status == cxml.Status(200, "OK")
    assert profile.payload.url_for("OrderRequest") == "https://market.example.com/cxml/order"
    setup = _sample(samples_dir, "setup_response.xml")
    assert isinstance(setup.payload, cxml.PunchOutSetupResponse)
    assert setup.payload.start_page_url.endswith("?locale=en-US&buyer=harbor")
    assert setup.status == cxml.Status(200, "OK", "Punchout session opened.")
    ping = _sample(samples_dir, "ariba_profile_request.xml")
    assert ping.payload == cxml.ProfileRequest()
    update = _sample(samples_dir, "status_update_request.xml")
    assert isinstance(update.payload, cxml.StatusUpdateRequest)
    assert update.payload.extrinsics == (cxml.Extrinsic("ActivatedSeats", "10"),)
    assert update.payload.status.lang == "en-US"
    confirmation = _sample(samples_dir, "confirmation_request.xml")
    assert isinstance(confirmation.payload, cxml.ConfirmationRequest)
    statuses = confirmation.payload.items[0].statuses
    assert [s.type for s in statuses] == [
        cxml.ConfirmationStatusType.ACCEPT,
        cxml.ConfirmationStatusType.BACKORDERED,
    ]
    assert confirmation.payload.order_reference.order_date == dt.datetime(
        2025, 3, 18, 15, 40, 16, tzinfo=UTC
    )
