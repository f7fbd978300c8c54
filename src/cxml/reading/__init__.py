"""Reading cXML: element trees (from the hardened parser) into typed models, tolerantly.

Readers look children up by name, never by position, so a buyer that puts ``Contact`` before
``BrowserFormPost`` is still understood; what is required and missing ends in a CxmlError that
names the element.

The readers read either lxml's elements or, when the optional ``_speedups`` extension is
built, the plain copy of the tree it makes in one C-level pass (``cxml.parser`` chooses); they
only use what both answer: ``tag``, ``text``, ``tail``, ``get``, ``getchildren``,
``itertext``, ``len``, iteration and indexing.
"""
