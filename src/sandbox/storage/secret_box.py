"""Shared secrets encrypted at rest (Fernet, keyed from ``SANDBOX_SECRET_KEY``).

The sandbox must send the suppliers' secrets, so it keeps them recoverable, never in clear.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken

__all__ = ["SecretBox"]


class SecretBox:
    """Seals and opens secrets with a key derived from the sandbox's secret key."""

    def __init__(self, key: str) -> None:
        digest = hashlib.sha256(("sandbox-secret-box:" + key).encode("utf-8")).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))

    def __repr__(self) -> str:
        return "SecretBox(**********)"

    def seal(self, secret: str) -> str:
        """The encrypted secret (empty stays empty)."""
        return self._fernet.encrypt(secret.encode("utf-8")).decode("ascii") if secret else ""

    def open(self, sealed: str) -> str:
        """The secret; ValueError when it was sealed with another key."""
        if not sealed:
            return ""
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode("utf-8")
        except InvalidToken as exc:
            raise ValueError("a secret was sealed with another SANDBOX_SECRET_KEY") from exc
