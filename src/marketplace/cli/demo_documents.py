"""What ``marketplace demo`` shows of a cXML document: who sent it to whom, and its key
lines, every shared secret removed."""

from __future__ import annotations

import re

import cxml
from cxml import CxmlError
from cxml.models.envelope import Party

__all__ = ["KEY_ELEMENTS", "key_lines", "without_secrets"]

KEY_ELEMENTS = frozenset(
    {
        "Status",
        "Request",
        "PunchOutSetupRequest",
        "BuyerCookie",
        "Extrinsic",
        "URL",
        "PunchOutOrderMessageHeader",
        "OrderRequestHeader",
        "ItemIn",
        "ItemOut",
        "SupplierPartID",
        "SupplierPartAuxiliaryID",
        "Classification",
        "InvoiceDetailRequestHeader",
        "OrderReference",
        "InvoiceDetailItem",
        "Total",
        "UnitPrice",
        "SubtotalAmount",
        "DueAmount",
    }
)
"""The elements whose lines the demo prints (the pretty-printed documents hold one element
a line); everything else is on the sandbox's pages and in ``--documents``."""

_SECRET = re.compile(r"<SharedSecret>.*?</SharedSecret>", re.DOTALL)
_TAG = re.compile(r"^\s*<([A-Za-z][\w.-]*)")


def without_secrets(text: str) -> str:
    """``text`` with the content of every ``SharedSecret`` element removed."""
    return _SECRET.sub("<SharedSecret>(removed)</SharedSecret>", text)


def key_lines(document: str | bytes, *, limit: int = 12) -> list[str]:
    """A summary line (From → To, Sender, deployment mode) and the document's key lines."""
    text = document.decode("utf-8") if isinstance(document, bytes) else document
    text = without_secrets(text)
    lines = [_summary(text)]
    all_lines = [line.strip() for line in text.splitlines()]
    picked = []
    for index, line in enumerate(all_lines):
        if _element(line) not in KEY_ELEMENTS:
            continue
        following = all_lines[index + 1] if index + 1 < len(all_lines) else ""
        element = _element(line)
        if _element(following) == "Money" and not line.endswith("/>") and "</" not in line:
            line = f"{line}{following}</{element}>"  # <Total><Money …>348.00</Money></Total>
        picked.append(line)
    lines += picked[:limit]
    if len(picked) > limit:
        lines.append(f"… ({len(picked) - limit} more key lines)")
    return [line for line in lines if line]


def _element(line: str) -> str | None:
    found = _TAG.match(line)
    return found.group(1) if found else None


def _summary(text: str) -> str:
    try:
        parsed = cxml.parse(text.encode("utf-8"))
    except CxmlError as exc:
        return f"(not readable as cXML: {exc.message})"
    kind = type(parsed.payload).__name__ if parsed.payload is not None else "Response"
    header = parsed.header
    if header is None:
        return f"{kind}, payloadID {parsed.payload_id}"
    sender = header.sender.credential
    return (
        f"{kind}: From {_party(header.from_)} To {_party(header.to)}, Sender "
        f"{sender.domain}/{sender.identity} ({header.user_agent}), "
        f"deploymentMode={'test' if parsed.is_test else 'production'}"
    )


def _party(party: Party) -> str:
    credential = party.credential
    return f"{credential.domain}/{credential.identity}"
