"""The ``marketplace`` command.

May import: ``marketplace.services``, ``marketplace.domain``, ``marketplace.storage``,
``marketplace.web`` (to serve it), ``marketplace.config`` and ``cxml``. Never ``sandbox``.
Settings come from ``MARKETPLACE_*`` variables; flags override them.

One module per command group: ``serve``, ``db``, ``orgs`` (``org`` and ``account``),
``keys`` (``key``), ``catalog``, ``procurement``, ``billing`` (``billing`` and ``seller``),
``worker``, ``secret_keys`` (``secrets``), and ``demo`` (its parts in ``demo_*``);
``errors`` turns every failure into one ``error: …`` line, ``output`` prints.
"""

from __future__ import annotations

import os

import click

# The modules, not their commands, are bound here: ``marketplace.cli.serve`` stays the module.
from marketplace.cli import (
    billing,
    catalog,
    db,
    demo,
    keys,
    orgs,
    procurement,
    secret_keys,
    serve,
    worker,
)
from marketplace.cli.context import CliState
from marketplace.cli.errors import MarketplaceGroup

__all__ = ["main"]


@click.group(cls=MarketplaceGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--database-url",
    metavar="URL",
    default=None,
    help="The database to use [default: MARKETPLACE_DATABASE_URL or sqlite:///./var/marketplace.db].",
)
@click.option(
    "--traceback",
    "show_traceback",
    is_flag=True,
    help="Show the full traceback of an unexpected error instead of one line.",
)
@click.version_option(package_name="procurement-marketplace")
@click.pass_context
def main(ctx: click.Context, database_url: str | None, show_traceback: bool) -> None:
    """Software marketplace with procurement system integration (Coupa, SAP Ariba).

    Settings come from MARKETPLACE_* environment variables (see the README); options
    override them.
    """
    environ = dict(os.environ)
    if database_url is not None:
        environ["MARKETPLACE_DATABASE_URL"] = database_url
    ctx.obj = CliState(environ)


for _command in (
    serve.serve,
    demo.demo,
    db.db,
    orgs.org,
    orgs.account,
    keys.key,
    catalog.catalog,
    procurement.procurement_group,
    billing.billing,
    billing.seller,
    worker.worker,
    secret_keys.secrets_group,
):
    main.add_command(_command)
