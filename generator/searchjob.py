"""The job that has Pagefind make the search index, RUNS_AT_ONCE parts at a time, in the background.

search.py decides what is indexed and in which parts (searchparts.py); pagefindrun.py writes a
part's documents to a scratch folder and holds the command that indexes them; this module runs
those commands in background threads, each taking the next part as its last run ends, and reads
each part's bundle back.
"""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path
from typing import Callable, Mapping

from .config import SiteConfig
from .errors import Problems
from .pagefindrun import Bundle, ScratchRun, remove_stale_scratch, scratch_folder
from .searchparts import NO_INDEX, Part, SearchIndex, combine_parts
from .write import Staged, Stager

TIMEOUT = 300   # seconds one run of Pagefind may take
RUNS_AT_ONCE = 2   # Pagefind runs at a time: one keeps about 1.4 of 2 cores busy; two take the memory of one part twice the size


class SearchJob:
    """A search index being made in the background; `result()` waits for it.

    The documents of each part to index are written to a scratch folder by `start_search`, in the
    build's thread (the first part's before the background threads start, the others' while Pagefind
    indexes the first); each of RUNS_AT_ONCE background threads only runs Pagefind on the next part
    not taken yet, until none is left, and `result()` reads the bundles back, in order. So the threads
    need Python's interpreter lock only to start a process and to see it end: a thread that wrote or
    read thousands of files while the build's thread makes the exports would wait for that lock at
    every file. Given a stager, `result()` stages each part's files as soon as that part is indexed,
    while Pagefind indexes the next ones.
    """

    def __init__(self, done: tuple[SearchIndex, Problems] | None = None) -> None:
        self._outcome = done
        self._parts: list[Part] = []
        self._made: dict[str, Mapping[str, bytes]] = {}   # part key -> its bundle's files, reused or read back
        self._runs: list[ScratchRun] = []
        self._binary: Path | None = None
        self._error: OSError | subprocess.SubprocessError | None = None
        self._threads: list[threading.Thread] = []
        self._processes: set[subprocess.Popen] = set()
        self._lock = threading.Lock()
        self._cancelled = False
        self._indexed = threading.Condition()   # notified as each run is prepared, and as each one ends
        self._prepared = False                  # every run is prepared, or preparing one failed
        self._taken = 0                         # runs a thread has taken (begun)
        self._ended_runs: set[int] = set()      # runs that have ended
        self._threads_ended = 0
        self._staged: dict[str, bytes | Staged] = {}

    def _start(self, binary: Path, parts: list[Part], reused: dict, config: SiteConfig,
               stager: Stager | None = None) -> SearchJob:
        self._binary, self._parts, self._made = binary, parts, dict(reused)
        todo = [part for part in parts if part.key not in reused]
        try:
            scratch = scratch_folder(sum(len(part.documents) for part in todo))
            remove_stale_scratch(scratch)
            bundles = stager.scratch_folder() if stager is not None and todo else None   # moved into place from there
            for number, part in enumerate(todo):
                run = ScratchRun.prepare(part.key, part.folder, part.documents, binary, config, scratch, bundles)
                with self._indexed:
                    self._runs.append(run)
                    self._indexed.notify_all()
                if number == 0:   # Pagefind indexes the first part while the others' documents are written
                    self._threads = [threading.Thread(target=self._run_all, args=(k,), name=f"factsheet-search-{k}", daemon=True)
                                     for k in range(min(RUNS_AT_ONCE, len(todo)))]
                    for thread in self._threads:
                        thread.start()
        except OSError as error:
            with self._indexed:
                self._error = error
        finally:
            with self._indexed:
                self._prepared = True
                self._indexed.notify_all()
        return self

    def result(self, stager: Stager | None = None, meanwhile: Callable[[], None] | None = None,
               ) -> tuple[SearchIndex, Problems]:
        """The index and its warnings, once Pagefind is done (each part at most TIMEOUT seconds).

        With a `stager`, the files of each part indexed now are staged as soon as it is done; `staged()` then
        says what stands in for them. `meanwhile()`, if given, is called once, when there is a part to wait for
        (or at the end); what it raises is raised once Pagefind is done."""
        pending, failed = [meanwhile] if meanwhile else [], []
        if self._outcome is None:
            problems = Problems()
            try:
                if self._error is not None:   # a part's documents could not be written, or Pagefind failed already
                    raise self._error
                for number, run in enumerate(self._runs):
                    if not self._ended(number):
                        _call_pending(pending, failed)
                    self._wait_for(number)
                    bundle = run.read_bundle()
                    self._made[run.key] = bundle.files
                    if stager is not None and run.bundle_scratch is not None:   # made on the output's file system
                        self._staged.update(_adopt_bundle(stager, run, bundle))
                    elif stager is not None:
                        self._staged.update((path, stager.stage(path, data)) for path, data in bundle.files.items())
                    run.cleanup()   # read: its documents and bundle need not wait for the other parts
                self._outcome = combine_parts(self._parts, self._made), problems
            except (OSError, subprocess.SubprocessError) as error:
                if not self._cancelled:
                    problems.warn(str(self._binary), 1, f"search index not built: {error}")
                self._outcome = NO_INDEX, problems
                if stager is not None:
                    stager.unstage(self._staged)
                self._staged = {}
            finally:
                if self._outcome is None:   # staging failed: the build fails, and Pagefind need not go on
                    self.cancel()
                for thread in self._threads:
                    thread.join()
                for run in self._runs:
                    run.cleanup()
        _call_pending(pending, failed)
        if failed:
            raise failed[0]
        return self._outcome

    def staged(self) -> dict[str, bytes | Staged]:
        """The files of the bundle that `result(stager)` staged: what stands in for each (KEEP, or where it is staged)."""
        return dict(self._staged)

    @property
    def _runs_ended(self) -> int:
        """How many runs have ended."""
        return len(self._ended_runs)

    def _stopped(self) -> bool:
        """Whether every background thread has ended."""
        return self._threads_ended == len(self._threads)

    def _ended(self, number: int) -> bool:
        """Whether run `number` has ended (or the runs have stopped)."""
        with self._indexed:
            return number in self._ended_runs or self._stopped()

    def _wait_for(self, number: int) -> None:
        """Wait until run `number` has ended; raise the error that stopped Pagefind, if any."""
        with self._indexed:
            self._indexed.wait_for(lambda: number in self._ended_runs or self._stopped())
        if self._error is not None:
            raise self._error
        if number not in self._ended_runs:
            raise subprocess.SubprocessError("the search thread stopped")

    def cancel(self) -> None:
        """Stop Pagefind if it runs (the build failed); `result()` then gives no index."""
        with self._lock:
            self._cancelled = True
            for process in self._processes:
                if process.poll() is None:
                    process.kill()

    def _run_all(self, slot: int) -> None:
        """One background thread (the `slot`-th): Pagefind on the next part no thread has taken, until none is left
        or one fails."""
        _keep_to_share(slot)
        try:
            while True:
                with self._indexed:   # wait until the next run is prepared (the build's thread writes its documents)
                    self._indexed.wait_for(lambda: len(self._runs) > self._taken or self._prepared or self._error)
                    number = self._taken   # read once the wait is over: the other thread may have taken one meanwhile
                    if len(self._runs) <= number or self._error is not None:
                        return
                    run, self._taken = self._runs[number], number + 1
                self._pagefind(run.command)
                with self._indexed:
                    self._ended_runs.add(number)
                    self._indexed.notify_all()
        except (OSError, subprocess.SubprocessError) as error:
            with self._indexed:
                self._error = self._error or error
        finally:
            with self._indexed:
                self._threads_ended += 1
                self._indexed.notify_all()

    def _pagefind(self, command: list[str]) -> None:
        with self._lock:
            if self._cancelled:
                raise subprocess.SubprocessError("cancelled")
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.PIPE, text=True)
            self._processes.add(process)
        try:
            _, errors = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise
        finally:
            with self._lock:
                self._processes.discard(process)
        if process.returncode != 0:
            raise subprocess.SubprocessError(f"pagefind exited with {process.returncode}: {errors.strip()[-500:]}")


