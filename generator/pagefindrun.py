"""Running the Pagefind binary: a part's documents in a scratch folder, the command that indexes them,
and the bundle Pagefind made, read back (search.py decides what is indexed, in which parts, and when).

The documents' scratch folders are in memory (/dev/shm) when there is room: ext4 is slow to create
thousands of small files. A scratch folder that a killed build left is removed a day later. A build
that writes has Pagefind make the bundle in the writer's scratch folder instead (staging.py), on the
output's file system, so that its files can be moved into place rather than written again.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from .cachestore import installed_versions
from .config import SiteConfig
from .sources import file_bytes
from .staging import write_file

UNUSED = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.")
MEMORY_FOLDER = Path("/dev/shm")
BLOCK = 8192   # room a small file takes in the scratch folder, counted generously
SCRATCH_PREFIX = "factsheet-search-"
STALE_SECONDS = 24 * 3600   # a scratch folder this old was left by a build that was killed


@dataclass(frozen=True, slots=True)
class Bundle:
    """A part's bundle as Pagefind made it, read back."""

    files: dict[str, bytes]                  # output path -> bytes, in path order, without the UI files
    stamps: dict[str, tuple[int, int]]       # output path -> size and mtime in ns, as Pagefind left the file
    folders: frozenset[str]                  # the bundle's top folders (`fragment`, `index`) whose files are all in `files`


@dataclass(frozen=True, slots=True)
class ScratchRun:
    """One part's documents in a scratch folder, and the Pagefind command that indexes them into a bundle there."""

    key: str                      # the part's key
    folder: str                   # the output folder of its bundle
    scratch: tempfile.TemporaryDirectory
    bundle: Path
    command: list[str]
    bundle_scratch: tempfile.TemporaryDirectory | None = None   # the bundle's own folder, when not in `scratch`
    documents: tuple[str, ...] = ()   # the documents' paths below `scratch`'s `site` folder

    @classmethod
    def prepare(cls, key: str, folder: str, documents: Mapping[str, bytes], binary: Path, config: SiteConfig,
                parent: str | None, bundle_parent: str | None = None) -> ScratchRun:
        """A part's documents (by output path) written to a new scratch folder below `parent` (None: the system's);
        Pagefind is to make the bundle there too, or in a new folder below `bundle_parent` if given."""
        scratch = tempfile.TemporaryDirectory(prefix=SCRATCH_PREFIX, dir=parent)
        bundle_scratch = None
        try:
            if bundle_parent is not None:
                bundle_scratch = tempfile.TemporaryDirectory(prefix=SCRATCH_PREFIX, dir=bundle_parent)
            site, bundle = Path(scratch.name, "site"), Path((bundle_scratch or scratch).name, "bundle")
            write_documents(site, documents)
        except OSError:
            scratch.cleanup()
            if bundle_scratch is not None:
                bundle_scratch.cleanup()
            raise
        return cls(key, folder, scratch, bundle, pagefind_command(binary, site, bundle, config), bundle_scratch,
                   tuple(documents))

    def read_bundle(self) -> Bundle:
        """The bundle Pagefind made, read back: its files by output path, in path order (folder by folder), with
        their stamps. Listed with `os.walk` and read with plain system calls, whose `fstat` gives the stamp: in
        the build's thread, which the search stage waits for."""
        root, found, partial = str(self.bundle), [], set()
        for folder, _, names in os.walk(root):
            inside = os.path.relpath(folder, root)
            prefix = "" if inside == "." else inside.replace(os.sep, "/") + "/"
            found.extend(prefix + name for name in names if not name.startswith(UNUSED))
            if prefix and any(name.startswith(UNUSED) for name in names):
                partial.add(prefix.split("/", 1)[0])
        files, stamps = {}, {}
        for rel in sorted(found, key=lambda rel: rel.split("/")):
            path = self.folder + rel
            files[path], stamps[path] = _read_file(os.path.join(root, *rel.split("/")))
        tops = {rel.split("/", 1)[0] for rel in found if "/" in rel}
        return Bundle(files, stamps, frozenset(tops - partial))

    def bundle_file(self, path: str) -> str:
        """The file of the bundle that holds the output path `path` (one of `read_bundle`'s, or a folder of them)."""
        return os.path.join(self.bundle, *path[len(self.folder):].split("/"))

    def cleanup(self) -> None:
        """Remove the scratch folders: the documents and the bundle (what is left of it). Each document, and the
        folder that held only it, is removed by name first: a third of the system calls of walking its folder."""
        site = os.path.join(self.scratch.name, "site")
        for rel in self.documents if os.path.isdir(site) else ():   # not removed yet
            path = os.path.join(site, *rel.split("/"))
            try:
                os.unlink(path)
                os.rmdir(os.path.dirname(path))
            except OSError:   # gone already, or its folder holds more: left to the walk
                pass
        self.scratch.cleanup()
        if self.bundle_scratch is not None:
            self.bundle_scratch.cleanup()


