"""Reading cXML: element trees (from the hardened parser) into typed models, tolerantly.

Readers look children up by name, never by position, so a buyer that puts ``Contact`` before
``BrowserFormPost`` is still understood; what is required and missing ends in a CxmlError that
names the element.
"""
