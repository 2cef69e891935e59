"""Work split across processes: forked workers that inherit the build's data instead of copying it.

A job is a function of (its shared input, a shard number, the number of shards). The shards
are run in rounds: this process forks one child per other worker, each child runs one shard
and sends its result back (pickled) and ends, while this process runs a shard itself. A child
reads the build's data from its copy of the parent's memory; as it touches objects, the pages
they lie on are copied, so a child that lives for one shard only copies what one shard
touches, not, in the end, the whole heap. Where fork is unavailable, or one worker is asked
for, the shards run in this process, in the same order, so the result is the same either way.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
from typing import Any, BinaryIO, Callable, Iterable, Iterator, Sequence


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:   # not on Linux
        return max(1, os.cpu_count() or 1)


def run_shards(job: Callable[[Any, int, int], Any], shared: Any, shards: int, workers: int,
               prelude: Callable[[], None] | None = None) -> Iterator[Any]:
    """`job(shared, k, shards)` for k in 0..shards-1, by `workers` processes (this one among them); results in shard order.

    With workers, `prelude()` runs in this process once the first round's children are forked: work that
    later rounds' children then inherit done, instead of each doing it again (it need not run without workers).
    """
    if workers <= 1 or shards <= 1 or not hasattr(os, "fork"):
        for k in range(shards):
            yield job(shared, k, shards)
        return
    children: dict[int, _Child] = {}
    with frozen_heap():   # keep the collector from touching (and so copying) the parent's objects in each child
        try:
            for first in range(0, shards, workers):
                ks = range(first, min(first + workers, shards))
                for k in ks[1:]:
                    children[k] = _fork(job, shared, k, shards)
                if first == 0 and prelude is not None:
                    prelude()
                yield job(shared, first, shards)
                for k in ks[1:]:
                    yield _result(children.pop(k))
        finally:
            for child in children.values():   # stopped early (an error): end the children still running
                _end(child)


_Child = tuple[int, BinaryIO]   # a child's process id, and the pipe its result comes through


@contextlib.contextmanager
def in_background(function: Callable[..., Any], *args: Any) -> Iterator[Callable[[], Any]]:
    """`function(*args)` run in a forked child while this process goes on (here, where fork is unavailable):
    the block gets a function that waits for the result. A child not waited for is stopped when the block ends."""
    if not hasattr(os, "fork"):
        value = function(*args)
        yield lambda: value
        return
    child: list[_Child] = [_fork(_call, (function, args), 0, 1)]
    got: list[Any] = []

    def result() -> Any:
        if not got:
            got.append(_result(child.pop()))
        return got[0]
    try:
        yield result
    finally:
        for running in child:
            _end(running)


def _call(shared: tuple[Callable[..., Any], tuple], shard: int, shards: int) -> Any:
    function, args = shared
    return function(*args)


def _fork(job: Callable[[Any, int, int], Any], shared: Any, k: int, shards: int) -> _Child:
    """A child process running shard k."""
    readable, writable = os.pipe()
    pid = os.fork()
    if pid == 0:   # the child: run the shard, send the result (or the error), and end at once
        os.close(readable)
        try:
            outcome = (True, job(shared, k, shards))
        except BaseException as error:   # the parent raises it
            outcome = (False, error)
        try:
            with os.fdopen(writable, "wb") as pipe:
                pickle.dump(outcome, pipe, protocol=pickle.HIGHEST_PROTOCOL)
        finally:
            os._exit(0)
    os.close(writable)
    return pid, os.fdopen(readable, "rb")


def _result(child: _Child) -> Any:
    """What the child sent: its shard's result, or its error raised here."""
    pid, pipe = child
    try:
        with collector_paused():   # unpickling makes many objects at once: the cycle collector would only slow it down
            ok, value = pickle.load(pipe)
    except (EOFError, pickle.UnpicklingError):
        raise RuntimeError("a worker process ended without a result") from None
    finally:
        pipe.close()
        os.waitpid(pid, 0)
    if not ok:
        raise value
    return value


def _end(child: _Child) -> None:
    """Stop a child whose result is no longer wanted."""
    pid, pipe = child
    pipe.close()
    with contextlib.suppress(ProcessLookupError, ChildProcessError):
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)


_frozen = {"depth": 0, "lasting": False}   # blocks of frozen_heap open; whether freeze_lasting was called


def freeze_lasting() -> None:
    """Leave every object alive now out of the cycle collector's work for good (`serve`'s memo lives long)."""
    _frozen["lasting"] = True
    gc.freeze()


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """Objects made so far are left out of the cycle collector's work until the block ends (if none were before).

    (It keeps count itself: gc.get_freeze_count() walks every frozen object.)
    """
    outermost = _frozen["depth"] == 0 and not _frozen["lasting"]
    _frozen["depth"] += 1
    gc.freeze()
    try:
        yield
    finally:
        _frozen["depth"] -= 1
        if outermost:
            gc.unfreeze()


def freeze_in_heap() -> None:
    """Inside a `frozen_heap` block, leave every object alive now out of the collector's work until it ends."""
    if _frozen["depth"]:
        gc.freeze()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cycle collector off for the block (if it was on), for work that makes many objects that live on
    (unpickling, resolving): each collection they trigger would scan them all again, to find no garbage."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def young_collections() -> Iterator[None]:
    """The cycle collector on for the block, but for its two young generations only: for work that makes
    garbage in cycles (rendering: Jinja2's contexts and imported macro modules) besides objects that live on,
    which a full collection would walk again and again to find next to nothing."""
    enabled, thresholds = gc.isenabled(), gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], NEVER)
    gc.enable()
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if not enabled:
            gc.disable()


NEVER = 1 << 30   # young collections before a full one: never, in a build


def balanced_runs(items: Sequence, costs: Iterable[float], count: int, head: float = 0.0) -> list[Sequence]:
    """`items` cut into at most `count` contiguous runs of about equal total cost, in order (`costs`: one per item;
    `head`: the cost of other work the first run does before its items).

    A run ends before the item that would take it further past its share of the cost left than it falls short without it."""
    costs = list(costs)
    left = sum(costs) + head
    runs, start, done = [], 0, head
    for index, cost in enumerate(costs):
        share = left / (count - len(runs))
        if index > start and len(runs) < count - 1 and done + cost - share > share - done:
            runs.append(items[start:index])
            start, left, done = index, left - done, 0.0
        done += cost
    return [*runs, items[start:]]
