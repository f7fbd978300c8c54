"""The browser form post that carries a PunchOutOrderMessage to the buyer's BrowserFormPost URL."""

from __future__ import annotations

import base64
import dataclasses
import urllib.parse

import cxml_builders as builders
import lxml.html
import pytest

import cxml

ACTION = "https://northwind.coupahost.example/punchout/checkout?id=31&lang=en"
FIELDS = [cxml.CartField.URLENCODED, cxml.CartField.BASE64]
NON_ASCII = "Überwachung — 監視"


@pytest.fixture
def cart() -> cxml.Document:
    return builders.punchout_order_message()


@pytest.fixture
def cart_xml(cart: cxml.Document) -> bytes:
    return cxml.serialize(cart)


def _hidden_input(page: str) -> tuple[str, str]:
    """The name and (HTML-unescaped) value of the page's one hidden input."""
    inputs = lxml.html.fromstring(page).xpath("//form//input[@type='hidden']")
    assert len(inputs) == 1
    return inputs[0].get("name"), inputs[0].get("value")


def _browser_submit(page: str) -> dict[str, list[str]]:
    """What a browser posts for the page's form, as a server framework would read it."""
    form = lxml.html.fromstring(page).forms[0]
    body = urllib.parse.urlencode(dict(form.form_values()))
    return urllib.parse.parse_qs(body, keep_blank_values=True)


def _first_description(doc: cxml.Document) -> str:
    assert isinstance(doc.payload, cxml.PunchOutOrderMessage)
    return doc.payload.items[0].item_detail.description


# --- encoding -----------------------------------------------------------------------------


@pytest.mark.parametrize("field", FIELDS)
def test_the_page_posts_one_hidden_field_to_the_browser_form_post_url(
    cart_xml: bytes, field: cxml.CartField
) -> None:
    page = cxml.encode_form(cart_xml, ACTION, field=field)
    form = lxml.html.fromstring(page).forms[0]
    assert form.action == ACTION
    assert form.method.upper() == "POST"
    assert form.get("enctype") == "application/x-www-form-urlencoded"
    assert _hidden_input(page)[0] == field.value
    assert "document.getElementById('cxml-cart').submit()" in page
    assert lxml.html.fromstring(page).xpath("//form//button[@type='submit']")


@pytest.mark.parametrize("field", FIELDS)
def test_the_hidden_value_unescaped_and_decoded_gives_the_same_document(
    cart: cxml.Document, cart_xml: bytes, field: cxml.CartField
) -> None:
    page = cxml.encode_form(cart_xml, ACTION, field=field)
    name, value = _hidden_input(page)
    assert value == cxml.field_value(cart_xml, field)
    decoded = cxml.decode_form({name: value})
    assert cxml.parse(decoded) == cart
    assert cxml.parse_form({name: value}) == cart


def test_the_field_name_can_be_spelled_as_the_buyer_wants(cart_xml: bytes) -> None:
    page = cxml.encode_form(cart_xml, ACTION, field_name="cXML-urlencoded")
    assert _hidden_input(page)[0] == "cXML-urlencoded"
    page = cxml.encode_form(cart_xml, ACTION, field=cxml.CartField.BASE64, field_name="cXML-base64")
    assert _hidden_input(page)[0] == "cXML-base64"


def test_a_nonce_goes_on_the_script_and_the_action_is_escaped(cart_xml: bytes) -> None:
    page = cxml.encode_form(cart_xml, 'https://buyer.example/r?a=1&b="2"', nonce="n0nce+/=")
    script = lxml.html.fromstring(page).xpath("//script")[0]
    assert script.get("nonce") == "n0nce+/="
    assert lxml.html.fromstring(page).forms[0].action == 'https://buyer.example/r?a=1&b="2"'
    assert 'b="2"' not in page


def test_non_ascii_text_travels_urlencoded_as_character_references(
    cart: cxml.Document, cart_xml: bytes
) -> None:
    value = cxml.field_value(cart_xml, cxml.CartField.URLENCODED)
    assert value.isascii()
    assert NON_ASCII not in value
    assert "&#220;berwachung &#8212; &#30435;&#35222;" in value
    assert cxml.parse(value.encode("ascii")) == cart
    page = cxml.encode_form(cart_xml, ACTION)
    assert page.isascii()
    assert _first_description(cxml.parse_form(_browser_submit(page))).startswith(NON_ASCII)


def test_non_ascii_text_travels_base64_as_utf8_bytes(cart: cxml.Document, cart_xml: bytes) -> None:
    value = cxml.field_value(cart_xml, cxml.CartField.BASE64)
    assert base64.b64decode(value, validate=True) == cart_xml
    assert NON_ASCII.encode() in base64.b64decode(value)
    assert cxml.decode_form({"cxml-base64": value}) == cart_xml
    assert _first_description(cxml.parse_form({"cxml-base64": value})).startswith(NON_ASCII)


