"""Every serialized document validates against the official DTD of its version (lxml, offline).

The DTDs come from ../shared/cxml-dtd through the ``dtd_catalog`` fixture, which fails (never
skips) when the folder is missing. cXML.dtd is local at 1.2.014, 1.2.020, 1.2.050, 1.2.053 and
1.2.063; InvoiceDetail.dtd at 1.2.020 and 1.2.037; Fulfill.dtd at 1.2.050, 1.2.053 and 1.2.063.
"""

from __future__ import annotations

import codecs
import dataclasses
import importlib.util
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

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
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'
# Samples that reproduce a buyer's quirk the DTD rejects as written (parsing tolerates it).
INVALID_AS_WRITTEN = {
    "coupa_punchout_setup_request.xml": "Contact before BrowserFormPost",
}


def _dtd_file(doc: cxml.Document) -> str:
    return doc.payload.dtd_file if doc.payload is not None else "cXML.dtd"


def _refused(name: str, version: str) -> bool:
    """The documented version rules: StatusUpdateRequest has Extrinsic from 1.2.050 on."""
    return name == "status_update_request_with_extrinsics" and version < "1.2.050"


def _assert_valid(catalog: cxml.DtdCatalog, data: bytes) -> cxml.ValidationResult:
    result = catalog.validate(data)
    assert result.valid, "DTD errors:\n" + "\n".join(result.errors)
    assert result.exact, f"validated against {result.dtd_path}, not the document's own version"
    return result


def _cases(accept: Callable[[str, str], bool]) -> list[tuple[str, str]]:
    cases = []
    for name, build in sorted(builders.ALL.items()):
        for version in VERSIONS[_dtd_file(build())]:
            if accept(name, version):
                cases.append((name, version))
    return cases


# --- built documents ----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(builders.ALL))
def test_every_built_document_validates_at_its_default_version(
    dtd_catalog: cxml.DtdCatalog, name: str
) -> None:
    doc = builders.ALL[name]()
    result = _assert_valid(dtd_catalog, cxml.serialize(doc))
    assert (result.version, result.dtd_file) == (doc.version, _dtd_file(doc))
    assert result.dtd_path == dtd_catalog.root / doc.version / _dtd_file(doc)


@pytest.mark.parametrize(("name", "version"), _cases(lambda n, v: not _refused(n, v)))
def test_every_built_document_validates_at_every_local_version_of_its_dtd(
    dtd_catalog: cxml.DtdCatalog, name: str, version: str
) -> None:
    doc = builders.ALL[name]()
    data = cxml.serialize(doc, version=version)
    result = _assert_valid(dtd_catalog, data)
    assert result.version == version
    assert (
        data.splitlines()[1]
        == (
            f'<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/{version}/{_dtd_file(doc)}">'
        ).encode()
    )


@pytest.mark.parametrize(("name", "version"), _cases(_refused))
def test_status_update_extrinsics_before_1_2_050_are_refused_with_500(
    name: str, version: str
) -> None:
    doc = builders.ALL[name]()
    with pytest.raises(cxml.CxmlError) as caught:
        cxml.serialize(doc, version=version)
    assert caught.value.status_code == 500
    assert "1.2.050" in caught.value.message


def test_every_local_dtd_version_is_exercised(dtd_catalog: cxml.DtdCatalog) -> None:
    for dtd_file, versions in VERSIONS.items():
        assert tuple(dtd_catalog.versions(dtd_file)) == versions


@pytest.mark.parametrize("name", sorted(builders.ALL))
def test_the_prolog_is_a_utf8_declaration_then_the_doctype_on_line_2(name: str) -> None:
    doc = builders.ALL[name]()
    data = cxml.serialize(doc)
    assert not data.startswith(codecs.BOM_UTF8)
    lines = data.split(b"\n")
    assert lines[0] == DECLARATION
    assert lines[1] == (
        f'<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/{doc.version}/{_dtd_file(doc)}">'
    ).encode("ascii")
    assert lines[2].startswith(b"<cXML ")
    tree = etree.fromstring(data).getroottree()
    assert tree.docinfo.encoding == "UTF-8"
    assert tree.docinfo.root_name == "cXML"
    assert tree.docinfo.system_url.endswith(f"/{doc.version}/{_dtd_file(doc)}")
    assert tree.getroot().get("version") == doc.version
    data.decode("utf-8")  # the bytes really are UTF-8


@pytest.mark.parametrize(
    ("name", "dtd_file"),
    [
        ("confirmation_request", "Fulfill.dtd"),
        ("invoice_standard", "InvoiceDetail.dtd"),
        ("invoice_credit_memo", "InvoiceDetail.dtd"),
        ("order_request_new", "cXML.dtd"),
        ("bare_response", "cXML.dtd"),
    ],
)
def test_the_doctype_names_the_file_that_declares_the_payload(name: str, dtd_file: str) -> None:
    assert f'/{dtd_file}"'.encode() in cxml.serialize(builders.ALL[name]()).splitlines()[1]


