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
from typing import Iterable, Mapping

from .errors import UsageError
from .staging import KEEP, STAGING, Kept, OutputError, Staged, Stager, same_bytes, target_file, write_file

__all__ = ["KEEP", "Kept", "MARKER", "OutputError", "STAGING", "Staged", "Stager", "WriteReport", "check_output", "folder_stamps", "intact_files", "output_stamps", "outputs_intact", "stamps_after",
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
               stager: Stager | None = None, trust_known: bool = False) -> WriteReport:
    """Make `output` hold exactly `files`, rewriting only what changed.

    `known` holds what an earlier write of this process put there (`serve`): a file that is still
    there and is to get the very same bytes object again is taken as unchanged without looking at
    it. With `trust_known` (a save in `serve`), the output is taken to hold just the `known` files
    while its marker file is there, without walking it: a file removed by hand comes back at the
    next write without trust (`serve` makes one once the saves stop). A file given as KEEP must be
    there already, and is left as it is; one given as `Staged` was staged by `stager`, and is
    moved into place.
    """
    check_output(output)
    known = known or {}
    root = str(output)
    trusted = trust_known and known and (output / MARKER).is_file()
    existing, empty = (list(known), []) if trusted else _existing(root)
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


def output_stamps(output: Path) -> dict[str, tuple[int, int]]:
    """The (size, mtime in ns) of every file in the output folder but hidden ones, by output path."""
    stamps: dict[str, tuple[int, int]] = {}
    for rel, entry in _entries(str(output))[0].items():
        try:
            info = entry.stat()
        except OSError:
            continue
        stamps[rel] = (info.st_size, info.st_mtime_ns)
    return stamps


def folder_stamps(output: Path, files: Iterable[str]) -> dict[str, int]:
    """The mtime in ns of the output folder and of every folder that holds one of these files, by output path
    ('' for the output folder); empty if one cannot be looked at. A name added to a folder, or removed, changes it."""
    folders = {""}
    for rel in files:
        folder = rel.rpartition("/")[0]
        while folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    root = str(output)
    try:
        return {folder: os.stat(f"{root}/{folder}" if folder else root).st_mtime_ns for folder in sorted(folders)}
    except OSError:
        return {}


def outputs_intact(output: Path, files: Mapping[str, tuple[int, int]], folders: Mapping[str, int]) -> bool:
    """Whether the output holds these files, each with its (size, mtime in ns), and no other: quicker than comparing
    `output_stamps` when `folders` (from `folder_stamps`) says that no folder of theirs gained or lost a name.

    (A name added to a folder that holds no file, only folders or hidden files, is not seen; a build removes folders
    left empty, so after one the only such folders are those of hidden files.)
    """
    if not folders:
        return output_stamps(output) == files
    root = str(output)
    try:
        for folder, mtime in folders.items():
            if os.stat(f"{root}/{folder}" if folder else root).st_mtime_ns != mtime:
                return False
        for rel, (size, mtime) in files.items():
            info = os.stat(f"{root}/{rel}")
            if info.st_mtime_ns != mtime or info.st_size != size:
                return False
    except OSError:
        return False
    return True


def intact_files(paths: Iterable[str], now: Mapping[str, tuple[int, int]], written: Mapping[str, tuple[int, int]],
                 ) -> dict[str, Kept]:
    """KEEP for each of these output files whose stamp is still the one it had when the last build wrote it
    (given the bytes that build wrote: the file holds them)."""
    return {rel: KEEP for rel in paths if rel in now and now[rel] == written.get(rel)}


def stamps_after(before: Mapping[str, tuple[int, int]], output: Path, report: WriteReport,
                 ) -> dict[str, tuple[int, int]]:
    """`output_stamps` after a write, from those taken before it: only the files it wrote are looked at again."""
    stamps = dict(before)
    for rel in report.stale_files:
        stamps.pop(rel, None)
    for rel in report.changed_files:
        info = os.stat(target_file(str(output), rel))
        stamps[rel] = (info.st_size, info.st_mtime_ns)
    return stamps


def _publish(output: Path, new: dict[str, bytes | Staged]) -> None:
    """Stage every changed file not staged yet in the hidden folder, then move them all into place."""
    staging = output / STAGING
    try:
        folders: set[str] = set()
        for rel, data in new.items():
            if not isinstance(data, Staged):
                write_file(target_file(str(staging), rel), (data,), folders)
        if staging.is_dir():
            _merge(str(staging), str(output))
    except OSError as error:
        raise OutputError(f"cannot write {error.filename or output}: {error.strerror}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _merge(staged: str, target: str) -> None:
    """Move what is staged in one folder to the same place in the target folder: a folder the target
    lacks is moved whole. A file (or link) standing where a folder goes, or a folder where a file goes, is replaced."""
    with os.scandir(staged) as scan:
        entries = list(scan)
    for entry in entries:
        path = os.path.join(target, entry.name)
        is_folder = os.path.isdir(path) and not os.path.islink(path)
        if entry.is_dir(follow_symlinks=False):
            if is_folder:
                _merge(entry.path, path)
                continue
            if os.path.lexists(path):
                os.unlink(path)
        elif is_folder:
            shutil.rmtree(path)
        os.replace(entry.path, path)


def _existing(root: str) -> tuple[list[str], list[str]]:
    """Output paths of the files already there, and of the folders found empty; hidden names left out."""
    files, empty = _entries(root)
    return list(files), empty


def _entries(root: str) -> tuple[dict[str, os.DirEntry], list[str]]:
    """The files below `root` by output path, and the folders found empty; hidden names left out."""
    files: dict[str, os.DirEntry] = {}
    empty: list[str] = []
    if os.path.isdir(root):
        _walk(root, "", files, empty)
    return files, empty


def _walk(folder: str, prefix: str, files: dict[str, os.DirEntry], empty: list[str]) -> None:
    with os.scandir(folder) as scan:
        entries = list(scan)
    if not entries and prefix:
        empty.append(prefix.rstrip("/"))
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            _walk(entry.path, f"{prefix}{entry.name}/", files, empty)
        else:
            files[prefix + entry.name] = entry


def _remove_empty_folders(output: Path, removed: list[str], empty: list[str]) -> None:
    """Remove the empty folders, and those that removing files left empty, with their emptied parents; deepest first."""
    folders = {parent for rel in removed for parent in Path(rel).parents if parent.parts}
    folders |= {folder for rel in empty for folder in (Path(rel), *Path(rel).parents) if folder.parts}
    for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
        path = output / folder
        if path.is_dir() and not path.is_symlink() and not any(path.iterdir()):
            path.rmdir()
