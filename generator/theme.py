"""The theme: the default templates and a site's own, and the stamp that says whether they changed."""

from __future__ import annotations

from pathlib import Path

from .config import SiteConfig

DEFAULT_THEME = Path(__file__).resolve().parent.parent / "templates"


def theme_stamp(config: SiteConfig) -> tuple:
    """The settings and every template file's stamp: pages rendered under another stamp must be rendered again."""
    stamps = []
    for path in theme_files(config):
        try:
            info = path.stat()
        except OSError:   # removed while we looked (a `git checkout`): the next save rebuilds again
            continue
        stamps.append((str(path), info.st_mtime_ns, info.st_size, info.st_ino))
    return (config, tuple(stamps))


def theme_files(config: SiteConfig) -> list[Path]:
    """Every file of the site's template folder and of the default theme."""
    files = []
    for folder in (config.templates, DEFAULT_THEME):
        if folder and folder.is_dir():
            files += sorted(p for p in folder.rglob("*") if p.is_file())
    return files
