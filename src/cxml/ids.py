"""payloadID generation: ``<milliseconds>.<process>.<random>@<host>`` as the cXML guide advises."""

from __future__ import annotations

import os
import secrets
import time

__all__ = ["new_payload_id"]


def new_payload_id(host: str = "cxml.invalid") -> str:
    """A new, unique payloadID; ``host`` should be the sender's own domain."""
    return f"{int(time.time() * 1000)}.{os.getpid()}.{secrets.token_hex(8)}@{host}"
