"""Property tests: whatever bytes arrive, only ``CxmlError`` (with a 4xx code) escapes ``parse``.

Two sources of input: random bytes, and valid seed documents damaged at random, first on the
lxml tree (an element removed, duplicated, moved, renamed or swapped with its sibling, an
attribute or a text changed to odd values), then on the bytes (flipped, deleted, inserted
markup characters, truncation). When a damaged document still parses, serializing the result
either works or raises ``CxmlError``, never anything else.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import cxml
from cxml import parser

Mutation = tuple[Any, ...]
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- seed documents (valid; each parses and serializes) --------------------------------------

_HEADER = """
  <Header>
    <From><Credential domain="NetworkID"><Identity>FUZZ-BUYER</Identity></Credential></From>
    <To><Credential domain="DUNS"><Identity>555000111</Identity></Credential></To>
    <Sender>
      <Credential domain="NetworkID"><Identity>FUZZ-BUYER</Identity>{secret}</Credential>
      <UserAgent>Fuzz Procurement 0.1</UserAgent>
    </Sender>
  </Header>"""
_SECRET = "<SharedSecret>fuzz-secret</SharedSecret>"


def _seed(version: str, dtd: str, body: str, *, secret: bool = True, header: bool = True) -> str:
    head = _HEADER.format(secret=_SECRET if secret else "") if header else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/{version}/{dtd}">\n'
        f'<cXML payloadID="1750000000.{len(body)}.1@fuzz.example" '
        f'timestamp="2025-06-02T08:30:00+01:00" xml:lang="en-GB">{head}\n{body}\n</cXML>'
    )


_ADDRESS = """<Address addressID="WH-3" isoCountryCode="NL">
          <Name xml:lang="nl">Warehouse Three</Name>
          <PostalAddress name="default">
            <DeliverTo>Goods In</DeliverTo>
            <Street>Kade 12</Street>
            <City>Rotterdam</City>
            <PostalCode>3011 AA</PostalCode>
            <Country isoCountryCode="NL">Netherlands</Country>
          </PostalAddress>
          <Email name="default">goods-in@buyer.example</Email>
          <Phone name="work">
            <TelephoneNumber>
              <CountryCode isoCountryCode="NL">31</CountryCode>
              <AreaOrCityCode>10</AreaOrCityCode>
              <Number>5550100</Number>
            </TelephoneNumber>
          </Phone>
        </Address>"""

_ITEM_DETAIL = """<ItemDetail>
          <UnitPrice><Money currency="EUR">7.25</Money></UnitPrice>
          <Description xml:lang="en">Stapler, heavy duty<ShortName>Stapler</ShortName></Description>
          <UnitOfMeasure>EA</UnitOfMeasure>
          <Classification domain="UNSPSC">44121615</Classification>
          <ManufacturerPartID>HD-210</ManufacturerPartID>
          <ManufacturerName>Fasten Works</ManufacturerName>
          <LeadTime>5</LeadTime>
          <Extrinsic name="Colour">grey</Extrinsic>
        </ItemDetail>"""

SEEDS: tuple[str, ...] = (
    _seed("1.2.014", "cXML.dtd", "<Request><ProfileRequest/></Request>"),
    _seed(
        "1.2.020",
        "cXML.dtd",
        f"""<Request deploymentMode="test">
    <PunchOutSetupRequest operation="edit">
      <BuyerCookie>fz-cookie-<b>0042</b></BuyerCookie>
      <Extrinsic name="UserEmail">r.lind@buyer.example</Extrinsic>
      <Extrinsic name="CostCenter">CC-77</Extrinsic>
      <BrowserFormPost><URL>https://buyer.example/punchout/return?s=9</URL></BrowserFormPost>
      <Contact role="endUser">
        <Name xml:lang="en">Rosa Lind</Name>
        <Email>r.lind@buyer.example</Email>
      </Contact>
      <SupplierSetup><URL>https://supplier.example/cxml/setup</URL></SupplierSetup>
      <ShipTo>{_ADDRESS}</ShipTo>
      <SelectedItem><ItemID><SupplierPartID>SHELF-A</SupplierPartID></ItemID></SelectedItem>
      <ItemOut quantity="3" lineNumber="1">
        <ItemID><SupplierPartID>ST-HD-210</SupplierPartID>
          <SupplierPartAuxiliaryID>basket:7</SupplierPartAuxiliaryID></ItemID>
      </ItemOut>
    </PunchOutSetupRequest>
  </Request>""",
    ),
    _seed(
        "1.2.014",
        "cXML.dtd",
        f"""<Message deploymentMode="production" inReplyTo="1750000000.1.1@fuzz.example">
    <PunchOutOrderMessage>
      <BuyerCookie>fz-cookie-0042</BuyerCookie>
      <PunchOutOrderMessageHeader operationAllowed="edit" quoteStatus="pending">
        <Total><Money currency="EUR">27.75</Money></Total>
        <ShipTo>{_ADDRESS}</ShipTo>
        <Shipping><Money currency="EUR">4.00</Money>
          <Description xml:lang="en">Courier</Description></Shipping>
        <Tax><Money currency="EUR">2.00</Money>
          <Description xml:lang="en">VAT estimate</Description></Tax>
      </PunchOutOrderMessageHeader>
      <ItemIn quantity="3" lineNumber="1">
        <ItemID><SupplierPartID>ST-HD-210</SupplierPartID></ItemID>
        {_ITEM_DETAIL}
      </ItemIn>
    </PunchOutOrderMessage>
  </Message>""",
        secret=False,
    ),
    _seed(
        "1.2.014",
        "cXML.dtd",
        f"""<Request deploymentMode="production">
    <OrderRequest>
      <OrderRequestHeader orderID="PO-9001" orderDate="2025-06-02T08:29:00+01:00" type="new"
          orderType="regular" orderVersion="1" requisitionID="REQ-12">
        <Total><Money currency="EUR">27.75</Money></Total>
        <ShipTo>{_ADDRESS}</ShipTo>
        <BillTo>{_ADDRESS}</BillTo>
        <Shipping><Money currency="EUR">4.00</Money>
          <Description xml:lang="en">Courier</Description></Shipping>
        <Tax><Money currency="EUR">2.00</Money><Description xml:lang="en">VAT</Description>
          <TaxDetail purpose="tax" category="vat" percentageRate="21">
            <TaxableAmount><Money currency="EUR">21.75</Money></TaxableAmount>
            <TaxAmount><Money currency="EUR">2.00</Money></TaxAmount>
            <TaxLocation xml:lang="en">NL</TaxLocation>
          </TaxDetail></Tax>
        <PaymentTerm payInNumberOfDays="14"/>
        <Contact role="buyer"><Name xml:lang="en">Rosa Lind</Name>
          <Email>r.lind@buyer.example</Email></Contact>
        <Comments xml:lang="en">Ring the bell twice.</Comments>
        <DocumentReference payloadID="1749999999.1.1@fuzz.example"/>
        <Extrinsic name="Requester">r.lind@buyer.example</Extrinsic>
      </OrderRequestHeader>
      <ItemOut quantity="3" lineNumber="1" requestedDeliveryDate="2025-06-09">
        <ItemID><SupplierPartID>ST-HD-210</SupplierPartID></ItemID>
        {_ITEM_DETAIL}
        <Distribution>
          <Accounting name="Office">
            <Segment type="GL" id="6100" description="Supplies"/>
            <Segment type="CostCenter" id="CC-77" description="Ops"/>
          </Accounting>
          <Charge><Money currency="EUR">21.75</Money></Charge>
        </Distribution>
      </ItemOut>
    </OrderRequest>
  </Request>""",
    ),
    _seed(
        "1.2.014",
        "cXML.dtd",
        """<Response>
    <Status code="200" text="OK"/>
    <ProfileResponse effectiveDate="2025-01-01T00:00:00+00:00">
      <Option name="Service.Name">Fuzz Supplies</Option>
      <Transaction requestName="PunchOutSetupRequest">
        <URL>https://supplier.example/cxml/setup</URL>
      </Transaction>
      <Transaction requestName="OrderRequest"><URL>https://supplier.example/cxml/order</URL>
      </Transaction>
    </ProfileResponse>
  </Response>""",
        header=False,
    ),
    _seed(
        "1.2.014",
        "cXML.dtd",
        """<Response><Status code="200" text="OK"/><PunchOutSetupResponse>
    <StartPage><URL>https://supplier.example/start/once-7Hq2</URL></StartPage>
  </PunchOutSetupResponse></Response>""",
        header=False,
    ),
    _seed(
        "1.2.050",
        "Fulfill.dtd",
        """<Request>
    <ConfirmationRequest>
      <ConfirmationHeader confirmID="CF-3" operation="new" type="detail"
          noticeDate="2025-06-02T10:00:00+01:00">
        <Total><Money currency="EUR">27.75</Money></Total>
        <Comments xml:lang="en">One back-ordered.</Comments>
      </ConfirmationHeader>
      <OrderReference orderID="PO-9001" orderDate="2025-06-02T08:29:00+01:00">
        <DocumentReference payloadID="1750000000.2.1@fuzz.example"/>
      </OrderReference>
      <ConfirmationItem quantity="3" lineNumber="1">
        <UnitOfMeasure>EA</UnitOfMeasure>
        <ConfirmationStatus quantity="2" type="accept" deliveryDate="2025-06-05T12:00:00+01:00">
          <UnitOfMeasure>EA</UnitOfMeasure>
          <UnitPrice><Money currency="EUR">7.25</Money></UnitPrice>
        </ConfirmationStatus>
        <ConfirmationStatus quantity="1" type="backordered"
            deliveryDate="2025-06-20T12:00:00+01:00">
          <UnitOfMeasure>EA</UnitOfMeasure>
        </ConfirmationStatus>
      </ConfirmationItem>
    </ConfirmationRequest>
  </Request>""",
    ),
    _seed(
        "1.2.014",
        "cXML.dtd",
        """<Request>
    <StatusUpdateRequest>
      <DocumentReference payloadID="1750000000.2.1@fuzz.example"/>
      <Status code="201" text="Accepted">Queued for picking.</Status>
    </StatusUpdateRequest>
  </Request>""",
    ),
    _seed(
        "1.2.020",
        "InvoiceDetail.dtd",
        """<Request deploymentMode="production">
    <InvoiceDetailRequest>
      <InvoiceDetailRequestHeader invoiceID="INV-77" purpose="standard" operation="new"
          invoiceDate="2025-06-10T09:00:00+01:00">
        <InvoiceDetailHeaderIndicator/>
        <InvoiceDetailLineIndicator isTaxInLine="yes"/>
        <InvoicePartner><Contact role="remitTo" addressID="R-1">
          <Name xml:lang="en">Fuzz Supplies BV</Name></Contact></InvoicePartner>
        <PaymentTerm payInNumberOfDays="14"/>
      </InvoiceDetailRequestHeader>
      <InvoiceDetailOrder>
        <InvoiceDetailOrderInfo>
          <OrderReference orderID="PO-9001"><DocumentReference payloadID="PO-9001"/>
          </OrderReference>
        </InvoiceDetailOrderInfo>
        <InvoiceDetailItem invoiceLineNumber="1" quantity="3">
          <UnitOfMeasure>EA</UnitOfMeasure>
          <UnitPrice><Money currency="EUR">7.25</Money></UnitPrice>
          <InvoiceDetailItemReference lineNumber="1">
            <ItemID><SupplierPartID>ST-HD-210</SupplierPartID></ItemID>
            <Description xml:lang="en">Stapler, heavy duty</Description>
          </InvoiceDetailItemReference>
          <SubtotalAmount><Money currency="EUR">21.75</Money></SubtotalAmount>
          <Tax><Money currency="EUR">2.00</Money><Description xml:lang="en">VAT</Description>
            <TaxDetail purpose="tax" category="vat" percentageRate="21">
              <TaxableAmount><Money currency="EUR">21.75</Money></TaxableAmount>
              <TaxAmount><Money currency="EUR">2.00</Money></TaxAmount>
            </TaxDetail></Tax>
        </InvoiceDetailItem>
      </InvoiceDetailOrder>
      <InvoiceDetailSummary>
        <SubtotalAmount><Money currency="EUR">21.75</Money></SubtotalAmount>
        <Tax><Money currency="EUR">2.00</Money><Description xml:lang="en">VAT</Description></Tax>
        <ShippingAmount><Money currency="EUR">4.00</Money></ShippingAmount>
        <GrossAmount><Money currency="EUR">27.75</Money></GrossAmount>
        <NetAmount><Money currency="EUR">27.75</Money></NetAmount>
        <DueAmount><Money currency="EUR">27.75</Money></DueAmount>
      </InvoiceDetailSummary>
    </InvoiceDetailRequest>
  </Request>""",
    ),
)
SEED_BYTES: tuple[bytes, ...] = tuple(seed.encode("utf-8") for seed in SEEDS)

# --- mutations ----------------------------------------------------------------------------------

# Only for building test input: the same hardening as the library, so the seeds stay inert.
_TREE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)

TAGS = (
    "cXML", "Header", "From", "To", "Sender", "Credential", "Identity", "SharedSecret",
    "Request", "Response", "Message", "Status", "ProfileRequest", "ProfileResponse",
    "PunchOutSetupRequest", "PunchOutSetupResponse", "PunchOutOrderMessage", "OrderRequest",
    "ConfirmationRequest", "StatusUpdateRequest", "InvoiceDetailRequest", "BuyerCookie",
    "Extrinsic", "Money", "Total", "Tax", "TaxDetail", "Shipping", "ItemIn", "ItemOut", "ItemID",
    "ItemDetail", "SupplierPartID", "UnitPrice", "UnitOfMeasure", "Description", "ShortName",
    "Address", "PostalAddress", "Country", "Contact", "Name", "Email", "Phone", "URL",
    "DocumentReference", "OrderReference", "Comments", "Attachment", "Distribution",
    "Accounting", "Segment", "Charge", "PaymentTerm", "Classification", "LeadTime",
)  # fmt: skip
ATTRIBUTES = (
    "payloadID", "timestamp", "version", "{http://www.w3.org/XML/1998/namespace}lang",
    "deploymentMode", "operation", "operationAllowed", "quantity", "lineNumber", "currency",
    "code", "domain", "name", "type", "orderID", "orderDate", "orderVersion", "effectiveDate",
    "noticeDate", "invoiceDate", "invoiceID", "percentageRate", "payInNumberOfDays", "purpose",
    "requestName", "isTaxInLine", "inReplyTo", "requestedDeliveryDate", "deliveryDate",
)  # fmt: skip
ODD_VALUES = (
    "", " ", "0", "-1", "00012", "+7", "3.", ".5", "1e3", "1E+400", "-0.00", "NaN", "-Infinity",
    "sNaN", "1_000", "\u0661\u0662", "9" * 60, "2025-02-30T10:00:00+01:00", "2025-06-02",
    "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-23:59", "2025-06-02T08:30:00Z",
    "2025-06-02T08:30:00.123456789+0100", "Mon Jun 02 08:30:00 +0100 2025",
    "Mon, 02 Jun 2025 08:30:00 +0100", "Mon, 02 Jun 99999999999999 08:30:00 +0100",
    "create", "edit", "inspect", "EDIT", "test", "Production", "new", "update", "delete",
    "detail", "accept", "yes", "1.2.014", "1.2.999", "2.0", "http://127.0.0.1:9/x",
    "&", "<", "]]>", "\u202e", "\U0001f600",
)  # fmt: skip
# Text lxml accepts in attributes and element content (no control characters, no surrogates).
XML_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\t\n"), max_size=24
)
VALUES = st.one_of(st.sampled_from(ODD_VALUES), XML_TEXT)
INDEX = st.integers(min_value=0, max_value=10_000)

TREE_MUTATIONS = st.one_of(
    st.tuples(st.just("remove"), INDEX),
    st.tuples(st.just("duplicate"), INDEX),
    st.tuples(st.just("swap"), INDEX),
    st.tuples(st.just("move"), INDEX, INDEX),
    st.tuples(st.just("rename"), INDEX, st.sampled_from(TAGS)),
    st.tuples(st.just("attribute"), INDEX, st.sampled_from(ATTRIBUTES), VALUES),
    st.tuples(st.just("existing attribute"), INDEX, INDEX, VALUES),
    st.tuples(st.just("text"), INDEX, VALUES),
)
INSERTS = (
    b"<", b">", b"&", b'"', b"'", b"]]>", b"<![CDATA[", b"<!--", b"-->", b"&amp;", b"&#0;",
    b"&#x110000;", b"&lt", b"&undeclared;", b"\x00", b"\xff", b"\xc3", b"\xef\xbb\xbf",
    b"<!DOCTYPE cXML>", b"<!ENTITY e 'x'>", b"</cXML>", b"<cXML>", b"xmlns:p='urn:p' ",
    b"p:", b"<?pi x?>", b" a='1' a='2'", b"\r\n",
)  # fmt: skip
BYTE_MUTATIONS = st.one_of(
    st.tuples(st.just("flip"), INDEX, st.integers(min_value=1, max_value=255)),
    st.tuples(st.just("delete"), INDEX, st.integers(min_value=1, max_value=64)),
    st.tuples(
        st.just("insert"),
        INDEX,
        st.one_of(st.sampled_from(INSERTS), st.binary(min_size=1, max_size=8)),
    ),
    st.tuples(st.just("truncate"), INDEX),
)


def mutate_tree(data: bytes, mutations: list[Mutation]) -> bytes:
    """Apply element-level damage to a seed; indices wrap around the elements present."""
    root = etree.fromstring(data, _TREE_PARSER)
    for mutation in mutations:
        elements = [e for e in root.iter() if isinstance(e.tag, str)]
        kind, index = mutation[0], mutation[1]
        element = elements[index % len(elements)]
        parent = element.getparent()
        try:
            if kind == "remove" and parent is not None:
                parent.remove(element)
            elif kind == "duplicate" and parent is not None:
                element.addnext(copy.deepcopy(element))
            elif kind == "swap" and parent is not None:
                sibling = element.getnext()
                if sibling is not None:
                    sibling.addnext(element)
            elif kind == "move" and parent is not None:
                target = elements[mutation[2] % len(elements)]
                if element not in target.iterancestors() and target is not element:
                    target.append(element)
            elif kind == "rename":
                element.tag = str(mutation[2])
            elif kind == "attribute":
                element.set(str(mutation[2]), str(mutation[3]))
            elif kind == "existing attribute":
                names = list(element.attrib)
                if names:
                    element.set(names[mutation[2] % len(names)], str(mutation[3]))
            elif kind == "text":
                element.text = str(mutation[2])
        except ValueError:  # lxml refuses a few characters; that mutation is simply skipped
            continue
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")


def mutate_bytes(data: bytes, mutations: list[Mutation]) -> bytes:
    """Apply byte-level damage; positions wrap around the current length."""
    buffer = bytearray(data)
    for kind, index, *rest in mutations:
        position = index % (len(buffer) + 1)
        if kind == "flip" and position < len(buffer):
            buffer[position] ^= rest[0]
        elif kind == "delete":
            del buffer[position : position + rest[0]]
        elif kind == "insert":
            buffer[position:position] = rest[0]
        elif kind == "truncate":
            del buffer[position:]
    return bytes(buffer)


# --- the properties -----------------------------------------------------------------------------


def parse_or_cxml_error(data: bytes) -> cxml.Document | None:
    """``cxml.parse``; a CxmlError must carry a 4xx code and a message, anything else fails."""
    try:
        return cxml.parse(data)
    except cxml.CxmlError as exc:
        error = exc
    assert 400 <= error.status_code < 500, (error.status_code, error.message)
    assert error.message.strip()
    return None


def serialize_or_cxml_error(document: cxml.Document) -> None:
    try:
        output = cxml.serialize(document)
    except cxml.CxmlError:
        return
    assert isinstance(output, bytes)


@pytest.mark.parametrize("index", range(len(SEED_BYTES)))
def test_every_seed_parses_serializes_and_survives_a_tree_round_trip(index: int) -> None:
    seed = SEED_BYTES[index]
    document = cxml.parse(seed)
    assert document.payload is not None or document.status is not None
    cxml.parse(cxml.serialize(document))
    assert cxml.parse(mutate_tree(seed, [])) == document  # the tree step alone changes nothing


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes_raise_only_cxml_errors(data: bytes) -> None:
    document = parse_or_cxml_error(data)
    if document is not None:
        serialize_or_cxml_error(document)


@FUZZ
@given(
    seed=st.sampled_from(SEED_BYTES),
    tree=st.lists(TREE_MUTATIONS, max_size=4),
    raw=st.lists(BYTE_MUTATIONS, max_size=4),
)
def test_mutated_documents_raise_only_cxml_errors(
    seed: bytes, tree: list[Mutation], raw: list[Mutation]
) -> None:
    data = mutate_bytes(mutate_tree(seed, tree), raw)
    document = parse_or_cxml_error(data)
    if document is not None:
        serialize_or_cxml_error(document)


@FUZZ
@given(seed=st.sampled_from(SEED_BYTES), tree=st.lists(TREE_MUTATIONS, min_size=1, max_size=6))
def test_structurally_damaged_documents_raise_only_cxml_errors(
    seed: bytes, tree: list[Mutation]
) -> None:
    # Well-formed but wrong: this reaches the envelope and payload readers far more often than
    # byte damage, which mostly stops at the XML parser.
    document = parse_or_cxml_error(mutate_tree(seed, tree))
    if document is not None:
        serialize_or_cxml_error(document)


def outcome(data: bytes) -> cxml.Document | tuple[int, str]:
    try:
        return cxml.parse(data)
    except cxml.CxmlError as exc:
        return (exc.status_code, exc.message)


@FUZZ
@given(seed=st.sampled_from(SEED_BYTES), tree=st.lists(TREE_MUTATIONS, max_size=6))
def test_both_readers_give_the_same_document_or_the_same_error(
    seed: bytes, tree: list[Mutation]
) -> None:
    # The readers read the C-level copy of the tree when cxml.reading._speedups is built and
    # lxml's elements otherwise: the same document, or the same error naming the same path.
    data = mutate_tree(seed, tree)
    with_copy = outcome(data)
    saved, parser._copy_tree = parser._copy_tree, None
    try:
        with_elements = outcome(data)
    finally:
        parser._copy_tree = saved
    assert with_copy == with_elements
