"""Re-sealing the connections' shared secrets after the marketplace's secret key changed.

Rotating the secret key (``MARKETPLACE_SECRET_KEY``, the old one kept in
``MARKETPLACE_SECRET_KEY_PREVIOUS``) leaves the stored secrets sealed with the old key: they
still open, because the box tries every key. :func:`reseal_secrets` seals each again with the
current key, so that the old key can be dropped afterwards. ``marketplace secrets reseal``
runs it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from marketplace.domain.procurement import ConnectionSecret
from marketplace.services.ports import SecretResealer, UnitOfWorkFactory

__all__ = ["ResealReport", "reseal_secrets"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ResealReport:
    """How many secrets were sealed again, and those no key opens (left as they were)."""

    resealed: int
    unreadable: tuple[ConnectionSecret, ...] = ()


def reseal_secrets(units: UnitOfWorkFactory, box: SecretResealer) -> ResealReport:
    """Seal every connection secret (current and expired ones) again with ``box``'s current
    key, in one transaction. A secret that none of the box's keys opens is left untouched
    and reported: it was sealed with a key the box was not given."""
    resealed = 0
    unreadable: list[ConnectionSecret] = []
    with units() as uow:
        for secret in uow.procurement.list_all_secrets():
            try:
                sealed = box.reseal(secret.sealed)
            except ValueError:
                unreadable.append(secret)
                continue
            uow.procurement.replace_sealed(secret.id, sealed)
            resealed += 1
        uow.commit()
    _log.info(
        "re-sealed %d connection secrets with the current key; %d could not be opened",
        resealed,
        len(unreadable),
    )
    return ResealReport(resealed, tuple(unreadable))
