"""The snapshot of a build: what it read and wrote, kept in the cache (`build.pickle`, and the small
`build-new.pickle` of what the builds since changed, journal.py) so that the next build can tell
whether it has anything to do, and which output files are still as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from .cachestore import text_digest
from .errors import ContentError
from .journal import Sections, load_sections, save_sections
from .parsecache import RACY_SECONDS
from .sources import Stamp, read_text

NAME = "build"   # the cache files' name


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the last build read and wrote, to tell whether the next one has anything to do."""

    inputs: tuple                              # fingerprint of the code, options, settings, templates and content
    texts: Mapping[str, str]                   # content path -> text_digest() of the text the build read
    outputs: Mapping[str, tuple[int, int]]     # output path -> (size, mtime in ns) as written
    folders: Mapping[str, int]                 # output path of each folder of those files -> its mtime in ns once written
    counts: tuple[int, int, int, int]          # files, articles, entities, facts
    warnings: tuple[ContentError, ...]         # the warnings the build gave
    written_at: float                          # time.time() when the content's stamps were taken
    build: str = ""                            # which build wrote it: the page digests it goes with say the same
    stored: Sections | None = field(default=None, compare=False, repr=False)   # the cache's files it was read from


def same_texts(content: Path, stamps: Mapping[str, Stamp], snapshot: Snapshot) -> bool:
    """Whether the content files are those the snapshot saw. A file whose stamp differs, or is so
    close to the snapshot's time that a same-tick save could hide behind it, has its text compared."""
    old_stamps = snapshot.inputs[2]
    if stamps.keys() != old_stamps.keys():
        return False
    limit = int((snapshot.written_at - RACY_SECONDS) * 1e9)
    for rel, stamp in stamps.items():
        if stamp != old_stamps[rel] or stamp[0] >= limit:
            text = read_text(content.joinpath(*rel.split("/")))
            if text is None or text_digest(text) != snapshot.texts.get(rel):
                return False
    return True


def stored_snapshot(folder: Path, version: str) -> Snapshot | None:
    """The snapshot kept in the cache `folder` by this `version` of the code, if any."""
    try:
        stored = load_sections(folder, NAME, version)
        return _snapshot(stored) if stored is not None else None
    except (KeyError, TypeError, ValueError, AttributeError):   # not sections this code wrote
        return None


def save_snapshot(folder: Path, version: str, snapshot: Snapshot, last: Snapshot | None) -> bool:
    """Keep the snapshot in the cache `folder`: only what changed since `last` (what `stored_snapshot` gave) was
    kept, while that is little. Say whether it was kept."""
    return save_sections(folder, NAME, version, _sections(snapshot), last.stored if last else None)


def _sections(snapshot: Snapshot) -> dict[str, Any]:
    """The snapshot as the cache keeps it (journal.py): its dicts apart, so that an edit writes only their changes."""
    setup, theme, stamps = snapshot.inputs
    return {"setup": setup, "theme": theme, "stamps": stamps, "texts": snapshot.texts, "outputs": snapshot.outputs,
            "folders": snapshot.folders, "counts": snapshot.counts, "warnings": snapshot.warnings,
            "written_at": snapshot.written_at, "build": snapshot.build}


def _snapshot(stored: Sections) -> Snapshot:
    """The snapshot kept as these sections (`_sections`)."""
    value = stored.value
    return Snapshot((value["setup"], value["theme"], value["stamps"]), value["texts"], value["outputs"],
                    value["folders"], value["counts"], value["warnings"], value["written_at"], value["build"], stored)