def _keep_to_share(slot: int) -> None:
    """Keep this thread, and so the Pagefind runs it starts, to the `slot`-th of RUNS_AT_ONCE shares of the cores
    this process may use (where there are that many). Pagefind's many threads hand memory back to the kernel
    often, and the kernel then interrupts every other core that runs one of them (to flush its view of that
    memory): kept to one core of two, a run took about 0.1 s less kernel time a part of 2,000 documents."""
    try:
        cores = sorted(os.sched_getaffinity(0))
        if len(cores) >= RUNS_AT_ONCE:
            os.sched_setaffinity(0, cores[slot % RUNS_AT_ONCE::RUNS_AT_ONCE])   # this thread's, on Linux
    except (AttributeError, OSError):   # not on Linux, or not allowed: the runs share every core
        pass


def _adopt_bundle(stager: Stager, run: ScratchRun, bundle: Bundle) -> dict[str, bytes | Staged]:
    """A bundle made in the stager's scratch folder, moved into its staging folder: each top folder the output
    lacks (every one, in a first build) whole, the other files one by one (KEEP where the output holds them)."""
    moved = {top for top in sorted(bundle.folders)
             if stager.adopt_folder(run.folder + top, run.bundle_file(run.folder + top))}
    staged: dict[str, bytes | Staged] = {}
    for path, data in bundle.files.items():
        if path[len(run.folder):].split("/", 1)[0] in moved:
            staged[path] = Staged(path, bundle.stamps[path])
        else:
            staged[path] = stager.adopt(path, run.bundle_file(path), data, bundle.stamps[path])
    return staged


def _call_pending(pending: list[Callable[[], None]], failed: list[Exception]) -> None:
    """Call the function left in `pending`, if any, once; what it raises is held in `failed`, not taken for Pagefind's."""
    while pending:
        try:
            pending.pop()()
        except Exception as error:   # raised once the search job is done with
            failed.append(error)
