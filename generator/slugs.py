"""Slugs: python-slugify over text-unidecode, named explicitly so URLs never drift."""

from __future__ import annotations

from functools import lru_cache

from slugify import slugify
from text_unidecode import unidecode


@lru_cache(maxsize=1 << 16)   # a pure function; names recur in every rebuild of `serve`
def slugify_name(name: str) -> str:
    """A URL segment for a name: transliterated, lower-case, hyphenated; '' when nothing is left."""
    return slugify(unidecode(name), max_length=80, word_boundary=True)