# --- decoding -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("cXML-urlencoded", cxml.CartField.URLENCODED),
        ("CXML-URLENCODED", cxml.CartField.URLENCODED),
        ("cxml-urlencoded", cxml.CartField.URLENCODED),
        ("cxml-base64", cxml.CartField.BASE64),
        ("cXML-base64", cxml.CartField.BASE64),
        ("CXML-Base64", cxml.CartField.BASE64),
    ],
)
def test_field_names_are_matched_in_any_case(
    cart: cxml.Document, cart_xml: bytes, name: str, field: cxml.CartField
) -> None:
    value = cxml.field_value(cart_xml, field)
    assert cxml.parse(cxml.decode_form({"other": "x", name: value})) == cart


def test_base64_with_line_breaks_and_without_padding_is_decoded(cart_xml: bytes) -> None:
    wrapped = base64.encodebytes(cart_xml).decode("ascii")  # 76-column lines
    assert "\n" in wrapped
    assert cxml.decode_form({"cxml-base64": wrapped}) == cart_xml
    crlf = wrapped.replace("\n", "\r\n")
    assert cxml.decode_form({"cxml-base64": crlf}) == cart_xml
    for length in range(len(cart_xml) - 3, len(cart_xml)):
        unpadded = base64.b64encode(cart_xml[:length]).decode("ascii").rstrip("=")
        assert cxml.decode_form({"cxml-base64": unpadded}) == cart_xml[:length]


def test_base64_whose_plus_signs_became_spaces_is_decoded() -> None:
    data = bytes(range(256)) * 3
    value = base64.b64encode(data).decode("ascii")
    assert "+" in value
    assert cxml.decode_form({"cxml-base64": value.replace("+", " ")}) == data


def test_urlencoded_text_declared_latin1_but_carrying_utf8_text_is_read_as_utf8(
    cart: cxml.Document, cart_xml: bytes
) -> None:
    text = cart_xml.decode("utf-8").replace('encoding="UTF-8"', 'encoding="ISO-8859-1"', 1)
    assert 'encoding="ISO-8859-1"' in text
    assert NON_ASCII in text
    decoded = cxml.decode_form({"cXML-urlencoded": text})
    assert cxml.parse(decoded) == cart
    assert _first_description(cxml.parse(decoded)).startswith(NON_ASCII)


def test_an_encoding_declaration_in_single_quotes_is_ignored_too(cart: cxml.Document) -> None:
    text = (
        cxml.serialize(cart)
        .decode("utf-8")
        .replace('encoding="UTF-8"', "encoding='windows-1252'", 1)
    )
    assert cxml.parse(cxml.decode_form({"cxml-urlencoded": text})) == cart


def test_a_field_given_as_bytes_or_as_a_list_is_read(cart: cxml.Document, cart_xml: bytes) -> None:
    assert cxml.parse(cxml.decode_form({"cxml-urlencoded": cart_xml})) == cart
    value = cxml.field_value(cart_xml, cxml.CartField.BASE64)
    assert cxml.decode_form({"cxml-base64": [value]}) == cart_xml


@pytest.mark.parametrize(
    "fields",
    [{}, {"cxml": "x"}, {"cXML_urlencoded": "x"}, {"cxml-urlencoded-x": "x"}],
)
def test_a_form_without_either_field_is_refused_with_400(fields: dict[str, str]) -> None:
    with pytest.raises(cxml.CxmlError) as caught:
        cxml.decode_form(fields)
    assert caught.value.status_code == 400


@pytest.mark.parametrize("value", ["!!!not base64***", "QUJD$RA==", "A", "QUJDRA==QUJD"])
def test_invalid_base64_is_refused_with_a_4xx(value: str) -> None:
    with pytest.raises(cxml.CxmlError) as caught:
        cxml.decode_form({"cXML-base64": value})
    assert 400 <= caught.value.status_code < 500


def test_a_field_holding_neither_text_nor_bytes_is_refused_with_a_4xx() -> None:
    with pytest.raises(cxml.CxmlError) as caught:
        cxml.decode_form({"cxml-urlencoded": 42})
    assert 400 <= caught.value.status_code < 500


# --- a browser in between -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "name"),
    [
        (cxml.CartField.URLENCODED, None),
        (cxml.CartField.URLENCODED, "cXML-urlencoded"),
        (cxml.CartField.BASE64, None),
        (cxml.CartField.BASE64, "CXML-BASE64"),
    ],
)
def test_a_browser_submit_decodes_to_the_same_document(
    cart: cxml.Document, cart_xml: bytes, field: cxml.CartField, name: str | None
) -> None:
    value = cxml.field_value(cart_xml, field)
    posted = urllib.parse.parse_qs(urllib.parse.urlencode({name or field.value: value}))
    assert cxml.parse(cxml.decode_form(posted)) == cart
    page = cxml.encode_form(cart_xml, ACTION, field=field, field_name=name)
    assert cxml.parse_form(_browser_submit(page)) == cart


@pytest.mark.parametrize("field", FIELDS)
def test_a_browser_submit_of_a_large_cart_keeps_every_line(field: cxml.CartField) -> None:
    doc = builders.punchout_order_message()
    assert isinstance(doc.payload, cxml.PunchOutOrderMessage)
    big = dataclasses.replace(
        doc, payload=dataclasses.replace(doc.payload, items=doc.payload.items * 40)
    )
    page = cxml.encode_form(cxml.serialize(big), ACTION, field=field)
    assert cxml.parse_form(_browser_submit(page)) == big
