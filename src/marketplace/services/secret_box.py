"""Secrets at rest: connection shared secrets are sealed with Fernet (AES-128-CBC + HMAC-SHA256).

The Fernet key is derived from the marketplace's secret key with HKDF-SHA256, so there is no
second key to keep. Several secret keys may be given (the current one first, then older
ones): sealing uses the first, opening tries each, so the secret key can be rotated without
losing stored secrets (re-seal them with :meth:`FernetSecretBox.reseal` at leisure).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["FernetSecretBox"]

_SALT = b"marketplace.secret-box.v1"
_INFO = b"connection shared secrets"


def _fernet(secret_key: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=_INFO).derive(
        secret_key.encode("utf-8")
    )
    return Fernet(base64.urlsafe_b64encode(derived))


class FernetSecretBox:
    """A ``services.ports.SecretBox`` keyed by the marketplace's secret key(s)."""

    def __init__(self, secret_keys: Sequence[str]) -> None:
        keys = [key for key in secret_keys if key]
        if not keys:
            raise ValueError("a secret box needs at least one secret key")
        self._fernet = MultiFernet([_fernet(key) for key in keys])

    def seal(self, plaintext: str) -> str:
        """The sealed form of ``plaintext`` (ASCII, different every time)."""
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def open(self, sealed: str) -> str:
        """The plaintext of a sealed value; ``ValueError`` if it was not sealed by our keys."""
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError) as exc:
            raise ValueError("the sealed secret cannot be opened with these keys") from exc

    def reseal(self, sealed: str) -> str:
        """The same secret sealed with the current key."""
        try:
            return self._fernet.rotate(sealed.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeError) as exc:
            raise ValueError("the sealed secret cannot be opened with these keys") from exc

    def __repr__(self) -> str:
        return "FernetSecretBox(**********)"
