"""Fast construction of frozen model instances on the read path.

A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``, which costs
about a quarter of a microsecond per field; a 25-line order builds several hundred values.
Readers instead call a constructor generated here that fills the slots through their member
descriptors. The instances are the same frozen dataclasses (equality, hashing, repr and
immutability unchanged); every field is passed positionally, in declaration order, so none can
be left unset.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def constructor(cls: type[T]) -> Callable[..., T]:
    """A function ``(field1, field2, …) -> cls`` that bypasses the dataclass ``__init__``."""
    names = [field.name for field in dataclasses.fields(cls)]  # type: ignore[arg-type]
    scope: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    lines = [f"def make({', '.join(names)}):", "    self = _new(_cls)"]
    for index, name in enumerate(names):
        scope[f"_set{index}"] = cls.__dict__[name].__set__
        lines.append(f"    _set{index}(self, {name})")
    lines.append("    return self")
    exec("\n".join(lines), scope)
    make: Callable[..., T] = scope["make"]
    make.__name__ = f"make_{cls.__name__}"
    return make


K = TypeVar("K")
V = TypeVar("V")
CACHE_LIMIT = 4096


MAX_KEY_CHARS = 1024


def remember(cache: dict[K, V], key: K, value: V) -> V:
    """Store ``value`` under ``key`` in a bounded cache (emptied when full) and return it.

    Keys holding long text are not stored: the caches are for short values that repeat
    (amounts, codes, names), and 4,096 entries of megabyte descriptions would pin gigabytes.
    """
    if _chars(key) > MAX_KEY_CHARS:
        return value
    if len(cache) >= CACHE_LIMIT:
        cache.clear()
    cache[key] = value
    return value


def _chars(key: object) -> int:
    if isinstance(key, (str, bytes)):
        return len(key)
    size = 0
    if isinstance(key, tuple):
        for part in key:
            size += _chars(part) if part else 0
    return size
