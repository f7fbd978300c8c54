"""The software marketplace that sells through its buyers' procurement systems.

Subpackages, and what each may import (checked by import-linter in ``make check``):

- ``domain``: pure rules, standard library only.
- ``services``: use cases; imports ``domain`` and ``cxml``, reaches storage, mail and
  HTTP only through Protocols.
- ``storage``: the database; implements the service Protocols.
- ``web``, ``worker``, ``cli``: entry points; import ``services``, ``domain``, ``config``
  and ``cxml``.

``config`` holds the one frozen ``Settings``. Nothing here imports ``sandbox``.
"""
