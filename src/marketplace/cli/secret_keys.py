"""``marketplace secrets``: what rotating the marketplace's secret key needs.

``secrets reseal`` seals every connection's shared secret again with the current secret key
(``MARKETPLACE_SECRET_KEY``), opening it with that key or one of
``MARKETPLACE_SECRET_KEY_PREVIOUS``; afterwards the previous keys are no longer needed to
open them. The README's deployment guide gives the whole rotation.
"""

from __future__ import annotations

import click

from marketplace.cli.context import open_store, state
from marketplace.cli.errors import MarketplaceGroup, fail
from marketplace.cli.output import emit_json
from marketplace.services.sealing import reseal_secrets
from marketplace.services.secret_box import FernetSecretBox

__all__ = ["secrets_group"]


@click.group("secrets", cls=MarketplaceGroup)
def secrets_group() -> None:
    """Secrets at rest: re-seal them after the secret key changed."""


@secrets_group.command("reseal")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def reseal(as_json: bool) -> None:
    """Seal every connection's shared secret again with the current secret key.

    Run it after setting a new MARKETPLACE_SECRET_KEY with the old one in
    MARKETPLACE_SECRET_KEY_PREVIOUS (on every process); then the old key may go. Safe to run
    again. Exits 1, naming the connections, when a secret opens with none of the keys (it is
    left as it was).

    \b
    Example:
      MARKETPLACE_SECRET_KEY=new MARKETPLACE_SECRET_KEY_PREVIOUS=old marketplace secrets reseal
    """
    settings = state().settings()
    box = FernetSecretBox(settings.secret_keys())
    with open_store(state().database_url()) as database:
        report = reseal_secrets(database.unit_of_work, box)
    unreadable = sorted({secret.connection_id for secret in report.unreadable})
    if as_json:
        emit_json({"resealed": report.resealed, "unreadable_connections": unreadable})
    else:
        click.echo(f"Re-sealed {report.resealed} connection secrets with the current secret key.")
    if unreadable:
        fail(
            f"{len(report.unreadable)} secrets of {', '.join(unreadable)} open with neither "
            "MARKETPLACE_SECRET_KEY nor MARKETPLACE_SECRET_KEY_PREVIOUS; they were left as "
            "they were (add the key they were sealed with to MARKETPLACE_SECRET_KEY_PREVIOUS)"
        )
