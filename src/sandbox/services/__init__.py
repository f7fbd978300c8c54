"""The sandbox's use cases: set up suppliers, punch out, turn carts into requisitions,
approve them, issue and transmit purchase orders, change and cancel them, and receive
invoices. Each takes a :class:`~sandbox.services.context.Sandbox` (database, secret box,
cXML transport, DTD catalog, settings) and the time.

May import: ``sandbox.domain``, ``sandbox.documents``, ``sandbox.storage``, ``cxml``, httpx.
"""
