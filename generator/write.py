"""Stage 5, write: the only code that touches the output folder.

Changed files are first staged in a hidden folder inside the output (staging.py; a build
with workers stages its pages as they are rendered), then, once all are written, moved into
place (a folder the output lacks, whole); files that no longer belong are removed. Unchanged
files are not touched, so a second build of an unchanged site writes nothing. Names starting
with '.' are never removed (a `.git` folder of a deploy checkout survives); `.factsheet` marks
a folder as ours.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Collection, Mapping

from . import release
from .errors import UsageError
from .outputstamps import output_entries
from .staging import KEEP, SCRATCH, STAGING, Kept, OutputError, Staged, Stager, same_bytes, target_file, write_file

__all__ = ["KEEP", "Kept", "MARKER", "OutputError", "STAGING", "Staged", "Stager", "WriteReport", "check_output",
           "write_site"]

MARKER = ".factsheet"
MARKER_TEXT = b"This folder is built by Factsheet; files in it are replaced on every build.\n"


@dataclass(frozen=True, slots=True)
class WriteReport:
    """What a write did."""

    written: int
    unchanged: int
    removed: int
    changed_files: tuple[str, ...] = ()   # the output paths written
    stale_files: tuple[str, ...] = ()     # and those removed


def check_output(output: Path) -> None:
    """Refuse an output folder that holds files Factsheet did not make."""
    if output.exists() and not output.is_dir():
        raise UsageError(f"output '{output}' exists and is not a folder")
    if output.is_dir() and not (output / MARKER).exists() and any(
            not entry.name.startswith(".") for entry in os.scandir(output)):
        raise UsageError(f"output folder '{output}' is not empty and was not made by Factsheet; "
                          "empty it or choose another with --output")


def write_site(files: Mapping[str, bytes | Staged], output: Path, known: Mapping[str, bytes] | None = None,
               stager: Stager | None = None, trust_known: bool = False, present: Collection[str] | None = None,
               ) -> WriteReport:
    """Make `output` hold exactly `files`, rewriting only what changed.

    `known` holds what an earlier write of this process put there (`serve`): a file that is still
    there and is to get the very same bytes object again is taken as unchanged without looking at
    it. With `trust_known` (a save in `serve`), the output is taken to hold just the `known` files
    while its marker file is there, without walking it: a file removed by hand comes back at the
    next write without trust (`serve` makes one once the saves stop). A file given as KEEP must be
    there already, and is left as it is; one given as `Staged` was staged by `stager`, and is
    moved into place. `present`, when given, lists the files the output holds, and says it holds no
    empty folder (the cache saw it as the last build left it): it is not walked either.
    """
    check_output(output)
    known = known or {}
    root = str(output)
    trusted = trust_known and known and (output / MARKER).is_file()
    existing, empty = (list(known), []) if trusted else (list(present), []) if present is not None else _existing(root)
    present = set(existing)
    missing = sorted(rel for rel, data in files.items() if data is KEEP and rel not in present)
    if missing:
        raise OutputError(f"'{missing[0]}' vanished from {output} during the build; build again")
    changed = sorted(rel for rel, data in files.items() if isinstance(data, Staged) or (
        data is not KEEP and not (rel in present and known.get(rel) is data) and not same_bytes(target_file(root, rel), data)))
    stale = sorted(present - files.keys())
    if changed or stale or empty:
        output.mkdir(parents=True, exist_ok=True)
        if not (output / MARKER).exists():
            (output / MARKER).write_bytes(MARKER_TEXT)
        _publish(output, {rel: files[rel] for rel in changed})
        for path in (output / rel for rel in stale):
            if path.is_file() or path.is_symlink():   # not if a new folder took its place
                path.unlink()
        _remove_empty_folders(output, stale, empty)
    else:
        shutil.rmtree(output / STAGING, ignore_errors=True)
    return WriteReport(len(changed), len(files) - len(changed), len(stale), tuple(changed), tuple(stale))


def _publish(output: Path, new: dict[str, bytes | Staged]) -> None:
    """Stage every changed file not staged yet in the hidden folder, then move them all into place."""
    staging = output / STAGING
    try:
        folders: set[str] = set()
        for rel, data in new.items():
            if not isinstance(data, Staged):
                write_file(target_file(str(staging), rel), (data,), folders)
        shutil.rmtree(staging / SCRATCH, ignore_errors=True)   # what was to be adopted and was not: never published
        if staging.is_dir():
            held: list[int] = []
            try:
                _merge(str(staging), str(output), held)
            finally:
                release.close_later(held)
    except OSError as error:
        raise OutputError(f"cannot write {error.filename or output}: {error.strerror}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _merge(staged: str, target: str, held: list[int]) -> None:
    """Move what is staged in one folder to the same place in the target folder: a folder the target
    lacks is moved whole. A file (or link) standing where a folder goes, or a folder where a file goes, is replaced.

    A big file replaced is held open (release.py), its descriptor added to `held`: the kernel then frees the
    old file when that is closed, not in the rename (about 25 ms of it for a 25 MB facts.csv)."""
    with os.scandir(staged) as scan:
        entries = list(scan)
    for entry in entries:
        path = os.path.join(target, entry.name)
        is_folder = os.path.isdir(path) and not os.path.islink(path)
        if entry.is_dir(follow_symlinks=False):
            if is_folder:
                _merge(entry.path, path, held)
                continue
            if os.path.lexists(path):
                os.unlink(path)
        elif is_folder:
            shutil.rmtree(path)
        else:
            release.hold(path, entry.stat(follow_symlinks=False).st_size, held)
        os.replace(entry.path, path)


def _existing(root: str) -> tuple[list[str], list[str]]:
    """Output paths of the files already there, and of the folders found empty; hidden names left out."""
    files, empty = output_entries(root)
    return list(files), empty


def _remove_empty_folders(output: Path, removed: list[str], empty: list[str]) -> None:
    """Remove the empty folders, and those that removing files left empty, with their emptied parents; deepest first."""
    folders = {parent for rel in removed for parent in Path(rel).parents if parent.parts}
    folders |= {folder for rel in empty for folder in (Path(rel), *Path(rel).parents) if folder.parts}
    for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
        path = output / folder
        if path.is_dir() and not path.is_symlink() and not any(path.iterdir()):
            path.rmdir()
