"""Outbox delivery: cXML invoices and confirmations over HTTP, e-mail over SMTP, retried
with back-off.

May import: ``marketplace.services``, ``marketplace.domain``, ``marketplace.storage``,
``marketplace.config`` and ``cxml``. Never ``web``, ``cli`` or ``sandbox``.
"""
