"""Search: a Pagefind index of one small document per fact sheet and article, made from the graph.

What is indexed is chosen for a newsroom looking something up, and kept small because Pagefind's
time and memory grow with every word it indexes (at 10,000 articles the whole pages took 54 s
and 3.1 GB). A fact sheet's document holds its name (weighs most), its aliases (next), its kind,
the few fields that say which one it is (an event's date, type, place and summary; a company's
parent; a site's location) and the first words of its profile. An article's document holds its
title (as heavy as a heading), its date, outlet and author, its summary, its tags and the names
of everything it mentions, so a search for a person also finds the stories about them. Article
bodies and fact tables are not indexed: their words are the ones that made the index big, and
the sheet of every name in a story is found by that name anyway.

The documents come from the graph, not from the rendered pages, so search can start before the
pages are rendered (`start_search`). Each document sits at its page's path in a scratch folder
(in memory, /dev/shm, when there is room), the Pagefind binary from `pagefind[bin]` indexes the
folder, and the bundle is read back into memory under `pagefind/`; only write.py writes output.
The index's key is the digest of the documents and the settings that shape the bundle, so an
edit that changes no indexed word reuses the previous bundle untouched. Without the binary the
site is built all the same, with a warning, and the search page says search is unavailable.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from .config import SiteConfig
from .errors import Problems
from .model import Graph
from .searchdocs import search_documents
from .urls import PAGEFIND

UNUSED = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.")
TIMEOUT = 300
MEMORY_FOLDER = Path("/dev/shm")
BLOCK = 8192   # room a small file takes in the scratch folder, counted generously


@dataclass(frozen=True, slots=True)
class SearchIndex:
    """A Pagefind bundle and the digest of the documents it indexes, so that unchanged ones are not indexed again."""

    key: str                     # digest of the indexed documents and the settings; '' when nothing was indexed
    files: Mapping[str, bytes]   # output path -> bytes of the bundle (a plain dict, so it pickles)


NO_INDEX = SearchIndex("", {})


class SearchJob:
    """A search index being made in the background; `result()` waits for it."""

    def __init__(self, done: tuple[SearchIndex, Problems] | None = None) -> None:
        self._outcome = done
        self._thread: threading.Thread | None = None
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self._cancelled = False

    def _start(self, binary: Path, documents: dict[str, bytes], key: str, config: SiteConfig) -> SearchJob:
        self._thread = threading.Thread(target=self._run, args=(binary, documents, key, config),
                                        name="factsheet-search", daemon=True)
        self._thread.start()
        return self

    def result(self) -> tuple[SearchIndex, Problems]:
        """The index and its warnings, once Pagefind is done (at most TIMEOUT seconds)."""
        if self._thread is not None:
            self._thread.join()
        assert self._outcome is not None
        return self._outcome

    def cancel(self) -> None:
        """Stop Pagefind if it runs (the build failed); `result()` then gives no index."""
        with self._lock:
            self._cancelled = True
            if self._process is not None and self._process.poll() is None:
                self._process.kill()

    def _run(self, binary: Path, documents: dict[str, bytes], key: str, config: SiteConfig) -> None:
        problems = Problems()
        try:
            self._outcome = SearchIndex(key, self._index(binary, documents, config)), problems
        except (OSError, subprocess.SubprocessError) as error:
            if not self._cancelled:
                problems.warn(str(binary), 1, f"search index not built: {error}")
            self._outcome = NO_INDEX, problems

    def _index(self, binary: Path, documents: dict[str, bytes], config: SiteConfig) -> dict[str, bytes]:
        with tempfile.TemporaryDirectory(prefix="factsheet-search-", dir=scratch_folder(len(documents))) as temp:
            site, bundle = Path(temp, "site"), Path(temp, "bundle")
            _write_documents(site, documents)
            with self._lock:
                if self._cancelled:
                    raise subprocess.SubprocessError("cancelled")
                self._process = subprocess.Popen(
                    pagefind_command(binary, site, bundle, config), stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            try:
                _, errors = self._process.communicate(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.communicate()
                raise
            if self._process.returncode != 0:
                raise subprocess.SubprocessError(
                    f"pagefind exited with {self._process.returncode}: {errors.strip()[-500:]}")
            return {PAGEFIND + p.relative_to(bundle).as_posix(): p.read_bytes()
                    for p in sorted(bundle.rglob("*")) if p.is_file() and not p.name.startswith(UNUSED)}


def start_search(graph: Graph, config: SiteConfig, previous: SearchIndex | None = None) -> SearchJob:
    """Start indexing the graph's search documents in the background (`previous` is reused if they are unchanged)."""
    documents = search_documents(graph, config)
    binary = pagefind_binary()
    key = search_key(documents, config, binary)
    if previous is not None and previous.key == key:
        return SearchJob((previous, Problems()))
    if binary is None:
        problems = Problems()
        problems.warn("pagefind", 1, "search index not built: the pagefind binary is missing "
                      "(pip install 'pagefind[bin]'); the site works without search")
        return SearchJob((NO_INDEX, problems))
    if not documents:
        return SearchJob((NO_INDEX, Problems()))
    return SearchJob()._start(binary, documents, key, config)


def search_index(graph: Graph, config: SiteConfig, previous: SearchIndex | None = None,
                 ) -> tuple[SearchIndex, Problems]:
    """The Pagefind bundle of the graph's search documents (`previous` if they are unchanged); a warning when it cannot be made."""
    return start_search(graph, config, previous).result()


def search_key(documents: Mapping[str, bytes], config: SiteConfig, binary: Path | None) -> str:
    """The digest of the documents and of the settings that change the bundle; '' without documents."""
    if not documents:
        return ""
    digest = hashlib.sha256(f"{config.language}\0{config.pretty_urls}\0{_version(binary)}\0".encode())
    for path in sorted(documents):
        data = documents[path]
        digest.update(path.encode() + b"\0" + len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def pagefind_binary() -> Path | None:
    """The Pagefind executable that `pagefind[bin]` ships, or None."""
    try:
        from pagefind_bin import get_executable
        return Path(get_executable())
    except (ImportError, OSError, FileNotFoundError):
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


def _write_documents(site: Path, documents: Mapping[str, bytes]) -> None:
    made: set[Path] = set()
    for path, data in documents.items():   # sorted, so Pagefind finds them in the same order each time
        target = site.joinpath(*path.split("/"))
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(data)


def _version(binary: Path | None) -> str:
    """The installed pagefind_bin version, which shapes the bundle ('' when unknown)."""
    if binary is None:
        return ""
    try:
        from importlib.metadata import version
        return version("pagefind_bin")
    except Exception:   # metadata missing or unreadable: the documents alone key the index
        return ""
