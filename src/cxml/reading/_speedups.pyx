# cython: language_level=3, boundscheck=False, wraparound=False
"""A C-level copy of a parsed tree, for the readers: optional, built when a compiler is there.

Reading a 25-line order from lxml elements costs about 1.5 times the parse itself: every
``.tag``, ``.text`` and ``.get()`` on an lxml element crosses into libxml2 and builds a fresh
Python string. :func:`build` walks the libxml2 tree once, in C, and returns :class:`Node`
objects that hold the same values as plain attributes. A Node answers exactly the part of the
lxml element API the readers use (``tag``, ``text``, ``tail``, ``get``, ``getchildren``,
``itertext``, ``len``, iteration and indexing), so the readers are one implementation that
reads either; ``cxml.parser`` falls back to the lxml elements when this module is not built.

Only element children are kept: the hardened parser drops comments and processing
instructions, and refuses entity references before anything is read. A copy points into the
libxml2 tree it was made from (for :meth:`Node.element`) and keeps that document alive; the
tree must not be changed while its copy is in use (the parser's trees never are).
"""

cimport cython
cimport lxml.includes.etreepublic as cetree
from cpython.unicode cimport PyUnicode_AsUTF8, PyUnicode_DecodeUTF8
from libc.string cimport strcmp, strlen
from sys import intern
from lxml.includes cimport tree
from lxml.includes.etreepublic cimport _Element

cetree.import_lxml__etree()

# Tag and attribute names repeat: each is decoded once and kept in a small table, keyed by a
# hash of its bytes and checked by comparing them, so a name is never confused with another.
cdef enum:
    NAME_SLOTS = 512

cdef list _names = [None] * NAME_SLOTS
cdef const char* _name_bytes[NAME_SLOTS]
cdef tuple _NO_CHILDREN = ()
# xml:lang is the one namespaced attribute cXML uses, on every Description and Name.
cdef const char* _XML_NAMESPACE = b"http://www.w3.org/XML/1998/namespace"
cdef str _XML_LANG = intern("{http://www.w3.org/XML/1998/namespace}lang")


cdef inline object _name(const char* c_name):
    cdef unsigned int h = 2166136261u  # FNV-1a
    cdef const unsigned char* p = <const unsigned char*>c_name
    while p[0]:
        h = (h ^ p[0]) * 16777619u
        p += 1
    h &= NAME_SLOTS - 1
    cdef const char* known = _name_bytes[h]
    if known is not NULL and strcmp(known, c_name) == 0:
        return _names[h]
    # Interned like the readers' literals, so comparing a tag with one is an identity check.
    value = intern(_decode(<const char*>c_name))
    _name_bytes[h] = NULL
    _names[h] = value
    _name_bytes[h] = PyUnicode_AsUTF8(value)
    return value


cdef inline object _decode(const char* c_text):
    return PyUnicode_DecodeUTF8(c_text, strlen(c_text), "strict")


cdef inline bint _is_text(tree.xmlNode* c_node):
    return c_node is not NULL and (
        c_node.type == tree.XML_TEXT_NODE or c_node.type == tree.XML_CDATA_SECTION_NODE
    )


cdef inline object _text(tree.xmlNode* c_node):
    """lxml's ``element.text``: one text node decoded at once, several joined by lxml."""
    cdef tree.xmlNode* c_text = c_node.children
    if not _is_text(c_text):
        return None
    if not _is_text(c_text.next):
        return _decode(<const char*>c_text.content)
    return cetree.textOf(c_node)


cdef inline object _tail(tree.xmlNode* c_node):
    """lxml's ``element.tail``."""
    if not _is_text(c_node.next):
        return None
    return cetree.tailOf(c_node)


@cython.final
@cython.no_gc
@cython.freelist(1024)
cdef class Node:
    """One element of a parsed document, as the readers see it."""

    cdef readonly object tag
    cdef readonly object text
    cdef readonly object tail
    cdef readonly object attrib
    cdef object _children
    cdef tree.xmlNode* _c_node
    cdef _Element _root  # keeps the libxml2 document alive for element()

    def get(self, key, default=None):
        if self.attrib is None:
            return default
        return (<dict>self.attrib).get(key, default)

    def getchildren(self):
        # The list itself (or an empty tuple), as lxml's own getchildren returns a fresh one:
        # readers only iterate it.
        return self._children

    def __len__(self):
        return len(self._children)

    def __iter__(self):
        return iter(self._children)

    def __getitem__(self, index):
        return self._children[index]

    def itertext(self):
        if self.text is not None:
            yield self.text
        for child in self._children:
            yield from (<Node>child).itertext()
            if (<Node>child).tail is not None:
                yield (<Node>child).tail

    def element(self):
        """The lxml element this node copies (for error messages that give its path)."""
        return cetree.elementFactory(self._root._doc, self._c_node)

    def __repr__(self):
        return f"<Node {self.tag}>"


cdef Node _build(tree.xmlNode* c_node, _Element root):
    cdef Node node = Node.__new__(Node)
    cdef tree.xmlNode* c_child
    cdef tree.xmlAttr* c_attr
    cdef tree.xmlNode* c_value
    cdef dict attrib
    cdef list kids = None
    if c_node.ns is NULL:
        node.tag = _name(<const char*>c_node.name)
    else:
        node.tag = cetree.namespacedName(c_node)
    node.text = _text(c_node)
    node.tail = _tail(c_node)
    node._c_node = c_node
    node._root = root
    c_attr = c_node.properties
    if c_attr is not NULL:
        attrib = {}
        while c_attr is not NULL:
            if c_attr.ns is NULL:
                name = _name(<const char*>c_attr.name)
            elif (
                strcmp(<const char*>c_attr.name, b"lang") == 0
                and strcmp(<const char*>c_attr.ns.href, _XML_NAMESPACE) == 0
            ):
                name = _XML_LANG
            else:
                name = cetree.namespacedNameFromNsName(c_attr.ns.href, c_attr.name)
            c_value = c_attr.children
            if c_value is not NULL and c_value.next is NULL and c_value.type == tree.XML_TEXT_NODE:
                attrib[name] = _decode(<const char*>c_value.content)
            else:
                attrib[name] = cetree.attributeValue(c_node, c_attr)
            c_attr = c_attr.next
        node.attrib = attrib
    c_child = c_node.children
    while c_child is not NULL:
        if c_child.type == tree.XML_ELEMENT_NODE:
            if kids is None:
                kids = []
            kids.append(_build(c_child, root))
        c_child = c_child.next
    node._children = _NO_CHILDREN if kids is None else kids
    return node


def build(_Element element not None):
    """The :class:`Node` copy of ``element`` and everything inside it."""
    return _build(element._c_node, element)
