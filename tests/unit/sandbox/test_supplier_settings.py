import pytest

from sandbox.domain.errors import InputError
from sandbox.domain.suppliers import (
    ARIBA_SENDER_DOMAIN,
    ARIBA_SENDER_IDENTITY,
    SupplierInput,
    SupplierMode,
    check,
    from_purchase_information,
)

INFO = {
    "punchout_url": "http://127.0.0.1:8000/cxml/punchout",
    "order_url": "http://127.0.0.1:8000/cxml/orders",
    "profile_url": "http://127.0.0.1:8000/cxml/profile",
    "buyer_domain": "DUNS",
    "buyer_identity": "acme",
    "supplier_domain": "NetworkID",
    "supplier_identity": "MKT-1",
    "sender_domain": "DUNS",
    "sender_identity": "acme",
    "protocol": "cxml",
    "cxml_version": "1.2.014",
    "cart_field": "cxml-base64",
}


def test_purchase_information_fills_the_po_transmission_and_the_punchout_site() -> None:
    draft = check(from_purchase_information(INFO, name="Marketplace", secret="s3cret"), new=True)

    assert draft.mode is SupplierMode.COUPA
    assert (draft.po_url, draft.punchout_url) == (INFO["order_url"], INFO["punchout_url"])
    assert (draft.our_domain, draft.our_identity) == ("DUNS", "acme")
    assert (draft.supplier_domain, draft.supplier_identity) == ("NetworkID", "MKT-1")
    assert (draft.punchout_domain, draft.punchout_identity) == ("NetworkID", "MKT-1")
    assert (draft.sender_domain, draft.sender_identity) == ("DUNS", "acme")
    assert draft.po_secret == draft.punchout_secret == "s3cret"
    assert not draft.test
    assert "s3cret" not in repr(draft)


def test_the_wrapped_answer_of_a_new_connection_carries_its_secret() -> None:
    wrapped = {"id": "conn-1", "purchase_information": INFO, "shared_secret": "from-json"}

    draft = from_purchase_information(wrapped, name="Marketplace", test=True)

    assert draft.po_secret == "from-json"
    assert draft.test


def test_an_ariba_connection_makes_an_ariba_style_supplier() -> None:
    info = {
        **INFO,
        "buyer_domain": "NetworkID",
        "buyer_identity": "AN01000000001",
        "supplier_identity": "AN01000000002",
        "sender_domain": ARIBA_SENDER_DOMAIN,
        "sender_identity": ARIBA_SENDER_IDENTITY,
    }

    draft = from_purchase_information(info, name="Marketplace", secret="x")

    assert draft.mode is SupplierMode.ARIBA


@pytest.mark.parametrize(
    ("info", "message"),
    [
        ({**INFO, "protocol": "oci"}, "speaks cxml only"),
        ({k: v for k, v in INFO.items() if k != "order_url"}, "lacks order_url"),
        ({"purchase_information": "nope"}, "not a JSON object"),
    ],
)
def test_unusable_purchase_information_is_refused(info: dict, message: str) -> None:
    with pytest.raises(InputError, match=message):
        from_purchase_information(info, name="Marketplace", secret="x")


def test_each_missing_or_bad_field_is_named() -> None:
    with pytest.raises(InputError) as caught:
        check(
            SupplierInput(name=" ", po_url="ftp://x", punchout_url="http://x", cxml_version="2"),
            new=True,
        )

    assert set(caught.value.fields) == {
        "name",
        "po_url",
        "our_domain",
        "our_identity",
        "supplier_domain",
        "supplier_identity",
        "po_secret",
        "punchout_domain",
        "punchout_identity",
        "punchout_secret",
        "sender_domain",
        "sender_identity",
        "cxml_version",
    }


def test_an_edited_supplier_keeps_its_secrets_when_left_empty() -> None:
    draft = from_purchase_information(INFO, name="Marketplace", secret=None)

    assert check(draft, new=False).po_secret in (None, "")
    with pytest.raises(InputError, match="attention"):
        check(draft, new=True)


def test_an_ariba_style_supplier_is_always_sent_by_ariba_network() -> None:
    draft = from_purchase_information(INFO, name="Marketplace", secret="x")

    ariba = check(SupplierInput(**{**_fields(draft), "mode": SupplierMode.ARIBA}), new=True)

    assert (ariba.sender_domain, ariba.sender_identity) == (
        ARIBA_SENDER_DOMAIN,
        ARIBA_SENDER_IDENTITY,
    )


def _fields(draft: SupplierInput) -> dict:
    return {name: getattr(draft, name) for name in draft.__dataclass_fields__}
