"""DTD validation against local copies of the official cXML DTDs; never the network.

The DTDs are not shipped with the library: point a :class:`DtdCatalog` at a folder laid out as
``<version>/<file>.dtd`` (the layout of ``http://xml.cxml.org/schemas/cXML/``). A document is
validated against the DTD its payload needs at its own version; when that exact version is not
in the folder, the nearest newer version of the same file is used, and the result says so.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from cxml.errors import CxmlError
from cxml.parser import DEFAULT_MAX_BYTES, doctype_of, parse_xml

__all__ = ["DtdCatalog", "ValidationResult"]

_PAYLOAD_FILES = {
    "ConfirmationRequest": "Fulfill.dtd",
    "ShipNoticeRequest": "Fulfill.dtd",
    "InvoiceDetailRequest": "InvoiceDetail.dtd",
}


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """What a validation found: the DTD used and the errors (empty when valid)."""

    version: str
    dtd_file: str
    dtd_path: Path
    errors: tuple[str, ...]

    @property
    def valid(self) -> bool:
        """True when the document validates."""
        return not self.errors

    @property
    def exact(self) -> bool:
        """True when the DTD of the document's own version was used."""
        return self.dtd_path.parent.name == self.version


class DtdCatalog:
    """A folder of official cXML DTDs, ``<root>/<version>/<file>.dtd``, loaded once each."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            raise CxmlError(f"no cXML DTD folder at {self.root}", 500)
        self._loaded: dict[Path, etree.DTD] = {}
        self._lock = threading.Lock()

    def versions(self, dtd_file: str) -> list[str]:
        """The versions that hold ``dtd_file``, oldest first."""
        found = [p.parent.name for p in self.root.glob(f"*/{dtd_file}")]
        return sorted(found, key=_version_key)

    def path_for(self, version: str, dtd_file: str) -> Path:
        """The DTD file for ``version``, or the nearest newer one; CxmlError when none fits."""
        exact = self.root / version / dtd_file
        if exact.is_file():
            return exact
        newer = [v for v in self.versions(dtd_file) if _version_key(v) >= _version_key(version)]
        if not newer:
            raise CxmlError(f"no local {dtd_file} for cXML {version} or newer in {self.root}", 450)
        return self.root / newer[0] / dtd_file

    def validate(self, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ValidationResult:
        """Validate serialized cXML against the DTD its DOCTYPE (or payload) calls for."""
        tree = parse_xml(data, max_bytes=max_bytes)
        version, dtd_file = doctype_of(tree) or (tree.getroot().get("version", ""), "")
        dtd_file = dtd_file or _dtd_file_of(tree.getroot())
        if not version:
            raise CxmlError("the document names no cXML version to validate against", 406)
        path = self.path_for(version, dtd_file)
        dtd = self._dtd(path)
        with self._lock:  # an etree.DTD keeps its error log on the object
            valid = dtd.validate(tree)
            errors = () if valid else tuple(f"line {e.line}: {e.message}" for e in dtd.error_log)
        return ValidationResult(version, dtd_file, path, errors)

    def check(self, data: bytes) -> None:
        """Validate and raise CxmlError(406) listing the first errors when invalid."""
        result = self.validate(data)
        if not result.valid:
            shown = "; ".join(result.errors[:5])
            raise CxmlError(f"not valid against {result.dtd_path}: {shown}", 406)

    def _dtd(self, path: Path) -> etree.DTD:
        with self._lock:
            dtd = self._loaded.get(path)
            if dtd is None:
                dtd = etree.DTD(str(path))
                self._loaded[path] = dtd
            return dtd


def _dtd_file_of(root: etree._Element) -> str:
    for body in root:
        if body.tag in ("Request", "Message", "Response"):
            for payload in body:
                if isinstance(payload.tag, str) and payload.tag in _PAYLOAD_FILES:
                    return _PAYLOAD_FILES[payload.tag]
    return "cXML.dtd"


def _version_key(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        return (0,)
