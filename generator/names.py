"""Name matching: canonical names and aliases folded for case, width and white space."""

from __future__ import annotations

import difflib

from .markdown import fold_text as fold_name


class NameIndex:
    """Folded name -> entity id, with the place each name was first claimed."""

    def __init__(self) -> None:
        self._ids: dict[str, str] = {}
        self._origins: dict[str, str] = {}
        self._spellings: dict[str, str] = {}

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

    def lookalike(self, name: str, accept, cutoff: float = 0.88) -> str | None:
        """Another entity's name so close to `name` that it may be a typo of it.

        `accept(entity_id)` limits the candidates (to one kind); a name that contains the
        other whole ("Xiaomi" in "Xiaomi park") is an extension, not a typo.
        """
        key = fold_name(name)
        own = self._ids.get(key)
        for match in difflib.get_close_matches(key, self._ids, n=6, cutoff=cutoff):
            other = self._ids[match]
            if other != own and accept(other) and match not in key and key not in match:
                return self._spellings[match]
        return None


def did_you_mean(index: NameIndex, name: str) -> str:
    """A ` (did you mean ...?)` hint, or '' when nothing is close."""
    options = index.suggest(name)
    return f" (did you mean {' or '.join(repr(o) for o in options)}?)" if options else ""
