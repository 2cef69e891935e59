"""Cache files kept as a big file and a small one of what changed since it was written.

An edit changes a few entries of the cache's big dicts: the export rows of a few entities, the
stamps of a few files. Writing the whole dict again at every build would cost more than the
edit itself, so the big file stays and a small file (`<name>-new.pickle`) holds the changes,
until they are many: then the big file is written again, with an empty small file. Each small
file names the big file it goes with; one that goes with another (a crash between the two
writes) is ignored. The small file is written last: what it says is what was stored.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

from . import cachestore

JOURNAL_MAX = 200   # entries changed since a big file was written before it is written again
_ABSENT = object()


@dataclass(frozen=True, slots=True, eq=False)
class Journaled(Mapping):
    """A dict the cache keeps as a big file and a small one of the entries changed since (save_journaled);
    read as a mapping, its entries are the big file's with the small one's changes made."""

    value: dict   # the entries
    base: dict    # the big file's entries
    ident: str    # which big file the small one goes with ("" if there is none)

    def __getitem__(self, key: Any) -> Any:
        return self.value[key]

    def __iter__(self) -> Iterator:
        return iter(self.value)

    def __len__(self) -> int:
        return len(self.value)


def load_journaled(folder: Path, name: str, version: str) -> Journaled:
    """The dict stored under `name` by `save_journaled` (empty if none)."""
    big, small = cachestore.load(folder, name, version), cachestore.load(folder, f"{name}-new", version)
    if not (isinstance(big, tuple) and len(big) == 2 and isinstance(big[1], dict)):
        return Journaled({}, {}, "")
    ident, base = big
    if not (isinstance(small, tuple) and len(small) == 3 and small[0] == ident and isinstance(small[1], dict)
            and isinstance(small[2], list)):
        return Journaled(base, base, ident)
    return Journaled(_applied(base, small[1], small[2]), base, ident)


def save_journaled(folder: Path, name: str, version: str, value: dict, stored: Journaled | None) -> bool:
    """Store a dict under `name`: only the entries changed since `stored` (what `load_journaled` gave) was
    written, in a small file, while they are few; else all of them, in a big file. Say whether it was stored.
    An entry counts as unchanged if it is the very object `stored` holds."""
    if stored is not None and stored.ident:
        changed = {key: entry for key, entry in value.items() if stored.base.get(key) is not entry}
        gone = [key for key in stored.base if key not in value]
        if len(changed) + len(gone) <= max(JOURNAL_MAX, len(value) // 10):
            return cachestore.save(folder, f"{name}-new", version, (stored.ident, changed, gone))
    ident = _new_ident()
    return (cachestore.save(folder, name, version, (ident, value))
            and cachestore.save(folder, f"{name}-new", version, (ident, {}, [])))


@dataclass(frozen=True, slots=True, eq=False)
class Sections:
    """Named values the cache keeps as a big file and a small one of what changed since (save_sections):
    a dict by its entries changed and gone, any other value whole."""

    value: dict[str, Any]   # each section as it is now
    base: dict[str, Any]    # each as the big file holds it
    ident: str              # which big file the small one goes with


def load_sections(folder: Path, name: str, version: str) -> Sections | None:
    """The sections stored under `name` by `save_sections`, or None (none, or a small file of another big one)."""
    big, small = cachestore.load(folder, name, version), cachestore.load(folder, f"{name}-new", version)
    if not (isinstance(big, tuple) and len(big) == 2 and isinstance(big[1], dict)
            and isinstance(small, tuple) and len(small) == 2 and small[0] == big[0] and isinstance(small[1], dict)):
        return None
    ident, base = big
    value = dict(base)
    for section, change in small[1].items():
        if isinstance(base.get(section), dict):
            changed, gone = change
            value[section] = _applied(base[section], changed, gone)
        else:
            value[section] = change
    return Sections(value, base, ident)


def save_sections(folder: Path, name: str, version: str, value: dict[str, Any], stored: Sections | None) -> bool:
    """Store named values under `name`: what changed since `stored` (what `load_sections` gave) was written,
    in a small file, while that is little; else all of them, in a big file. Say whether they were stored."""
    journal = _journal(stored, value) if stored is not None else None
    if journal is not None:
        return cachestore.save(folder, f"{name}-new", version, (stored.ident, journal))
    ident = _new_ident()
    return (cachestore.save(folder, name, version, (ident, value))
            and cachestore.save(folder, f"{name}-new", version, (ident, {})))


def _journal(stored: Sections, value: dict[str, Any]) -> dict[str, Any] | None:
    """What changed from the big file of `stored` to `value`, by section; None if that is much (or the sections differ)."""
    if stored.base.keys() != value.keys():
        return None
    journal, count, size = {}, 0, 0
    for section, now in value.items():
        before = stored.base[section]
        if isinstance(before, dict) != isinstance(now, dict):
            return None
        if isinstance(now, dict):
            changed = {key: entry for key, entry in now.items() if before.get(key, _ABSENT) != entry}
            gone = [key for key in before if key not in now]
            journal[section], count, size = (changed, gone), count + len(changed) + len(gone), size + len(now)
        elif now != before:
            journal[section] = now
    return journal if count <= max(JOURNAL_MAX, size // 10) else None


def remove_stored(folder: Path, name: str) -> None:
    """Forget what is stored under `name` by `save_journaled` or `save_sections`."""
    cachestore.remove(folder, name)
    cachestore.remove(folder, f"{name}-new")


def _applied(base: dict, changed: dict, gone: list) -> dict:
    """The entries of `base` with those `changed` set and those `gone` removed."""
    value = {**base, **changed}
    for key in gone:
        value.pop(key, None)
    return value


def _new_ident() -> str:
    """A name for a new big file, which its small files repeat."""
    return f"{time.time()!r}-{os.getpid()}"
