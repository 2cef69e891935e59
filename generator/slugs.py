"""Slugs: python-slugify over text-unidecode, named explicitly so URLs never drift."""

from __future__ import annotations

from slugify import slugify
from text_unidecode import unidecode


def slugify_name(name: str) -> str:
    """A URL segment for a name: transliterated, lower-case, hyphenated; '' when nothing is left."""
    return slugify(unidecode(name), max_length=80, word_boundary=True)
