"""The cXML the sandbox sends and reads, built with the ``cxml`` library: Coupa-shaped
PunchOutSetupRequests and OrderRequests out; carts (PunchOutOrderMessage), setup answers and
InvoiceDetailRequests in.

May import: ``cxml`` and ``sandbox.domain``. No HTTP, no SQL.
"""
