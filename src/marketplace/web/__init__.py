"""The HTTP edge: ``create_app(settings)``, cXML endpoints, buyer and admin pages, the JSON
API, templates and static files (all local, no CDN). The only layer that knows HTTP status
codes.

May import: ``marketplace.services``, ``marketplace.domain``, ``marketplace.storage`` (to
wire repositories), ``marketplace.config`` and ``cxml``. Never ``sandbox``.
"""
