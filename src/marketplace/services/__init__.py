"""Use cases as functions: configure_procurement, start_punchout, request_approval,
receive_order, run_billing, deliver_due, ...

May import: ``marketplace.domain``, ``marketplace.config`` and ``cxml`` (to build
documents). Storage, mail and outbound HTTP are reached only through small Protocols
defined here, never by importing ``marketplace.storage``, ``web``, ``worker`` or ``cli``.
"""
