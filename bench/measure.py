"""Time one command as a child process: wall and CPU seconds, and its peak memory.

The CPU time is also split out: `system` is the part spent in the kernel on the command's
behalf (creating files, above all). On this machine's ext4, made without a journal, creating a
file right after many were deleted costs up to a millisecond of kernel time: each new inode is
looked for past every inode of its group deleted in the last minutes (the kernel's
`recently_deleted` check), so a cold build that follows the removal of its last output spends
seconds there, more or fewer with whatever else was deleted lately (bench/README.md).

Peak memory is taken three ways: `ru_maxrss` from wait4() (the largest single process of the
tree, exact); the summed resident memory (RSS) of the whole process tree, sampled every 20 ms
(it can miss a very short peak); and the summed proportional set size (PSS, from
/proc/<pid>/smaps_rollup), sampled every 250 ms: reading smaps_rollup walks the page tables
of a big process under its memory lock, and doing so every 20 ms slowed the measured build
down (a no-op rebuild at 10,000 articles took 1.5 s instead of 0.65 s). Forked workers share
their parent's pages until they write to them: RSS counts a shared page once in every process
that maps it, PSS splits it between them, so the tree's PSS is the memory the build really
holds at once.

The command runs with this process's environment but for PYTHONDONTWRITEBYTECODE: a Python
generator then keeps its compiled modules as it does when a user runs it, instead of compiling
every module again at each run (which cost Factsheet about 0.3 s a run on this machine).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.02
PSS_EVERY = 12   # samples: PSS is read every 0.24 s


@dataclass(frozen=True, slots=True)
class Sample:
    """One timed run of a command."""

    seconds: float        # wall clock
    cpu: float            # user + system seconds of the process and the children it waited for
    system: float         # the system (kernel) part of `cpu`
    max_rss_mb: float     # largest resident set of a single process (wait4)
    tree_rss_mb: float    # largest sampled sum over the process tree
    tree_pss_mb: float    # largest sampled sum of proportional set sizes over the process tree
    status: int           # exit status


def measure(command: list[str], cwd: Path, log: Path) -> Sample:
    """Run `command` in `cwd` with its output in `log`, and measure it."""
    with log.open("wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=engine_environment())
        peak = _Sampler(process.pid)
        peak.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        peak.stop()
    return Sample(seconds, usage.ru_utime + usage.ru_stime, usage.ru_stime, usage.ru_maxrss / 1024,
                  max(peak.peak_kb, usage.ru_maxrss) / 1024, peak.peak_pss_kb / 1024, process.returncode)


def engine_environment() -> dict[str, str]:
    """The environment a timed command runs in: this one, with bytecode caching as Python's default."""
    return {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


class _Sampler(threading.Thread):
    """Polls the summed RSS and PSS of a process and its descendants until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self.peak_pss_kb = 0
        self._done = threading.Event()

    def run(self) -> None:
        """Sample until stop() is called."""
        samples = 0
        while not self._done.wait(SAMPLE_SECONDS):
            tree = _tree(self.pid)
            self.peak_kb = max(self.peak_kb, sum(_rss_kb(pid) for pid in tree))
            if samples % PSS_EVERY == 0:
                self.peak_pss_kb = max(self.peak_pss_kb, sum(_pss_kb(pid) for pid in tree))
            samples += 1

    def stop(self) -> None:
        """Stop sampling and wait for the thread."""
        self._done.set()
        self.join()


def _tree(pid: int) -> list[int]:
    """The process and all its descendants, through /proc/<pid>/task/<tid>/children."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo += [int(child) for child in children.read().split()]
        except OSError:
            continue
    return found


def _rss_kb(pid: int) -> int:
    return _proc_kb(f"/proc/{pid}/status", "VmRSS:")


def _pss_kb(pid: int) -> int:
    return _proc_kb(f"/proc/{pid}/smaps_rollup", "Pss:")


def _proc_kb(path: str, field: str) -> int:
    """The kB figure on the line of a /proc file that starts with `field` (0 if the process is gone)."""
    try:
        with open(path) as lines:
            for line in lines:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
