"""A progress bar for builds that take a while, drawn on a terminal only.

The build calls `stage(name, total)` as each stage starts and `advance(n)` as work gets done.
Nothing is drawn during the first second (a quick build prints only its summary); then one
line is redrawn in place with `\\r`, at most ten times a second: the stage, a bar, done/total
and the seconds since the build started, cut to the terminal's width. `close()` erases it, so
that warnings, errors and the summary start on a clean line. No threads: it is drawn from the
build's own calls. `NO_PROGRESS` does nothing, for serve's rebuilds and output that is not a terminal.
"""

from __future__ import annotations

import os
import shutil
import time
from typing import Callable, TextIO

DELAY = 1.0                  # seconds of build before the bar appears
DELAY_VARIABLE = "FACTSHEET_PROGRESS_DELAY"   # overrides DELAY (tests set 0)
INTERVAL = 0.1               # seconds between redraws, at least
BAR_WIDTH = 30               # the bar's cells when the terminal is wide enough
SHORTEST_BAR = 5             # narrower than this, the bar is left out


class NoProgress:
    """Progress that shows nothing."""

    def stage(self, name: str, total: int = 0) -> None:
        """A stage starts with `total` steps (0: unknown)."""

    def advance(self, n: int = 1) -> None:
        """`n` more steps of the stage are done."""

    def close(self) -> None:
        """The build is over."""

    def __enter__(self) -> NoProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


NO_PROGRESS = NoProgress()


class Progress(NoProgress):
    """A one-line progress bar redrawn in place on a terminal."""

    def __init__(self, stream: TextIO, delay: float = DELAY, clock: Callable[[], float] = time.monotonic,
                 columns: Callable[[], int] | None = None) -> None:
        self.stream, self.delay, self.clock = stream, delay, clock
        self.columns = columns or (lambda: terminal_columns(stream))
        self.started = clock()
        self.name, self.total, self.done = "", 0, 0
        self.counted = False                 # whether the stage has advanced: until then its bar would only say 0
        self.drawn_at: float | None = None   # when the line was last drawn
        self.shown = 0                       # characters of the line now on the screen
        self.closed = False

    @classmethod
    def for_terminal(cls, stream: TextIO, quiet: bool = False) -> NoProgress:
        """A real bar when `stream` is a terminal and the build is not quiet; else NO_PROGRESS."""
        isatty = getattr(stream, "isatty", None)
        if quiet or isatty is None or not isatty():
            return NO_PROGRESS
        return cls(stream, delay=delay_from_environment())

    def stage(self, name: str, total: int = 0) -> None:
        """A stage starts with `total` steps (0: unknown); shown at once once the delay is over."""
        self.name, self.total, self.done, self.counted = name, max(total, 0), 0, False
        self._draw(throttled=False)

    def advance(self, n: int = 1) -> None:
        """`n` more steps of the stage are done; the line is redrawn if it was not just drawn."""
        self.done, self.counted = self.done + n, True
        self._draw(throttled=True)

    def close(self) -> None:
        """Erase the line (if one was drawn); nothing is drawn afterwards."""
        if self.shown:
            self.stream.write("\r" + " " * self.shown + "\r")
            self.stream.flush()
            self.shown = 0
        self.closed = True

    def line(self, now: float) -> str:
        """The text of the line at time `now`, at most one character narrower than the terminal."""
        width = max(self.columns() - 1, 1)
        seconds = f"{now - self.started:.1f} s"
        if not self.total or not self.counted:   # a stage that does not count its steps (yet)
            count = f" {self.done}" if self.done else f" ({self.total})" if self.total else ""
            return f"{self.name}{count} ... {seconds}"[:width]
        done = min(self.done, self.total)
        count = f"{done}/{self.total}"
        cells = min(BAR_WIDTH, width - len(self.name) - len(count) - len(seconds) - 5)
        if cells < SHORTEST_BAR:
            return f"{self.name} {count} {seconds}"[:width]
        filled = cells * done // self.total
        return f"{self.name} [{'#' * filled}{'.' * (cells - filled)}] {count} {seconds}"

    def _draw(self, throttled: bool) -> None:
        if self.closed:
            return
        now = self.clock()
        if now - self.started < self.delay:
            return
        if throttled and self.drawn_at is not None and now - self.drawn_at < INTERVAL:
            return
        text = self.line(now)
        self.stream.write("\r" + text + " " * max(self.shown - len(text), 0))
        self.stream.flush()
        self.drawn_at, self.shown = now, max(len(text), self.shown)


def terminal_columns(stream: TextIO) -> int:
    """The width of the terminal `stream` writes to (of stdout's, or 80, if that cannot be told)."""
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        columns = 0
    return columns if columns > 0 else shutil.get_terminal_size().columns   # a terminal of unset size says 0


def delay_from_environment() -> float:
    """The delay before the bar appears: DELAY, or the number in FACTSHEET_PROGRESS_DELAY."""
    try:
        return max(float(os.environ[DELAY_VARIABLE]), 0.0)
    except (KeyError, ValueError):
        return DELAY
