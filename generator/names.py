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
        self._deletions: _Slips | None = None
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
        if len(key) < MIN_TYPO_LENGTH:
            return None
        for match in self._slips().near(key):
            if accept(self._ids[match]):
                return self._spellings[match]
        return None

    def forget_index(self) -> None:
        """Drop the table of one-letter deletions (tens of megabytes at 10,000 articles); the answers
        found so far are kept for the next build, and the table is made again if it is needed."""
        if self._deletions is not None:
            self._deletions.index = None

    def _slips(self) -> _Slips:
        """The typo finder for the names claimed so far (the last build's, when they are the same)."""
        global _LAST_SLIPS
        if self._deletions is None or self._indexed != len(self._ids):   # names are only ever added
            last = _LAST_SLIPS
            self._deletions = last if last is not None and last.ids == self._ids else _Slips(self._ids)
            self._indexed = len(self._ids)
            _LAST_SLIPS = self._deletions
        return self._deletions


class _Slips:
    """Names one typing slip apart, for one fixed set of names: folded name -> entity id."""

    def __init__(self, ids: dict[str, str]) -> None:
        self.ids = dict(ids)
        self.index: dict[str, list[str]] | None = None   # made when first needed; `forget_index` drops it
        self.found: dict[str, tuple[str, ...]] = {}       # answers so far, kept

    def near(self, key: str) -> tuple[str, ...]:
        """Names of other entities one slip from `key`, sorted; not inside it, around it or differing only in digits."""
        near = self.found.get(key)
        if near is None:
            index = self.index = self.index if self.index is not None else _deletion_index(self.ids)
            matches = set()
            for variant in _deletions(key):
                found = index.get(variant)
                if found is not None:
                    matches.update(found)
            matches.discard(key)
            own, shape = self.ids.get(key), _shape(key)
            near = self.found[key] = tuple(sorted(
                match for match in matches if self.ids[match] != own and match not in key and key not in match
                and _shape(match) != shape))
        return near


_LAST_SLIPS: _Slips | None = None   # `serve` rebuilds with the same names again and again


def _deletion_index(ids: dict[str, str]) -> dict[str, list[str]]:
    """Each one-letter deletion (and each name) -> the names giving it."""
    index: dict[str, list[str]] = {}
    for key in ids:
        for variant in (key, *[key[:i] + key[i + 1:] for i in range(len(key))]):
            found = index.get(variant)
            if found is None:
                index[variant] = [key]
            elif found[-1] != key:   # two deletions from one name can be the same
                found.append(key)
    return index


@lru_cache(maxsize=1 << 16)
def _shape(key: str) -> str:
    """A name with its numbers blanked: names of one shape differ only in digits."""
    return _DIGITS.sub("#", key)


def _deletions(key: str) -> set[str]:
    """The name and each way of leaving one letter out of it."""
    return {key, *[key[:i] + key[i + 1:] for i in range(len(key))]}


def did_you_mean(index: NameIndex, name: str) -> str:
    """A ` (did you mean ...?)` hint, or '' when nothing is close."""
    options = index.suggest(name)
    return f" (did you mean {' or '.join(repr(o) for o in options)}?)" if options else ""
