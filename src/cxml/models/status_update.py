"""``StatusUpdateRequest``: the later status of an earlier document."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from cxml.models.common import Extrinsic
from cxml.models.envelope import Envelope, Payload, Status

__all__ = ["StatusUpdateRequest"]


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusUpdateRequest(Payload):
    """``StatusUpdateRequest``: a status for the document whose payloadID is referenced.

    ``extrinsics`` exist from cXML 1.2.050 on; serializing them at an older version fails.
    """

    element: ClassVar[str] = "StatusUpdateRequest"
    envelope: ClassVar[Envelope] = Envelope.REQUEST

    status: Status
    document_reference: str | None = None
    extrinsics: tuple[Extrinsic, ...] = ()
