"""cxml: typed cXML documents for Python, parsed safely and serialized valid against the DTDs.

A standalone library. It imports only the standard library and lxml, and nothing from the
marketplace or the sandbox. No web framework, no database.

    import cxml
    doc = cxml.parse(body)                     # any cXML 1.2.x the buyer sends
    reply = cxml.serialize(cxml.response())    # Response/Status 200, DOCTYPE on line 2

Failures are :class:`CxmlError`, carrying the cXML status code to answer with.
"""

from cxml.codes import STATUS_TEXTS, is_success, is_transient, status_text
from cxml.credentials import secret_matches
from cxml.dtd import DtdCatalog, ValidationResult
from cxml.errors import CxmlError
from cxml.formpost import CartField, decode_form, encode_form, field_value, parse_form
from cxml.ids import new_payload_id
from cxml.models import *  # noqa: F403
from cxml.models import __all__ as _models
from cxml.parser import DEFAULT_MAX_BYTES, MAX_DEPTH, parse
from cxml.responses import error_response, response, status_response
from cxml.serializer import doctype_url, serialize
from cxml.timestamps import now, parse_datetime

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_DEPTH",
    "STATUS_TEXTS",
    "CartField",
    "CxmlError",
    "DtdCatalog",
    "ValidationResult",
    "decode_form",
    "doctype_url",
    "encode_form",
    "error_response",
    "field_value",
    "is_success",
    "is_transient",
    "new_payload_id",
    "now",
    "parse",
    "parse_datetime",
    "parse_form",
    "response",
    "secret_matches",
    "serialize",
    "status_response",
    "status_text",
]
__all__ += _models
