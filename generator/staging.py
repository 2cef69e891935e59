"""The writer's first half: new files put in the output's hidden staging folder as they are made.

A build that renders in worker processes hands each page to `Stager.stage` right there, so the
page's bytes are neither sent back to the main process nor kept in memory; `write_site` then
moves every staged file into place at once. A file is staged at its own path below the staging
folder, so that a folder the output lacks (every folder, in a first build) is moved in whole,
by one rename. A file another program made (Pagefind's bundle) in the stager's scratch folder is
moved into the staging folder by `adopt` instead of being written again; what is left in the scratch
folder is never published. A file whose bytes are in the output already is not staged at all. Nothing
outside the staging folder changes until `write_site` runs, and `discard` leaves the output as
it was when the build fails.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

STAGING = ".factsheet-staging"
SCRATCH = ".factsheet-scratch"   # in the staging folder: where other programs make files to `adopt`; never published
SMALL = 1 << 20   # a file up to this size is compared with the output's in memory; a bigger one once staged


class OutputError(Exception):
    """The output folder could not be written (disk full, permissions)."""


class Kept(bytes):
    """The type of KEEP."""

    def __reduce__(self) -> str:
        """Unpickled (from a worker process) as the KEEP of this module, so that `is KEEP` holds."""
        return "KEEP"


KEEP = Kept()   # in place of a file's bytes: the file in the output is known to be right already; leave it


@dataclass(frozen=True, slots=True)
class Staged:
    """In place of a file's bytes: they are written already, to this file of the staging folder."""

    name: str                # its output path, which is also its path below the staging folder
    stamp: tuple[int, int]   # its size and mtime in ns, which moving it into place keeps (outputstamps.py)


class Stager:
    """Stages the files of one build; one per build, shared by its forked workers (each names its files by pid)."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self.folder = output / STAGING
        self.made_output = not output.exists()   # then it holds nothing to compare with, and a failed build removes it
        self._folders: set[str] = set()          # staging folders this process knows exist
        shutil.rmtree(self.folder, ignore_errors=True)   # left by a build that was killed

    def stage(self, rel: str, data: bytes | Iterable[bytes]) -> bytes | Staged:
        """KEEP if the output file holds `data` (bytes, or chunks of them) already, else the staged file that does."""
        target = target_file(str(self.output), rel)
        chunks = (data,) if isinstance(data, bytes) else list(data)
        if self.made_output:   # the output holds nothing to compare with
            return self._write(rel, chunks)
        if sum(map(len, chunks)) <= SMALL:
            data = b"".join(chunks)
            return KEEP if same_bytes(target, data) else self._write(rel, (data,))
        staged = self._write(rel, chunks)
        path = target_file(str(self.folder), rel)
        if _same_files(path, target):
            os.remove(path)
            return KEEP
        return staged

    def _write(self, rel: str, chunks: Iterable[bytes]) -> Staged:
        """The chunks written to the file of the staging folder at output path `rel`."""
        try:
            return Staged(rel, write_file(target_file(str(self.folder), rel), chunks, self._folders))
        except OSError as error:
            raise OutputError(f"cannot write {error.filename or self.folder}: {error.strerror}") from None

    def scratch_folder(self) -> str:
        """A folder on the output's file system whose files `adopt` can move into the staging folder (made now)."""
        folder = os.path.join(self.folder, SCRATCH)
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as error:
            raise OutputError(f"cannot write {error.filename or folder}: {error.strerror}") from None
        return folder

    def adopt(self, rel: str, source: str, data: bytes, stamp: tuple[int, int] | None = None) -> bytes | Staged:
        """KEEP if the output file holds `data` already, else the staged file that does: the file `source` (below
        `scratch_folder()`, holding `data`, with `stamp` if known) moved into place, not written again."""
        target = target_file(str(self.output), rel)
        if not self.made_output and same_bytes(target, data):
            return KEEP
        path = target_file(str(self.folder), rel)
        try:
            make_folder_of(path, self._folders)
            os.replace(source, path)
            if stamp is None:
                info = os.stat(path)
                stamp = info.st_size, info.st_mtime_ns
        except OSError as error:
            raise OutputError(f"cannot write {error.filename or path}: {error.strerror}") from None
        return Staged(rel, stamp)

    def adopt_folder(self, rel: str, source: str) -> bool:
        """Move the folder `source` (below `scratch_folder()`) into the staging folder whole, at output path `rel`,
        if neither the output nor the staging folder has anything there (a first build): its files need neither
        be compared with the output's nor moved one by one. Whether it was moved."""
        path = target_file(str(self.folder), rel)
        if os.path.lexists(target_file(str(self.output), rel)) or os.path.lexists(path):
            return False
        try:
            make_folder_of(path, self._folders)
            os.rename(source, path)
        except OSError as error:
            raise OutputError(f"cannot write {error.filename or path}: {error.strerror}") from None
        return True

    def unstage(self, files: Mapping[str, bytes | Staged]) -> None:
        """Remove the staged ones of these files again: they are not to be written after all."""
        for data in files.values():
            if isinstance(data, Staged):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(target_file(str(self.folder), data.name))

    def discard(self) -> None:
        """Remove what was staged (the build failed): the output is left as it was."""
        shutil.rmtree(self.folder, ignore_errors=True)
        if self.made_output:
            try:
                self.output.rmdir()
            except OSError:   # not empty after all, or gone
                pass


def target_file(root: str, rel: str) -> str:
    """The file for an output path; anything that would leave the folder is refused."""
    parts = rel.split("/")
    if rel.startswith("/") or "\\" in rel or any(p in ("", ".", "..") for p in parts):
        raise OutputError(f"refusing to write '{rel}': it would leave the output folder")
    return os.path.join(root, *parts)


def write_file(path: str, chunks: Iterable[bytes], folders: set[str]) -> tuple[int, int]:
    """Write a new file (or over one), making its folder first unless it is among `folders` (which then holds it);
    its size and mtime in ns. With plain system calls, which neither buffer nor look at the file first: a build
    writes tens of thousands of small files."""
    make_folder_of(path, folders)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o666)
    try:   # plain system calls: each chunk one write, no copy, and no look at the file before writing it
        for chunk in chunks:
            left = memoryview(chunk)
            while left:
                left = left[os.write(descriptor, left):]
        info = os.fstat(descriptor)   # after the last write, which set the mtime
    finally:
        os.close(descriptor)
    return info.st_size, info.st_mtime_ns


def make_folder_of(path: str, folders: set[str]) -> None:
    """Make the folder of a file to be, unless it is among `folders` (which then holds it)."""
    folder = os.path.dirname(path)
    if folder not in folders:
        os.makedirs(folder, exist_ok=True)   # safe when two workers make the same folder at once
        folders.add(folder)


def _same_files(staged: str, target: str, block: int = 1 << 20) -> bool:
    """Whether the target file exists and holds the same bytes as the staged one (read in big blocks)."""
    try:
        if os.stat(staged).st_size != os.stat(target).st_size:
            return False
        with open(staged, "rb") as one, open(target, "rb") as other:
            while True:
                chunk = one.read(block)
                if chunk != other.read(block):
                    return False
                if not chunk:
                    return True
    except OSError:
        return False


def same_bytes(path: str, data: bytes) -> bool:
    """Whether the file holds exactly `data`."""
    try:
        if os.stat(path).st_size != len(data):
            return False
        with open(path, "rb") as file:
            return file.read() == data
    except OSError:
        return False
