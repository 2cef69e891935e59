"""The cache's files: pickles stamped with the version of the code that wrote them, written atomically."""

from __future__ import annotations

import copyreg
import functools
import hashlib
import os
import pickle
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from . import release
from .parallel import collector_paused, freeze_in_heap

LIBRARIES = ("markdown-it-pyrs", "Jinja2", "MarkupSafe", "PyYAML", "python-slugify", "pagefind-bin")
PACKAGE = Path(__file__).resolve().parent


def code_version() -> str:
    """A digest of this package's code, Python's version and the libraries': a change invalidates the cache."""
    digest = hashlib.sha256(sys.version.encode())
    versions = installed_versions()
    for name in LIBRARIES:
        digest.update(f"{name}={versions.get(_normalized(name), 'none')}".encode())
    for path in sorted(PACKAGE.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def installed_versions() -> dict[str, str]:
    """The version of each distribution installed on `sys.path` (the first found of each name), by normalized
    name, from the names of their metadata folders: what importlib.metadata.version() gives, without
    importing it (a tenth of a second, at every build). Looked up once per process: the build asks twice."""
    versions: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = sorted(os.listdir(folder or "."))
        except OSError:
            continue
        for entry in names:
            if entry.endswith((".dist-info", ".egg-info")):
                name, _, version = entry.rsplit(".", 1)[0].partition("-")
                versions.setdefault(_normalized(name), version)
    return versions


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def file_digest(paths: list[Path]) -> str:
    """A digest of these files' names and contents (missing files count as empty)."""
    digest = hashlib.sha256()
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError:
            data = b""
        digest.update(str(path).encode() + b"\0" + len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def text_digest(text: str) -> str:
    """The hash a parse is cached under."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class Chunks:
    """Stored in place of a dict saved in chunks: the dict's entries follow, in `count` pickles of their own."""

    count: int


def load(folder: Path, name: str, version: str) -> Any:
    """The value stored under `name` by this version of the code, or None."""
    try:
        with open(folder / f"{name}.pickle", "rb") as file, collector_paused():   # many objects made at once
            stored_version, value = pickle.load(file)
            if stored_version != version:
                return None
            if isinstance(value, Chunks):
                value = {key: item for _ in range(value.count) for key, item in pickle.load(file).items()}
            freeze_in_heap()   # and, in a build, kept to its end: the collector need not walk them when it wakes
    except Exception:   # missing, truncated, or from another version whose classes differ: rebuild
        return None
    return value


def save(folder: Path, name: str, version: str, value: Any, reducers: Mapping[type, Callable] | None = None,
         chunk: int = 0) -> bool:
    """Store a value under `name`, atomically, and say whether it was stored: a cache that cannot be written
    is no error. `reducers` (type -> reduce function, as for copyreg) pickle some types otherwise than elsewhere.
    With `chunk`, a bigger dict is stored `chunk` entries to a pickle, and the pickler lets go of what it
    pickled after each: its memo holds every object pickled, and those its reducers made, until it does."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{name}-")
        try:
            with os.fdopen(handle, "wb") as file:
                pickler = pickle.Pickler(file, protocol=pickle.HIGHEST_PROTOCOL)
                if reducers:
                    pickler.dispatch_table = {**copyreg.dispatch_table, **reducers}
                if chunk and isinstance(value, dict) and len(value) > chunk:
                    _dump_chunks(pickler, version, value, chunk)
                else:
                    pickler.dump((version, value))
                size = file.tell()
            held: list[int] = []
            release.hold(str(folder / f"{name}.pickle"), size, held)   # freed in the background
            try:
                os.replace(temp, folder / f"{name}.pickle")
            finally:
                release.close_later(held)
        except BaseException:
            os.unlink(temp)
            raise
    except (OSError, pickle.PicklingError, RecursionError):
        return False
    return True


def _dump_chunks(pickler: pickle.Pickler, version: str, value: dict, chunk: int) -> None:
    items = list(value.items())
    pickler.dump((version, Chunks(-(-len(items) // chunk))))
    for start in range(0, len(items), chunk):
        pickler.clear_memo()
        pickler.dump(dict(items[start:start + chunk]))


def remove(folder: Path, name: str) -> None:
    """Forget what is stored under `name`, if anything."""
    try:
        os.unlink(folder / f"{name}.pickle")
    except OSError:
        pass


def now() -> float:
    """The wall-clock time a snapshot is stamped with."""
    return time.time()
