"""Stage 1, read: the content folder -> `Source` values (text files, kind by folder)."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

from .errors import Problems

MAX_FILE_BYTES = 4 * 1024 * 1024
PROFILE_FOLDERS = {"companies": "company", "sites": "site", "events": "event", "people": "person"}


@dataclass(frozen=True, slots=True)
class Source:
    """One content file, read as text."""

    path: str   # how errors name the file: the content folder as given, joined with `rel`
    rel: str    # path inside the content folder, with forward slashes
    kind: str   # article, company, site, event, person or properties
    text: str   # the file's text, line endings normalised to \n ("" when it was left unread)
    digest: str | None = None   # for a file left unread: the digest of its text, under which the cache holds its parse


Stamp = tuple[int, int, int]   # a file's (mtime in ns, size, inode): when it differs, the file changed


def read_sources(content_dir: Path, known: Mapping[str, tuple[Stamp, Source]] | None = None,
                 unread: Callable[[str, str, str, Stamp], str | None] | None = None,
                 taken: Mapping[str, Stamp] | None = None,
                 ) -> tuple[tuple[Source, ...], Problems, dict[str, tuple[Stamp, Source]]]:
    """Read every article, profile and properties.yaml below `content_dir`, sorted by path.

    Files whose stamp matches one in `known` (from an earlier read) are not read again, nor are
    those for which `unread(path, rel, kind, stamp)` gives the digest of their text (the cache holds
    their parse): their sources carry the digest instead of the text. The third value maps each
    file read cleanly to its stamp and source, for the next call. `taken` holds the stamp of every
    content file, taken already in this build (the cache's, `content_stamps`): the folder is not listed again.
    """
    problems = Problems()
    known = known or {}
    folder = os.path.join(content_dir, "")   # with its separator: the paths are as _content_files makes them
    listing = _content_files(content_dir, content_dir.resolve(), problems) if taken is None else \
        [(rel, folder + rel) for rel in sorted(taken)]
    sources, stamps = [], {}
    for rel, display in listing:
        kind = _kind_of(rel)
        if kind is None:
            if rel.endswith(".md"):
                problems.warn(display, 1, "ignored: Markdown files belong in articles/, companies/, sites/, events/ or people/")
            continue
        stamp = taken[rel] if taken is not None else _stamp(display)
        if rel in known and known[rel][0] == stamp and stamp is not None:
            source = known[rel][1]
        elif unread is not None and stamp is not None and (digest := unread(display, rel, kind, stamp)) is not None:
            source = Source(display, rel, kind, "", digest)
        else:
            source = _read_source(content_dir, rel, display, kind, problems)
        if source is not None:
            sources.append(source)
            if stamp is not None:
                stamps[rel] = (stamp, source)
    return tuple(sources), problems, stamps


def reread_sources(content_dir: Path, known: Mapping[str, tuple[Stamp, Source]], changed: frozenset[str],
                   ) -> tuple[tuple[Source, ...], Problems, dict[str, tuple[Stamp, Source]]] | None:
    """`read_sources` when only the `changed` content paths (a watcher's report) can differ from `known`, the
    last good read: only they are looked at, and no folder is listed. None when one of them is not plainly a
    content file, present or gone (a folder, a link, a hidden or ignored file): then every file must be looked at.
    (A link to a saved file keeps its old text until such a full read: the watcher names the file, not the link.)
    """
    problems = Problems()
    rels = set(known)
    for rel in changed:
        if rel not in known and (_kind_of(rel) is None or any(p.startswith(".") for p in rel.split("/"))
                                 or rel.endswith("~")):
            return None
        try:
            info = os.lstat(content_dir / rel)
        except FileNotFoundError:
            if rel not in known:
                return None   # perhaps a folder that went
            rels.discard(rel)
            continue
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        rels.add(rel)
    sources, stamps = [], {}
    for rel in sorted(rels):
        if rel in changed:
            display = str(content_dir / rel)
            stamp, source = _stamp(display), _read_source(content_dir, rel, display, _kind_of(rel), problems)
        else:
            stamp, source = known[rel]
        if source is not None:
            sources.append(source)
            if stamp is not None:
                stamps[rel] = (stamp, source)
    return tuple(sources), problems, stamps


def _read_source(content_dir: Path, rel: str, display: str, kind: str, problems: Problems) -> Source | None:
    """One content file read as a source, or None (with the problem noted) if it cannot be read as text."""
    text = _read_text(content_dir / rel, display, problems)
    return Source(display, rel, kind, text) if text is not None else None


def content_stamps(content_dir: Path) -> dict[str, Stamp] | None:
    """The stamp of every content file, without reading any; None if some file cannot be looked at."""
    problems = Problems()
    stamps = {}
    for rel, path in _content_files(content_dir, content_dir.resolve(), problems):
        stamp = _stamp(path)
        if stamp is None:
            return None
        stamps[rel] = stamp
    return None if problems.errors else stamps


def _stamp(path: str) -> Stamp | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size, info.st_ino)


def _content_files(content_dir: Path, root: Path, problems: Problems) -> list[tuple[str, str]]:
    """(relative path, path) of the files below the folder, sorted; links that lead outside it are refused."""
    found: list[tuple[str, str]] = []
    _scan(str(content_dir), "", root, problems, found)
    return sorted(found)


def _scan(folder: str, prefix: str, root: Path, problems: Problems, found: list[tuple[str, str]]) -> None:
    with os.scandir(folder) as scan:
        entries = sorted(scan, key=lambda entry: entry.name)
    for entry in entries:
        if entry.name.startswith(".") or (entry.name.endswith("~") and not entry.is_dir()):
            continue
        if entry.is_symlink() and not _inside(Path(entry.path), root, problems):
            continue
        if entry.is_dir():
            _scan(entry.path, f"{prefix}{entry.name}/", root, problems, found)
        else:
            found.append((prefix + entry.name, entry.path))


def _inside(path: Path, root: Path, problems: Problems) -> bool:
    """A symbolic link may be followed only to a file inside the content folder."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError) as error:
        problems.error(str(path), 1, f"symbolic link cannot be followed ({error.__class__.__name__}: a loop or a missing target)")
        return False
    if target == root or root in target.parents:
        return not target.is_dir()   # a linked folder inside the content would be read twice
    problems.error(str(path), 1, f"symbolic link leads outside the content folder (to {target}); refused")
    return False


def _kind_of(rel: str) -> str | None:
    if rel == "properties.yaml":
        return "properties"
    top, _, rest = rel.partition("/")
    if not rest or not rel.endswith(".md"):
        return None
    if top == "articles":
        return "article"
    return PROFILE_FOLDERS.get(top)


def read_text(path: Path) -> str | None:
    """A content file's text as a build would read it, or None if it cannot be read."""
    return _read_text(path, str(path), Problems())


def _read_text(path: Path, display: str, problems: Problems) -> str | None:
    try:
        data = _file_bytes(os.fspath(path))
    except OSError as error:
        problems.error(display, 1, f"cannot read file: {error.strerror}")
        return None
    if len(data) > MAX_FILE_BYTES:
        problems.error(display, 1, f"file is larger than {MAX_FILE_BYTES // 1024 // 1024} MiB")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        head = data[:error.start]
        line = head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1
        problems.error(display, line, f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start}); save the file as UTF-8")
        return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _file_bytes(path: str) -> bytes:
    """A file's bytes, but no more than MAX_FILE_BYTES + 1 of them (one more tells it is too big): the read stage
    runs on one core."""
    return file_bytes(path, MAX_FILE_BYTES + 1)[0]


def file_bytes(path: str, most: int | None = None) -> tuple[bytes, os.stat_result]:
    """A file's bytes (no more than `most` of them, if given) and its `fstat` once they are read, with plain system
    calls: four for a file that does not change meanwhile, half the time of `Path.read_bytes` for a small one."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        info = os.fstat(descriptor)
        data = os.read(descriptor, info.st_size + 1 if most is None else min(info.st_size + 1, most))
        if len(data) == info.st_size:
            return data, info   # the whole file, at once
        chunks, left = [data], None if most is None else most - len(data)
        while (left is None or left > 0) and (chunk := os.read(descriptor, min(left or 1 << 20, 1 << 20))):
            chunks.append(chunk)   # it grew or shrank since its size was taken, or is bigger than `most`
            left = None if left is None else left - len(chunk)
        return b"".join(chunks), os.fstat(descriptor)
    finally:
        os.close(descriptor)
