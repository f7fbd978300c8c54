"""Outbox delivery: cXML invoices and confirmations over HTTP, e-mail over SMTP, retried
with back-off. ``runner`` is the worker's loop, ``senders`` how messages leave, and
``processes`` runs workers until a signal, in one process or as several child processes.

May import: ``marketplace.services``, ``marketplace.domain``, ``marketplace.storage``,
``marketplace.config`` and ``cxml``. Never ``web``, ``cli`` or ``sandbox``.
"""
