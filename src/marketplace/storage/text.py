"""Search text, tokenized once in Python so that every backend indexes the very same words.

SQLite's FTS5 tokenizers and PostgreSQL's text-search parser disagree on hyphens, dots,
e-mail addresses, versions and stemming, so neither is trusted with raw text. Here a text
becomes a list of *terms*: Unicode-folded, accents removed, split on anything that is not a
letter or digit, and lightly stemmed (plural endings only: S-stemmer, Harman 1991). SQLite
indexes the terms joined by spaces (FTS5's ``ascii`` tokenizer splits exactly there) and
PostgreSQL receives a ready ``tsvector`` literal, so both hold identical terms and a query
finds the same products on both.

A query is its terms, all required, the last one matched as a prefix (the word being typed).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["MAX_QUERY_TERMS", "QueryTerms", "parse_query", "terms", "tsvector_literal"]

MAX_QUERY_TERMS = 12
_MAX_TERM_LENGTH = 60
_MIN_PREFIX_LENGTH = 2  # "a*" would match a third of the vocabulary
_WORD = re.compile(r"[^\W_]+")
_STOP_WORDS = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is",
        "it", "of", "on", "or", "the", "to", "with", "your",
    }
)  # fmt: skip


def terms(text: str) -> list[str]:
    """The search terms of ``text``, in order."""
    folded = text.casefold()
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = _WORD.findall(folded)
    if max(map(len, words), default=0) > _MAX_TERM_LENGTH:
        words = [word for word in words if len(word) <= _MAX_TERM_LENGTH]
    if len(_STEMS) > _STEM_CACHE_SIZE:
        _STEMS.clear()
    return list(map(_STEMS.__getitem__, words))


class _StemCache(dict[str, str]):
    """Stems by word, computed on first sight (a dict lookup is the fastest cache)."""

    def __missing__(self, word: str) -> str:
        stem = self[word] = _stem(word)
        return stem


_STEM_CACHE_SIZE = 200_000
_STEMS = _StemCache()


def _stem(word: str) -> str:
    """Drop a plural ending (``policies`` → ``policy``, ``databases`` → ``database``)."""
    if len(word) < 4 or not word.endswith("s") or word.isdigit():
        return word
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]
    if word.endswith(("us", "ss")):
        return word
    return word[:-1]


@dataclass(frozen=True, slots=True)
class QueryTerms:
    """What a query asks for: every term, the last one possibly as a prefix."""

    exact: tuple[str, ...]
    prefix: str | None

    @property
    def empty(self) -> bool:
        """True when the text held no searchable word."""
        return not self.exact and self.prefix is None


def parse_query(text: str) -> QueryTerms:
    """Split a typed query into required terms; the last word is a prefix unless followed by
    a space. Common words (``the``, ``for`` …) are dropped unless nothing else is left."""
    words = terms(text)
    kept = [word for word in words if word not in _STOP_WORDS] or words
    kept = list(dict.fromkeys(kept))[:MAX_QUERY_TERMS]
    if not kept:
        return QueryTerms((), None)
    typing = not text[-1:].isspace() and words[-1] == kept[-1]
    if typing and len(kept[-1]) >= _MIN_PREFIX_LENGTH and not kept[-1].isdigit():
        return QueryTerms(tuple(kept[:-1]), kept[-1])
    return QueryTerms(tuple(kept), None)


def tsvector_literal(*fields: Iterable[str]) -> str:
    """A PostgreSQL ``tsvector`` literal of every term of ``fields``, without positions
    (``'data' 'vault'``): searches only ask whether a term is there."""
    return " ".join(f"'{_quote(term)}'" for term in sorted({t for f in fields for t in f}))


def _quote(term: str) -> str:
    # Terms hold only letters and digits; quoting keeps the literal safe whatever they are.
    return term.replace("\\", "\\\\").replace("'", "''")
