"""Stage 1, read: the content folder -> `Source` values (text files, kind by folder)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import Problems

MAX_FILE_BYTES = 4 * 1024 * 1024
PROFILE_FOLDERS = {"companies": "company", "sites": "site", "events": "event", "people": "person"}


@dataclass(frozen=True, slots=True)
class Source:
    """One content file, read as text."""

    path: str   # how errors name the file: the content folder as given, joined with `rel`
    rel: str    # path inside the content folder, with forward slashes
    kind: str   # article, company, site, event, person or properties
    text: str   # the file's text, line endings normalised to \n


def read_sources(content_dir: Path) -> tuple[tuple[Source, ...], Problems]:
    """Read every article, profile and properties.yaml below `content_dir`, sorted by path."""
    problems = Problems()
    root = content_dir.resolve()
    sources = []
    for rel in _content_files(content_dir, root, problems):
        kind = _kind_of(rel)
        display = os.path.join(str(content_dir), *rel.split("/"))
        if kind is None:
            if rel.endswith(".md"):
                problems.warn(display, 1, "ignored: Markdown files belong in articles/, companies/, sites/, events/ or people/")
            continue
        text = _read_text(content_dir / rel, display, problems)
        if text is not None:
            sources.append(Source(display, rel, kind, text))
    return tuple(sources), problems


def _content_files(content_dir: Path, root: Path, problems: Problems) -> list[str]:
    """Relative paths of the files below the folder; links that lead outside it are refused."""
    found = []
    for folder, dirs, files in os.walk(content_dir):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and _inside(here / d, root, problems, content_dir))
        for name in files:
            if name.startswith(".") or name.endswith("~"):
                continue
            if _inside(here / name, root, problems, content_dir):
                found.append((here / name).relative_to(content_dir).as_posix())
    return sorted(found)


def _inside(path: Path, root: Path, problems: Problems, content_dir: Path) -> bool:
    if not path.is_symlink():
        return True
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


def _read_text(path: Path, display: str, problems: Problems) -> str | None:
    try:
        data = path.read_bytes()
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
