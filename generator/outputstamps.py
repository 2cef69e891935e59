"""What the output folder holds, by stamps: each file's size and mtime, and each folder's mtime.

A build with the cache compares them with those the last build left (cache.py) to tell whether
its files are still as it wrote them, without reading them. Only looks: write.py writes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Mapping

from .staging import KEEP, Kept, Staged, target_file

if TYPE_CHECKING:
    from .write import WriteReport


def output_stamps(output: Path) -> dict[str, tuple[int, int]]:
    """The (size, mtime in ns) of every file in the output folder but hidden ones, by output path."""
    stamps: dict[str, tuple[int, int]] = {}
    for rel, entry in output_entries(str(output))[0].items():
        try:
            info = entry.stat()
        except OSError:
            continue
        stamps[rel] = (info.st_size, info.st_mtime_ns)
    return stamps


def folder_stamps(output: Path, files: Iterable[str], known: Mapping[str, int] | None = None,
                  touched: Iterable[str] = (), folders: Iterable[str] | None = None) -> dict[str, int]:
    """The mtime in ns of the output folder and of every folder that holds one of these files, by output path
    ('' for the output folder); empty if one cannot be looked at. A name added to a folder, or removed, changes it.

    `known`, the stamps of the folders when the output was last as the files say but for the `touched`
    ones (written or removed since), spares looking at every folder that holds no touched file. `folders`,
    those of the files if known already, spares working them out.
    """
    folders = _folders_of(files) if folders is None else folders
    looked = _folders_of(touched) if known is not None else set()
    root = str(output)
    try:
        return {folder: known[folder] if known is not None and folder not in looked and folder in known
                else os.stat(f"{root}/{folder}" if folder else root).st_mtime_ns for folder in sorted(folders)}
    except OSError:
        return {}


def _folders_of(files: Iterable[str]) -> set[str]:
    """The output folder ('') and every folder that holds one of these files, however deep."""
    folders = {""}
    for rel in files:
        folder = rel.rpartition("/")[0]
        while folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    return folders


def outputs_intact(output: Path, files: Mapping[str, tuple[int, int]], folders: Mapping[str, int]) -> bool:
    """Whether the output holds these files, each with its (size, mtime in ns), and no other: quicker than comparing
    `output_stamps` when `folders` (from `folder_stamps`) says that no folder of theirs gained or lost a name.

    (A name added inside a folder below which the last build wrote no file is not seen; a build removes the folders
    it finds empty, so after one the only such folders are those that hold nothing but hidden names.)
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
    as_left = intact_test(now, written)
    return {rel: KEEP for rel in paths if as_left(rel)}


def intact_test(now: Mapping[str, tuple[int, int]], written: Mapping[str, tuple[int, int]]) -> Callable[[str], bool]:
    """Whether an output file's stamp is still the one it had when the last build wrote it (`intact_files`)."""
    return lambda rel: rel in now and now[rel] == written.get(rel)


def folders_after(output: Path, files: Mapping[str, tuple[int, int]] | None, before: Mapping[str, int],
                  report: WriteReport | None) -> dict[str, int] | None:
    """`folder_stamps` of the files after a write, from those the folders had `before` it (the output as the
    last build left it): only the folders of the files it wrote or removed are looked at. None without a write."""
    if files is None or report is None:
        return None
    touched = (*report.changed_files, *report.stale_files)
    same = not report.stale_files and _folders_of(touched) <= before.keys()   # no folder came or went
    return folder_stamps(output, files, before, touched, before.keys() if same else None)


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


def written_stamps(output: Path, files: Mapping[str, bytes | Staged]) -> dict[str, tuple[int, int]]:
    """`output_stamps` after a write that left the output holding just these files, without walking it: a staged
    file's stamp was taken as it was staged (moving it into place kept it); the others' are looked at."""
    root = str(output)
    stamps = {}
    for rel, data in files.items():
        if isinstance(data, Staged):
            stamps[rel] = data.stamp
        else:
            info = os.stat(target_file(root, rel))
            stamps[rel] = (info.st_size, info.st_mtime_ns)
    return stamps


def output_entries(root: str) -> tuple[dict[str, os.DirEntry], list[str]]:
    """The files below `root` by output path, and the folders found empty; hidden names left out."""
    files: dict[str, os.DirEntry] = {}
    empty: list[str] = []
    if os.path.isdir(root):
        _walk_output(root, "", files, empty)
    return files, empty


def _walk_output(folder: str, prefix: str, files: dict[str, os.DirEntry], empty: list[str]) -> None:
    with os.scandir(folder) as scan:
        entries = list(scan)
    if not entries and prefix:
        empty.append(prefix.rstrip("/"))
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            _walk_output(entry.path, f"{prefix}{entry.name}/", files, empty)
        else:
            files[prefix + entry.name] = entry


