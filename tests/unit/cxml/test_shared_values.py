"""Values that repeat across lines are read once and shared, and only ever when they are equal.

The readers keep small caches of immutable values (amounts, descriptions, accountings). These
tests pin what makes that safe: a different value is never served from the cache, and long
text is never kept after the parse.
"""

from __future__ import annotations

import cxml
from cxml.models.order import OrderRequest
from cxml.reading._fast import CACHE_LIMIT, MAX_KEY_CHARS, remember


def _accounting(name: str, cost_center: str) -> bytes:
    return (
        f'<Accounting name="{name}">'
        f'<Segment type="Main Account" id="61500" description="Software"/>'
        f'<Segment type="Cost Center" id="{cost_center}" description="Engineering"/>'
        f"</Accounting>"
    ).encode()


def _order(*accountings: bytes, description: str = "Observability Suite") -> bytes:
    lines = b"".join(
        b'<ItemOut quantity="1" lineNumber="%d"><ItemID><SupplierPartID>P-1</SupplierPartID>'
        % n
        + b'</ItemID><ItemDetail><UnitPrice><Money currency="USD">10.00</Money></UnitPrice>'
        b'<Description xml:lang="en">' + description.encode() + b"</Description>"
        b"<UnitOfMeasure>EA</UnitOfMeasure></ItemDetail><Distribution>"
        + accounting
        + b'<Charge><Money currency="USD">10.00</Money></Charge></Distribution></ItemOut>'
        for n, accounting in enumerate(accountings, start=1)
    )
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">\n'
        b'<cXML payloadID="po-1@example" timestamp="2026-03-05T08:00:00-08:00">'
        b'<Header><From><Credential domain="DUNS"><Identity>buyer</Identity></Credential></From>'
        b'<To><Credential domain="DUNS"><Identity>seller</Identity></Credential></To>'
        b'<Sender><Credential domain="DUNS"><Identity>buyer</Identity>'
        b"<SharedSecret>s</SharedSecret></Credential><UserAgent>t</UserAgent></Sender></Header>"
        b'<Request><OrderRequest><OrderRequestHeader orderID="PO-1" '
        b'orderDate="2026-03-05T08:00:00-08:00"><Total><Money currency="USD">10.00</Money>'
        b"</Total></OrderRequestHeader>" + lines + b"</OrderRequest></Request></cXML>"
    )


def _accountings(data: bytes) -> list[object]:
    payload = cxml.parse(data).payload
    assert isinstance(payload, OrderRequest)
    return [item.distributions[0].accounting for item in payload.items]


def test_equal_accountings_are_one_shared_value_and_different_ones_are_read_apart() -> None:
    first, same, other = _accountings(
        _order(
            _accounting("Engineering", "ENG-100"),
            _accounting("Engineering", "ENG-100"),
            _accounting("Engineering", "ENG-200"),
        )
    )

    assert first is same
    assert other != first
    assert [s.id for s in other.segments] == ["61500", "ENG-200"]  # type: ignore[attr-defined]


def test_an_accounting_read_from_one_document_is_not_served_for_a_different_one() -> None:
    (before,) = _accountings(_order(_accounting("Engineering", "ENG-100")))
    (after,) = _accountings(_order(_accounting("Engineering", "ENG-1OO")))  # letter O

    assert before != after
    assert [s.id for s in after.segments] == ["61500", "ENG-1OO"]  # type: ignore[attr-defined]


def test_a_long_description_parses_whole_and_is_not_kept_after_the_parse() -> None:
    long_text = "Enterprise observability " * 1_000
    payload = cxml.parse(_order(_accounting("a", "b"), description=long_text)).payload
    assert isinstance(payload, OrderRequest)

    assert payload.items[0].item_detail is not None
    assert payload.items[0].item_detail.descriptions[0].text == long_text.strip()
    cache: dict[tuple[str], str] = {}
    assert remember(cache, (long_text,), "value") == "value"
    assert cache == {}


def test_the_caches_stay_bounded() -> None:
    cache: dict[tuple[str], int] = {}
    for number in range(CACHE_LIMIT * 3):
        remember(cache, (str(number),), number)

    assert len(cache) <= CACHE_LIMIT
    assert remember(cache, ("x" * MAX_KEY_CHARS,), 1) == 1
    assert ("x" * MAX_KEY_CHARS,) in cache
