"""The rebuild side of `serve`: incremental rebuilds after saves, and the error state they leave.

A `Previewer` keeps the memo of the last good build. Each rebuild forgets the files a
watcher reported, rebuilds, and returns an `Outcome`: what changed, and the errors to show
(the last good pages stay in place while the content is broken). A save's rebuild reads only
the content files saved since the last good build, without listing the content folder; the
rebuild once saves stop looks at every file, so a change the watcher missed shows then.
"""

from __future__ import annotations

import queue
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable

from .build import BuildOptions, BuildResult, Memo, build_site
from .errors import BuildFailed, ContentError, UsageError
from .parallel import freeze_lasting
from .theme import DEFAULT_THEME
from .write import OutputError

QUIET_SECONDS = 0.05    # a burst of saves is over when nothing new came for this long
LONGEST_BURST = 1.0     # ... or when it has gone on this long


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one preview rebuild did."""

    errors: tuple[str, ...]              # `path:line: message` lines; empty when the build succeeded
    warnings: tuple[ContentError, ...]   # warnings of the build
    result: BuildResult | None           # the build's report when it succeeded
    changed: bool                        # whether the browser should reload (files or errors changed)
    seconds: float                       # how long the rebuild took


class Previewer:
    """Rebuilds one site again and again, redoing only what the changed files require."""

    def __init__(self, options: BuildOptions) -> None:
        self.options = options
        self.templates: Path | None = None  # the site's own template folder, once a build has read site.yaml
        self.memo: Memo | None = None     # the last good build's memo
        self.errors: tuple[str, ...] = ()  # the errors now shown
        self.derived_are_stale = False       # whether the last good build kept older exports and search index
        self.saved: set[str] | None = set()  # content paths saved since the last good build (None: not all known)

    def rebuild(self, changed: Iterable[Path] = (), derived: bool = True) -> Outcome:
        """Build again after `changed` files were saved; never raises for bad content.

        With `derived` False the last data exports and search index are kept as they are, so
        that a save shows at once; `derived_are_stale` then says to `rebuild()` when all is quiet.
        """
        started = time.perf_counter()
        memo = self._forget([Path(p) for p in changed], quick=not derived)
        try:
            workers = self.options.workers if self.memo is None else 1   # no forking once the server's threads run
            result = build_site(replace(self.options, derived=derived, keep=True, workers=workers), memo)
        except BuildFailed as failed:
            return self._failed(tuple(str(e) for e in failed.errors), tuple(failed.warnings), started)
        except (UsageError, OutputError) as error:
            return self._failed((f"error: {error}",), (), started)
        self.memo, self.templates, self.saved = result.memo, result.config.templates, set()
        freeze_lasting()   # the memo lives long: spare the cycle collector from walking it again in every rebuild
        self.derived_are_stale = not derived
        was_broken, self.errors = bool(self.errors), ()
        report = result.report
        changed_files = report is not None and (report.written or report.removed)
        return Outcome((), result.warnings, result, bool(changed_files or was_broken), time.perf_counter() - started)

    def watched(self) -> list[Path]:
        """The folders a watcher must watch: the content and every template folder."""
        return [p for p in (self.options.content, self.templates, DEFAULT_THEME) if p is not None]

    def _failed(self, errors: tuple[str, ...], warnings: tuple, started: float) -> Outcome:
        changed, self.errors = errors != self.errors, errors
        self.derived_are_stale = False   # nothing to index until the content builds again
        return Outcome(errors, warnings, None, changed, time.perf_counter() - started)

    def _forget(self, changed: list[Path], quick: bool = False) -> Memo | None:
        """The last good memo without what the changed files may have changed. With `quick` (a save), the
        build reads only the content files saved since that memo's build, when all of them are known."""
        if self.memo is None or not changed:
            return self.memo
        content = self.options.content.resolve()
        themes = [p.resolve() for p in (self.templates, DEFAULT_THEME) if p is not None]
        rels = {path.resolve().relative_to(content).as_posix() for path in changed if _below(path, content)}
        theme_changed = any(_below(path, theme) for path in changed for theme in themes)
        if self.saved is not None:
            self.saved = self.saved | rels if len(rels) == len(changed) else None   # else: not content (site.yaml?)
        known = quick and self.saved is not None and not theme_changed
        return self.memo.forget(rels, theme_changed, frozenset(self.saved) if known else None)


def _below(path: Path, folder: Path) -> bool:
    return folder in path.resolve().parents


def next_batch(changes: queue.Queue, quiet: float = QUIET_SECONDS, longest: float = LONGEST_BURST,
               wait: float | None = None) -> set[Path]:
    """Wait for a change (at most `wait` seconds, else raise queue.Empty), then gather the rest of its burst."""
    batch = set(changes.get(timeout=wait))
    deadline = time.monotonic() + longest
    while (left := deadline - time.monotonic()) > 0:
        try:
            batch |= changes.get(timeout=min(quiet, left))
        except queue.Empty:
            break
    return batch
