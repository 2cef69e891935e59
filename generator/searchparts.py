"""The search index in parts: the bundle a build keeps, the documents of each part, and how the
parts' bundles make one index (search.js merges them as `PARTS_FILE` lists them)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from .urls import PAGEFIND

PARTS_FILE = "factsheet-parts.json"   # beside pagefind.js: the folders of the other parts, for search.js


@dataclass(frozen=True, slots=True)
class SearchIndex:
    """A Pagefind bundle in parts, and the digest of the documents of each, so that unchanged parts are not indexed again."""

    key: str                     # digest of every part's key; '' when nothing was indexed
    files: Mapping[str, bytes]   # output path -> bytes: every part's bundle and PARTS_FILE (a plain dict, so it pickles)
    parts: Mapping[str, Mapping[str, bytes]] = field(default_factory=dict)   # part key -> its own files


NO_INDEX = SearchIndex("", {})


@dataclass(frozen=True, slots=True)
class Part:
    """The documents one run of Pagefind indexes into one folder of the bundle."""

    key: str
    folder: str                   # output folder of its bundle: `pagefind/`, `pagefind/part-1/`, ...
    documents: dict[str, bytes]


def combine_parts(parts: list[Part], made: dict[str, dict[str, bytes]]) -> SearchIndex:
    """The index of these parts, from each part's bundle files (by part key), with PARTS_FILE listing the others."""
    files = {path: data for part in parts for path, data in made[part.key].items()}
    others = [part.folder[len(PAGEFIND):] for part in parts[1:]]
    files[PAGEFIND + PARTS_FILE] = (json.dumps({"parts": others}) + "\n").encode()
    return SearchIndex(parts_digest(part.key for part in parts), files, {part.key: made[part.key] for part in parts})


def parts_digest(chunks: Iterable[str | bytes]) -> str:
    """One digest of these keys or bytes, in order."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk if isinstance(chunk, bytes) else chunk.encode())
    return digest.hexdigest()
