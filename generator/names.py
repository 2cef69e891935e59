"""Name matching: canonical names and aliases folded for case, width and white space."""

from __future__ import annotations

import difflib
from functools import lru_cache
import re

from .markdown import fold_text

MIN_TYPO_LENGTH = 5
fold_name = lru_cache(maxsize=1 << 16)(fold_text)   # names are folded again and again, in every rebuild
_DIGITS = re.compile(r"\d+")


class NameIndex:
    """Folded name -> entity id, with the place each name was first claimed."""

    def __init__(self) -> None:
        self._ids: dict[str, str] = {}
        self._origins: dict[str, str] = {}
        self._spellings: dict[str, str] = {}
        self._deletions: dict[str, set[str]] | None = None
        self._indexed = 0

    def lookup(self, name: str) -> str | None:
        """The entity id a name resolves to, or None."""
        return self._ids.get(fold_name(name))

    def claim(self, name: str, entity_id: str, origin: str) -> str | None:
        """Give `name` to an entity; returns the other entity's origin when it is taken."""
        key = fold_name(name)
        owner = self._ids.get(key)
        if owner is not None and owner != entity_id:
            return self._origins[key]
        if owner is None:
            self._ids[key], self._origins[key], self._spellings[key] = entity_id, origin, name
        return None

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """Known names closest to `name`, as they were written."""
        keys = difflib.get_close_matches(fold_name(name), self._ids, n=limit, cutoff=0.6)
        return [self._spellings[key] for key in keys]

    def lookalike(self, name: str, accept) -> str | None:
        """Another entity's name one typing slip away from `name` (a letter left out, added,
        changed or two swapped), found through shared one-letter deletions in linear time.

        `accept(entity_id)` limits the candidates (to one kind). Names that differ only in
        digits ("Phase 1", "Phase 2"), short names and a name inside another are not typos.
        """
        key = fold_name(name)
        own = self._ids.get(key)
        if len(key) < MIN_TYPO_LENGTH:
            return None
        index = self._deletion_index()
        matches = {match for variant in _deletions(key) for match in index.get(variant, ())}
        matches.discard(key)
        shape = _shape(key)
        typos = [match for match in matches
                 if self._ids[match] != own and match not in key and key not in match
                 and _shape(match) != shape and accept(self._ids[match])]
        return self._spellings[min(typos)] if typos else None

    def _deletion_index(self) -> dict[str, set[str]]:
        """Each one-letter deletion (and the name itself) -> the names that produce it."""
        if self._deletions is None or self._indexed != len(self._ids):
            self._deletions, self._indexed = {}, len(self._ids)
            for key in self._ids:
                for variant in _deletions(key):
                    self._deletions.setdefault(variant, set()).add(key)
        return self._deletions


@lru_cache(maxsize=1 << 16)
def _shape(key: str) -> str:
    """A name with its numbers blanked: names of one shape differ only in digits."""
    return _DIGITS.sub("#", key)


def _deletions(key: str) -> set[str]:
    return {key, *(key[:i] + key[i + 1:] for i in range(len(key)))}


def did_you_mean(index: NameIndex, name: str) -> str:
    """A ` (did you mean ...?)` hint, or '' when nothing is close."""
    options = index.suggest(name)
    return f" (did you mean {' or '.join(repr(o) for o in options)}?)" if options else ""
