"""A register of generated names: unique, with free URLs, and never one typing slip from another.

The build warns about a name without a profile that is one letter away from another name
of the same kind; the corpus must build with few warnings, so such names are refused here.
"""

from __future__ import annotations

import re

from generator.markdown import fold_text
from generator.slugs import slugify_name

_DIGITS = re.compile(r"\d+")
MIN_TYPO_LENGTH = 5


def deletions(key: str) -> set[str]:
    """The key and every form of it with one letter left out."""
    return {key, *(key[:i] + key[i + 1:] for i in range(len(key)))}


class NameBook:
    """Every name handed out so far: folded names, slugs by kind, one-letter deletions by kind."""

    def __init__(self) -> None:
        self.folded: set[str] = set()
        self.slugs: dict[str, set[str]] = {}
        self.variants: dict[str, dict[str, list[tuple[str, bool]]]] = {}

    def add(self, kind: str, name: str, aliases: tuple[str, ...] = (), profiled: bool = False) -> bool:
        """Register an entity's names when all of them are free; False (nothing kept) otherwise."""
        keys = [fold_text(n) for n in (name, *aliases)]
        slug = slugify_name(name)
        if not slug or slug in self.slugs.get(kind, ()) or len(set(keys)) < len(keys):
            return False
        if any(key in self.folded or self._lookalike(kind, key, profiled) for key in keys):
            return False
        self.folded.update(keys)
        self.slugs.setdefault(kind, set()).add(slug)
        index = self.variants.setdefault(kind, {})
        for key in keys:
            for variant in deletions(key):
                index.setdefault(variant, []).append((key, profiled))
        return True

    def _lookalike(self, kind: str, key: str, profiled: bool) -> bool:
        """True when `key` and a known name of this kind look like typos of each other."""
        index = self.variants.get(kind, {})
        for variant in deletions(key):
            for other, other_profiled in index.get(variant, ()):
                if profiled and other_profiled:
                    continue
                if len(other) < MIN_TYPO_LENGTH and len(key) < MIN_TYPO_LENGTH:
                    continue
                if other in key or key in other or _DIGITS.sub("#", other) == _DIGITS.sub("#", key):
                    continue
                return True
        return False
