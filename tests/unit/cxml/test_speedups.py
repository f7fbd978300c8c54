"""The C-level tree copy (cxml.reading._speedups) answers what lxml's elements answer."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

import cxml
from cxml import parser

try:
    from cxml.reading._speedups import build
except ImportError:  # test_the_accelerator_is_built says what to do
    build = None  # type: ignore[assignment]

MIXED = """<?xml version="1.0" encoding="UTF-8"?>
<cXML payloadID="p1" timestamp="2026-03-05T08:00:00Z" xml:lang="de-DE"
      xmlns:x="urn:example:extra">
  <Comments xml:lang="fr">Livraison <Attachment><URL>cid:a</URL></Attachment> avant midi
    <![CDATA[<non> & balisé]]> fin</Comments>
  <x:Thing x:flag="oui" plain="é ü 中文">text<![CDATA[ and cdata]]> and more<Empty/>tail</x:Thing>
  <Description xml:lang="en"><ShortName>Short</ShortName>Long <b>bold</b> end</Description>
  <Empty></Empty>
  <Money currency="USD">  12.50  </Money>
</cXML>
""".encode()


def pairs(element: etree._Element) -> list[tuple[etree._Element, object]]:
    """Every lxml element of the tree beside its copy, in document order."""
    assert build is not None, "cxml.reading._speedups is not built"
    found: list[tuple[etree._Element, object]] = []

    def walk(original: etree._Element, node: object) -> None:
        found.append((original, node))
        for child, child_node in zip(original, node, strict=True):  # type: ignore[call-overload]
            walk(child, child_node)

    walk(element, build(element))
    return found


def documents(samples_dir: Path) -> list[bytes]:
    return [MIXED, *(path.read_bytes() for path in sorted(samples_dir.glob("*.xml")))]


def test_the_accelerator_is_built() -> None:
    # Without it parsing is correct but about a fifth slower (bench/cxml_codec.py misses its
    # target). `make venv` builds it with gcc; scripts/ensure-compiler.sh installs gcc.
    assert build is not None, "cxml.reading._speedups is not built: run `make venv` with gcc"


def test_every_node_answers_like_its_lxml_element(samples_dir: Path) -> None:
    for data in documents(samples_dir):
        root = parser.parse_xml(data).getroot()
        for original, node in pairs(root):
            assert node.tag == original.tag  # type: ignore[attr-defined]
            assert node.text == original.text  # type: ignore[attr-defined]
            assert node.tail == original.tail  # type: ignore[attr-defined]
            assert len(node) == len(original)  # type: ignore[arg-type]
            assert [c.tag for c in node.getchildren()] == [c.tag for c in original]  # type: ignore[attr-defined]
            assert list(node.itertext()) == list(original.itertext())  # type: ignore[attr-defined]
            assert dict(node.attrib or {}) == dict(original.attrib)  # type: ignore[attr-defined]
            for name, value in original.attrib.items():
                assert node.get(name) == value  # type: ignore[attr-defined]
            assert node.get("absent") is None  # type: ignore[attr-defined]
            assert node.get("absent", "default") == "default"  # type: ignore[attr-defined]
            assert node.element() == original  # type: ignore[attr-defined]


def test_a_missing_element_is_named_by_its_path_in_both_readers(reader: str) -> None:
    data = b"""<cXML payloadID="p" timestamp="2026-03-05T08:00:00Z"><Header>
      <From><Credential domain="DUNS"><Identity>a</Identity></Credential></From>
      <To><Credential domain="DUNS"><Identity>b</Identity></Credential></To>
      <Sender><Credential domain="DUNS"></Credential></Sender></Header>
      <Request><ProfileRequest/></Request></cXML>"""
    with pytest.raises(cxml.CxmlError) as raised:
        cxml.parse(data)
    assert raised.value.status_code == 406
    assert "Credential lacks the required Identity element" in raised.value.message
    assert raised.value.path == "/cXML/Header/Sender/Credential"
