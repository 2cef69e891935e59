"""Shared helpers: make a content folder from a dict, run the CLI in-process, parse pages."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass
class Run:
    """The outcome of one CLI run."""

    status: int
    out: str
    err: str


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Create files below `root` (text is dedented; bytes are written as they are)."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def run_cli(capsys, tmp_path):
    """Run `build.py` with arguments in-process and capture its exit status and output.

    Unless the arguments name one, the build cache is kept in the test's own folder, so that no
    test leaves a cache beside a fixture's site.yaml or shares one with another test.
    """
    def run(*args: str) -> Run:
        words = [str(a) for a in args]
        if "--cache" not in words and "--no-cache" not in words:
            words += ["--cache", str(tmp_path / "cli-cache")]
        status = main(words)
        captured = capsys.readouterr()
        return Run(status, captured.out, captured.err)
    return run


def build_quietly(site: Path, out: Path) -> Path:
    """Build a site folder (its content/ and site.yaml) into `out`; the build must succeed."""
    status = main(["--content", str(site / "content"), "--output", str(out), "--config", str(site / "site.yaml"),
                   "--cache", str(out.with_name(out.name + ".cache")), "--quiet"])   # never a cache in the fixtures
    assert status == 0, f"building {site} failed"
    return out


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file below a folder with its bytes and modification time, to prove it untouched."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def soup(path: Path) -> BeautifulSoup:
    """A built page, parsed."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
