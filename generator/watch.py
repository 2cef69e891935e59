"""File watching for `serve`: watchfiles (inotify on Linux) threads that report bursts of saves.

Each thread puts a set of changed paths on a queue; `preview.next_batch` turns a burst into
one rebuild. The output folder is never reported, so writing the site cannot trigger a rebuild.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path

import watchfiles

STEP_MS = 30          # watchfiles groups changes that come closer together than this
DEBOUNCE_MS = 400     # ... for at most this long


def start_watching(folders: list[Path], config: Path, output: Path, changes: queue.Queue,
                   stop: threading.Event) -> list[threading.Thread]:
    """Watch the folders (recursively) and the config file; put each burst of changed paths on `changes`."""
    output = output.resolve()
    skip = watchfiles.DefaultFilter()

    def wanted(change: watchfiles.Change, path: str) -> bool:
        resolved = Path(path).resolve()
        return (skip(change, path) and not Path(path).name.startswith(".")
                and resolved != output and output not in resolved.parents)

    threads = [_thread([p for p in folders if p.is_dir()], wanted, True, changes, stop)]
    if config.parent.is_dir():
        target = config.resolve()
        threads.append(_thread([config.parent], lambda _, path: Path(path).resolve() == target, False, changes, stop))
    for thread in threads:
        thread.start()
    return threads


def _thread(paths: list[Path], wanted, recursive: bool, changes: queue.Queue, stop: threading.Event) -> threading.Thread:
    def run() -> None:
        for batch in watchfiles.watch(*paths, watch_filter=wanted, recursive=recursive, stop_event=stop,
                                      step=STEP_MS, debounce=DEBOUNCE_MS, rust_timeout=500, raise_interrupt=False):
            changes.put({Path(path) for _, path in batch})
    return threading.Thread(target=run, name="factsheet-watch", daemon=True)