def _read_file(path: str) -> tuple[bytes, tuple[int, int]]:
    """A file's bytes and its size and mtime in ns, as they are once read."""
    data, info = file_bytes(path)
    return data, (info.st_size, info.st_mtime_ns)


def pagefind_binary() -> Path | None:
    """The Pagefind executable that `pagefind[bin]` ships, or None.

    Found where `pagefind_bin.get_executable` looks, without importing the package (it imports
    logging and platform, a hundredth of a second at every build).
    """
    try:
        spec = importlib.util.find_spec("pagefind_bin")
    except (ImportError, ValueError):
        return None
    for folder in (spec.submodule_search_locations or []) if spec else []:
        for name in ("pagefind_extended", "pagefind"):
            for suffix in ("", ".exe") if os.name == "nt" else ("",):
                candidate = Path(folder, name + suffix)
                if candidate.exists():
                    return candidate if candidate.is_file() else None
    return None


def pagefind_command(binary: Path, site: Path, bundle: Path, config: SiteConfig) -> list[str]:
    """The command line that indexes the documents in `site` into `bundle`."""
    command = [str(binary), "--site", str(site), "--output-path", str(bundle), "--silent",
               "--force-language", config.language.split("-")[0].lower() or "en"]
    return command if config.pretty_urls else [*command, "--keep-index-url"]


def scratch_folder(documents: int) -> str | None:
    """Where the documents and bundle are made: in memory when it has room (ext4 is slow to create
    thousands of small files), else the system's temporary folder (None)."""
    try:
        room = shutil.disk_usage(MEMORY_FOLDER).free
    except OSError:
        return None
    if os.access(MEMORY_FOLDER, os.W_OK) and room > 4 * BLOCK * documents + (64 << 20):
        return str(MEMORY_FOLDER)
    return None


def remove_stale_scratch(folder: str | None) -> None:
    """Remove the scratch folders that builds which were killed left in `folder` (None: the system's temporary
    folder) more than STALE_SECONDS ago: in /dev/shm they would hold memory until the machine restarts."""
    root = folder or tempfile.gettempdir()
    limit = time.time() - STALE_SECONDS
    try:
        with os.scandir(root) as scan:
            stale = [entry.path for entry in scan if entry.name.startswith(SCRATCH_PREFIX)
                     and entry.is_dir(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < limit]
    except OSError:
        return
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)   # another user's is not ours to remove: left as it is


def write_documents(site: Path, documents: Mapping[str, bytes]) -> None:
    """Write the documents, by output path, below the folder `site` (`staging.write_file`, plain system calls:
    about 0.3 s for 14,200 documents against 0.45 s with `Path.write_bytes`, in the build's thread)."""
    made: set[str] = set()
    root = str(site)
    for path, data in documents.items():   # sorted, so Pagefind finds them in the same order each time
        write_file(os.path.join(root, *path.split("/")), (data,), made)


def pagefind_version(binary: Path | None) -> str:
    """The installed pagefind_bin version, which shapes the bundle ('' when unknown)."""
    if binary is None:
        return ""
    return installed_versions().get("pagefind_bin", "")   # unknown: the documents alone key the index
