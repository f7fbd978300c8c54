"""Writing cXML: typed models into element trees, in the element order of the official DTDs.

Writers emit only what the DTD of the chosen version declares, and refuse (CxmlError 500)
documents that could not be valid: a missing required part, a naive date-time, a shared
secret in a message that travels through the browser.
"""
