"""Work split across processes: forked workers that inherit the build's data instead of copying it.

A job is a function of (its shared input, a shard number, the number of shards). The input is
set before the workers are forked, so they read it from their copy of the parent's memory; only
each shard's result travels back, pickled. Where fork is unavailable, or one worker is asked
for, the shards run in this process, in the same order, so the result is the same either way.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
from typing import Any, Callable, Iterator

_SHARED: tuple[Callable[[Any, int, int], Any], Any] | None = None   # the job and its input, for the forked workers


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:   # not on Linux
        return max(1, os.cpu_count() or 1)


def run_shards(job: Callable[[Any, int, int], Any], shared: Any, shards: int, workers: int) -> Iterator[Any]:
    """`job(shared, k, shards)` for k in 0..shards-1, in workers when there are several; results in shard order."""
    if workers <= 1 or shards <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for k in range(shards):
            yield job(shared, k, shards)
        return
    global _SHARED
    _SHARED = (job, shared)
    with frozen_heap():   # keep the collector from touching (and so copying) the parent's objects in each worker
        try:
            with multiprocessing.get_context("fork").Pool(min(workers, shards)) as pool:
                yield from pool.imap(_run, [(k, shards) for k in range(shards)])
        finally:
            _SHARED = None


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """Objects made so far are left out of the cycle collector's work until the block ends (if none were before)."""
    outermost = gc.get_freeze_count() == 0
    gc.freeze()
    try:
        yield
    finally:
        if outermost:
            gc.unfreeze()


def shard_of(items, shard: int, shards: int):
    """The `shard`-th of `shards` contiguous runs of a sequence (the last may be shorter)."""
    size = -(-len(items) // shards)
    return items[shard * size:(shard + 1) * size]


def _run(task: tuple[int, int]) -> Any:
    job, shared = _SHARED
    return job(shared, *task)