# --- samples ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_reserialized_sample_validates(
    dtd_catalog: cxml.DtdCatalog, samples_dir: Path, name: str
) -> None:
    doc = cxml.parse((samples_dir / name).read_bytes())
    data = cxml.serialize(doc)
    result = _assert_valid(dtd_catalog, data)
    assert result.version == doc.version
    assert data.startswith(DECLARATION + b"\n<!DOCTYPE cXML SYSTEM ")


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_samples_validate_as_written_except_the_buyer_quirks(
    dtd_catalog: cxml.DtdCatalog, samples_dir: Path, name: str
) -> None:
    result = dtd_catalog.validate((samples_dir / name).read_bytes())
    if name in INVALID_AS_WRITTEN:
        assert not result.valid, f"the sample should reproduce: {INVALID_AS_WRITTEN[name]}"
    else:
        assert result.valid, "\n".join(result.errors)


# --- the fixture --------------------------------------------------------------------------


def _fresh_conftest() -> ModuleType:
    path = Path(__file__).with_name("conftest.py")
    spec = importlib.util.spec_from_file_location("cxml_conftest_under_test", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("layout", ["missing folder", "empty folder"])
def test_the_dtd_fixture_fails_rather_than_skips_without_the_dtds(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, layout: str
) -> None:
    folder = tmp_path / "no-such-dtds"
    if layout == "empty folder":
        folder.mkdir()
    monkeypatch.setenv("CXML_DTD_DIR", str(folder))
    fixture = _fresh_conftest().dtd_catalog.__wrapped__
    with pytest.raises(pytest.fail.Exception, match="DTDs are missing") as caught:
        fixture()
    assert not isinstance(caught.value, pytest.skip.Exception)
    assert str(folder) in str(caught.value)


def test_the_dtd_fixture_reads_the_folder_named_by_the_environment(
    monkeypatch: pytest.MonkeyPatch, dtd_catalog: cxml.DtdCatalog
) -> None:
    monkeypatch.setenv("CXML_DTD_DIR", str(dtd_catalog.root))
    catalog = _fresh_conftest().dtd_catalog.__wrapped__()
    assert isinstance(catalog, cxml.DtdCatalog)
    assert catalog.root == dtd_catalog.root


# --- never emitted invalid ----------------------------------------------------------------


def _with_invoice_purpose(purpose: cxml.InvoicePurpose) -> cxml.Document:
    doc = builders.invoice_standard()
    payload = doc.payload
    assert isinstance(payload, cxml.InvoiceDetailRequest)
    header = dataclasses.replace(payload.header, purpose=purpose)
    return dataclasses.replace(doc, payload=dataclasses.replace(payload, header=header))


def _with_cart_header(**changes: object) -> cxml.Document:
    doc = builders.punchout_order_message()
    payload = doc.payload
    assert isinstance(payload, cxml.PunchOutOrderMessage)
    header = dataclasses.replace(payload.header, **changes)
    return dataclasses.replace(doc, payload=dataclasses.replace(payload, header=header))


def _with_order_header(**changes: object) -> cxml.Document:
    doc = builders.order_request_new()
    payload = doc.payload
    assert isinstance(payload, cxml.OrderRequest)
    header = dataclasses.replace(payload.header, **changes)
    return dataclasses.replace(doc, payload=dataclasses.replace(payload, header=header))


def _with_from_credential_type(kind: str) -> cxml.Document:
    doc = builders.profile_request()
    assert doc.header is not None
    party = cxml.Party((cxml.Credential("DUNS", "077665544", type=kind),))
    return dataclasses.replace(doc, header=dataclasses.replace(doc.header, from_=party))


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(
            lambda: _with_invoice_purpose(cxml.InvoicePurpose.LINE_LEVEL_DEBIT_MEMO),
            id="lineLevelDebitMemo-at-InvoiceDetail-1.2.020",
        ),
        pytest.param(
            lambda: _with_cart_header(operation_allowed=cxml.PunchOutOperation.SOURCE),
            id="operationAllowed-source-in-a-PunchOutOrderMessage",
        ),
        pytest.param(
            lambda: _with_cart_header(quote_status="draft"),
            id="quoteStatus-outside-pending-final",
        ),
        pytest.param(
            lambda: _with_order_header(order_type="blanket"),
            id="orderType-blanket-at-1.2.014",
        ),
        pytest.param(
            lambda: _with_from_credential_type("network"),
            id="Credential-type-other-than-marketplace",
        ),
        pytest.param(
            lambda: _with_order_header(
                contacts=(cxml.Contact(name=cxml.Name("Ops desk"), role="end user"),)
            ),
            id="Contact-role-that-is-not-an-NMTOKEN",
        ),
    ],
)
def test_a_document_its_dtd_rejects_is_refused_with_500_never_emitted_invalid(
    dtd_catalog: cxml.DtdCatalog, build: Callable[[], cxml.Document]
) -> None:
    doc = build()
    try:
        data = cxml.serialize(doc)
    except cxml.CxmlError as error:
        refusal: cxml.CxmlError | None = error
    else:
        refusal = None
        result = dtd_catalog.validate(data)
        assert result.valid, (
            f"serialize() emitted a cXML {doc.version} document its DTD rejects instead of "
            "raising CxmlError(500):\n" + "\n".join(result.errors)
        )
    if refusal is not None:
        assert refusal.status_code == 500


def test_values_only_newer_dtds_allow_validate_at_those_versions(
    dtd_catalog: cxml.DtdCatalog,
) -> None:
    debit = _with_invoice_purpose(cxml.InvoicePurpose.LINE_LEVEL_DEBIT_MEMO)
    _assert_valid(dtd_catalog, cxml.serialize(debit, version="1.2.037"))
    blanket = _with_order_header(order_type="blanket")
    _assert_valid(dtd_catalog, cxml.serialize(blanket, version="1.2.020"))
