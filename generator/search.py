"""Search: a Pagefind index of the fact sheets and articles, as files for the output.

Pagefind indexes HTML, so the rendered pages marked `data-pagefind-body` are copied to a
temporary folder outside the output, the Pagefind binary (from the `pagefind[bin]` package)
indexes them, and its bundle is read back into memory under `pagefind/`; only write.py ever
touches the output. The bundle is byte-identical for the same pages. Without the binary the
site is built all the same, with a warning, and the search page says search is unavailable.
(The Pagefind Python API was measured at 6.6 s for the 66-file demo, because its service
polls every 100 ms per added page; one run of the binary takes about 0.1 s.)
"""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from .config import SiteConfig
from .errors import Problems
from .urls import PAGEFIND

MARK = b"data-pagefind-body"
UNUSED = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.")
TIMEOUT = 300


@dataclass(frozen=True, slots=True)
class SearchIndex:
    """A Pagefind bundle and the digest of what it indexes, so that unchanged pages are not indexed again."""

    key: str                     # digest of the indexed pages and the settings; '' when nothing was indexed
    files: Mapping[str, bytes]   # output path -> bytes of the bundle


NO_INDEX = SearchIndex("", {})


def search_files(files: dict[str, bytes], config: SiteConfig, previous: SearchIndex | None = None,
                 ) -> tuple[SearchIndex, Problems]:
    """The Pagefind bundle for the pages that ask to be indexed (`previous` if they are unchanged); a warning when it cannot be made."""
    problems = Problems()
    pages = {path: data for path, data in files.items() if path.endswith(".html") and MARK in data}
    key = _digest(pages, config)
    if previous is not None and previous.key == key:
        return previous, problems
    binary = pagefind_binary()
    if binary is None:
        problems.warn("pagefind", 1, "search index not built: the pagefind binary is missing "
                      "(pip install 'pagefind[bin]'); the site works without search")
        return NO_INDEX, problems
    if not pages:
        return NO_INDEX, problems
    try:
        return SearchIndex(key, _index(binary, pages, config)), problems
    except (OSError, subprocess.SubprocessError) as error:
        problems.warn(str(binary), 1, f"search index not built: {error}")
        return NO_INDEX, problems


def _digest(pages: dict[str, bytes], config: SiteConfig) -> str:
    digest = hashlib.sha256(f"{config.language}\0{config.pretty_urls}\0".encode())
    for path in sorted(pages):
        digest.update(path.encode() + b"\0" + len(pages[path]).to_bytes(8, "big") + pages[path])
    return digest.hexdigest()


def pagefind_binary() -> Path | None:
    """The Pagefind executable that `pagefind[bin]` ships, or None."""
    try:
        from pagefind_bin import get_executable
        return Path(get_executable())
    except (ImportError, OSError, FileNotFoundError):
        return None


def _index(binary: Path, pages: dict[str, bytes], config: SiteConfig) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory(prefix="factsheet-search-") as temp:
        site, bundle = Path(temp, "site"), Path(temp, "bundle")
        for path, data in pages.items():
            target = site.joinpath(*path.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        command = [str(binary), "--site", str(site), "--output-path", str(bundle), "--silent",
                   "--force-language", config.language.split("-")[0].lower() or "en"]
        if not config.pretty_urls:
            command.append("--keep-index-url")
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
        if done.returncode != 0:
            raise subprocess.SubprocessError(f"pagefind exited with {done.returncode}: {done.stderr.strip()[-500:]}")
        return {PAGEFIND + p.relative_to(bundle).as_posix(): p.read_bytes()
                for p in sorted(bundle.rglob("*")) if p.is_file() and not p.name.startswith(UNUSED)}
