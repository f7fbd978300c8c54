"""The sandbox's web application: server-rendered pages in Coupa's vocabulary, the cXML
invoice inbox, and a small JSON API for tests and ``marketplace demo``.

May import: ``sandbox.services``, ``sandbox.domain``, ``sandbox.config``, ``cxml``, FastAPI
and Jinja2. Never ``marketplace``.
"""
