"""The sandbox's pure rules and values: suppliers and their cXML settings, the built-in users
and approval limits, requisitions and their approval chains, purchase orders, and how
invoices match PO lines.

May import: the standard library only (no cxml, no SQL, no HTTP), so that every rule can be
tested exhaustively without I/O.
"""
