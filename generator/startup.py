"""A build's start, before any content is read: its options, its settings, and whether its cache
says there is nothing to do. Light on imports, so that a build with nothing to do need not load
the rest of the pipeline (the command line checks first, then imports build.py)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import BuildCache, Snapshot
from .config import SiteConfig, load_config
from .errors import ContentError, Problems, UsageError
from .theme import theme_files
from .write import WriteReport, check_output

if TYPE_CHECKING:
    from .memo import Memo

CACHE_FOLDER = ".factsheet-cache"


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What to build from and where to."""

    content: Path
    output: Path
    config: Path
    config_required: bool = False   # True when --config named the file
    write: bool = True              # False for `check`
    derived: bool = True            # False keeps the last data exports and search index, and trusts the output to hold
                                    # what the last build wrote (`serve` refreshes and checks them when idle)
    cache: Path | None = None       # folder of the persistent build cache; None builds without one
    workers: int = 1                # processes that parse and render when there is much to do
    keep: bool = False              # keep every page's context, for the next build in this process (`serve`)


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a successful build did."""

    files: int
    articles: int
    entities: int
    facts: int
    warnings: tuple[ContentError, ...]
    report: WriteReport | None
    seconds: float
    read: int = 0       # content files read from disk (the others were known unchanged)
    parsed: int = 0     # content files parsed
    rendered: int = 0   # pages rendered (the others were unchanged)
    memo: Memo | None = None          # what the next build can reuse
    config: SiteConfig | None = None  # the settings the site was built with


@dataclass(frozen=True, slots=True)
class Start:
    """What a build finds before it reads the content."""

    config: SiteConfig
    problems: Problems            # what loading the settings found
    cache: BuildCache | None      # the persistent cache, for a build without a memo that writes
    last: Snapshot | None         # what the cache says of the last build
    started: float                # time.perf_counter() when the build began


def start_build(options: BuildOptions, memo: Memo | None = None) -> Start:
    """Check the folders, load the settings and open the cache (none when a memo is given)."""
    started = time.perf_counter()
    check_folders(options)
    config, problems = load_config(options.config, options.config_required)
    cache = open_cache(options, config) if memo is None and options.write else None
    return Start(config, problems, cache, cache.last() if cache else None, started)


def nothing_to_do(start: Start, options: BuildOptions) -> BuildResult | None:
    """The result of the build if its inputs and outputs are just as the last build left them; else None."""
    last = start.last
    if last is None or options.keep or not start.cache.unchanged(last, options.content, options.output):
        return None
    return _nothing_done(last, start.started, start.config)


def open_cache(options: BuildOptions, config: SiteConfig) -> BuildCache | None:
    """The persistent cache of a build from these options and settings, if it has one."""
    if options.cache is None:
        return None
    setup = (str(options.content.resolve()), str(options.output.resolve()), str(options.config.resolve()),
             options.config_required, options.derived)
    return BuildCache.open(options.cache, setup, options.config, theme_files(config), options.content)


def _nothing_done(snapshot: Snapshot, started: float, config: SiteConfig) -> BuildResult:
    """The result of a build whose inputs and outputs are just as the last build left them."""
    files = snapshot.counts[0]
    return BuildResult(*snapshot.counts, snapshot.warnings, WriteReport(0, files, 0), time.perf_counter() - started,
                       config=config)


def check_folders(options: BuildOptions) -> None:
    """The content folder must exist, and the output must be a folder of its own."""
    if not options.content.is_dir():
        raise UsageError(f"content folder '{options.content}' not found (use --content DIR)")
    if options.config_required and not options.config.is_file():
        raise UsageError(f"config file '{options.config}' not found")
    content, output = options.content.resolve(), options.output.resolve()
    if output == content or content in output.parents or output in content.parents:
        raise UsageError(f"output '{options.output}' and content '{options.content}' must not contain each other")
    if options.write:
        check_output(options.output)
