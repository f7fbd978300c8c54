"""Pure marketplace logic: accounts and policies, catalog, offers and pricing, procurement
configuration and connections, punchout sessions, agreements, billing schedules, errors.

May import: the standard library and other ``marketplace.domain`` modules only. No HTTP, no
SQL, no XML (so no ``cxml``), no framework.
"""
