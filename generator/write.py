"""Stage 5, write: the only code that touches the output folder.

Changed files are first staged as temporary files beside their targets, then renamed into
place, then files that no longer belong are removed. Unchanged files are not touched, so a
second build of an unchanged site writes nothing. Names starting with '.' are never removed
(a `.git` folder of a deploy checkout survives); `.factsheet` marks a folder as ours.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError

MARKER = ".factsheet"
MARKER_TEXT = b"This folder is built by Factsheet; files in it are replaced on every build.\n"


class OutputError(Exception):
    """The output folder could not be written (disk full, permissions)."""


@dataclass(frozen=True, slots=True)
class WriteReport:
    """What a write did."""

    written: int
    unchanged: int
    removed: int


def check_output(output: Path) -> None:
    """Refuse an output folder that holds files Factsheet did not make."""
    if output.exists() and not output.is_dir():
        raise UsageError(f"output '{output}' exists and is not a folder")
    if output.is_dir() and not (output / MARKER).exists() and any(
            not entry.name.startswith(".") for entry in os.scandir(output)):
        raise UsageError(f"output folder '{output}' is not empty and was not made by Factsheet; "
                          "empty it or choose another with --output")


def write_site(files: dict[str, bytes], output: Path) -> WriteReport:
    """Make `output` hold exactly `files`, rewriting only what changed."""
    check_output(output)
    targets = {rel: _target(output, rel) for rel in files}
    changed = [rel for rel in sorted(files) if not _same(targets[rel], files[rel])]
    stale = sorted(set(_existing(output)) - files.keys())
    if changed or stale:
        output.mkdir(parents=True, exist_ok=True)
        if not (output / MARKER).exists():
            (output / MARKER).write_bytes(MARKER_TEXT)
        _publish({targets[rel]: files[rel] for rel in changed})
        for rel in stale:
            (output / rel).unlink()
        _remove_empty_folders(output)
    return WriteReport(len(changed), len(files) - len(changed), len(stale))


def _target(output: Path, rel: str) -> Path:
    """The file for an output path; anything that would leave the folder is refused."""
    parts = rel.split("/")
    if rel.startswith("/") or "\\" in rel or any(p in ("", ".", "..") for p in parts):
        raise OutputError(f"refusing to write '{rel}': it would leave the output folder")
    return output.joinpath(*parts)


def _same(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _publish(new: dict[Path, bytes]) -> None:
    """Stage every file next to its target, then rename them all into place."""
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in new.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            temp.write_bytes(data)
            staged.append((temp, target))
    except OSError as error:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        raise OutputError(f"cannot write {error.filename}: {error.strerror}") from None
    for temp, target in staged:
        os.replace(temp, target)


def _existing(output: Path) -> list[str]:
    """Output paths of the files already there, hidden names left out."""
    found = []
    if not output.is_dir():
        return found
    for folder, dirs, files in os.walk(output):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        rel = Path(folder).relative_to(output).as_posix()
        prefix = "" if rel == "." else rel + "/"
        found += [prefix + name for name in files if not name.startswith(".")]
    return found


def _remove_empty_folders(output: Path) -> None:
    for folder, dirs, files in os.walk(output, topdown=False):
        path = Path(folder)
        if path != output and not path.name.startswith(".") and not any(path.iterdir()):
            path.rmdir()
