"""The buyer sandbox: a small Coupa-like procurement system (requisitions, approvals, PO
transmission, invoice inbox) that speaks cXML to the marketplace over HTTP.

May import: ``cxml`` and third-party libraries only. It talks to the marketplace over
HTTP, exactly as a real buyer would, so it never imports ``marketplace``.
"""
