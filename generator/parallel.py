"""Work split across processes: forked workers that inherit the build's data instead of copying it.

A job is a function of (its shared input, a shard number, the number of shards). The shards
are run in rounds of consecutive shards: this process forks one child per other worker, and
each process of the round takes the round's shards one at a time, whichever is next, as soon as
it is free (the shard numbers wait in a pipe), so that none waits long for the others when the
round ends. A child sends its results back (pickled) and ends. A child reads the build's data
from its copy of the parent's memory; as it touches objects, the pages they lie on are copied,
so a child that lives for one round only copies what that round touches, not, in the end, the
whole heap. Where fork is unavailable, or one worker is asked for, the shards run in this
process, in the same order, so the result is the same either way.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import select
import signal
from functools import partial
from typing import Any, BinaryIO, Callable, Iterable, Iterator, Sequence


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:   # not on Linux
        return max(1, os.cpu_count() or 1)


ROUNDS = 4              # rounds of children in a job: a child lives for one round. Each child copies the pages it
                        # touches again: eight rounds took 0.4 s more kernel time at 10,000 articles, two 50 MB more memory
SHARDS_PER_ROUND = 16   # shards each worker has to take from in a round: the smaller they are, the less any waits
MOST_PER_ROUND = select.PIPE_BUF // 4   # shards a round's queue holds: written to its pipe at once (4 bytes each)


def shard_count(workers: int) -> int:
    """How many shards to cut a job for `workers` processes into."""
    return min(workers * SHARDS_PER_ROUND, MOST_PER_ROUND) * ROUNDS if workers > 1 else 1


def run_shards(job: Callable[[Any, int, int], Any], shared: Any, shards: int, workers: int,
               prelude: Callable[[], None] | None = None) -> Iterator[Any]:
    """`job(shared, k, shards)` for k in 0..shards-1, by `workers` processes (this one among them); results in shard order.

    A round's results are read once the next round's children are forked, so they work meanwhile. With workers,
    `prelude()` runs in this process once the first round's children are forked: work that later rounds' children
    then inherit done, instead of each doing it again (it need not run without workers).
    """
    if workers <= 1 or shards <= 1 or not hasattr(os, "fork"):
        for k in range(shards):
            yield job(shared, k, shards)
        return
    rounds = min(ROUNDS, shards)
    running: list[_Child] = []   # the children not waited for yet
    with frozen_heap():   # keep the collector from touching (and so copying) the parent's objects in each child
        try:
            mine: dict[int, Any] = {}
            last: list[_Child] = []
            for number in range(rounds):
                queue = _queue(range(number * shards // rounds, (number + 1) * shards // rounds))
                try:
                    forked = []
                    for _ in range(workers - 1):
                        forked.append(_fork(partial(_take_shards, job, shared, shards, queue)))
                        running.append(forked[-1])
                    yield from _round_results(mine, last, running)   # the last round's, while this round's children work
                    last = forked
                    if number == 0 and prelude is not None:
                        prelude()
                    mine = _take_shards(job, shared, shards, queue)
                finally:
                    os.close(queue)
            yield from _round_results(mine, last, running)
        finally:
            for child in running:   # stopped early (an error): end the children still running
                _end(child)


def _queue(shards: range) -> int:
    """A pipe holding these shard numbers, to be taken one at a time by several processes; its reading end."""
    if len(shards) > MOST_PER_ROUND:   # written at once, or it could block
        raise ValueError(f"{len(shards)} shards in a round: more than {MOST_PER_ROUND}")
    readable, writable = os.pipe()
    os.write(writable, b"".join(k.to_bytes(4, "little") for k in shards))
    os.close(writable)
    return readable


def _take_shards(job: Callable[[Any, int, int], Any], shared: Any, shards: int, queue: int) -> dict[int, Any]:
    """The results of the shards this process took from the queue, one at a time, until none was left."""
    done = {}
    while record := os.read(queue, 4):   # a pipe gives each reader whole records: each shard is taken once
        k = int.from_bytes(record, "little")
        done[k] = job(shared, k, shards)
    return done


def _round_results(mine: dict[int, Any], children: list[_Child], running: list[_Child]) -> Iterator[Any]:
    """The results of a round, in shard order: this process's and those its children send (each then no longer running)."""
    results = dict(mine)
    for child in children:
        running.remove(child)
        results.update(_result(child))
    for k in sorted(results):
        yield results[k]


_Child = tuple[int, BinaryIO]   # a child's process id, and the pipe its result comes through


@contextlib.contextmanager
def in_background(function: Callable[..., Any], *args: Any, finish: bool = False) -> Iterator[Callable[[], Any]]:
    """`function(*args)` run in a forked child while this process goes on (here, where fork is unavailable):
    the block gets a function that waits for the result. A child not waited for is stopped when the block ends,
    or with `finish` waited for, its result dropped (work such as writing a file is then not cut off halfway)."""
    if not hasattr(os, "fork"):
        value = function(*args)
        yield lambda: value
        return
    child: list[_Child] = [_fork(partial(function, *args))]
    got: list[Any] = []

    def result() -> Any:
        if not got:
            got.append(_result(child.pop()))
        return got[0]
    try:
        yield result
    finally:
        for running in child:
            if finish:
                with contextlib.suppress(Exception):
                    _result(running)
            else:
                _end(running)


def _fork(work: Callable[[], Any]) -> _Child:
    """A child process doing `work()`."""
    readable, writable = os.pipe()
    pid = os.fork()
    if pid == 0:   # the child: do the work, send the result (or the error), and end at once
        os.close(readable)
        try:
            outcome = (True, work())
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


def balanced_runs(items: Sequence, costs: Iterable[float], count: int) -> list[Sequence]:
    """`items` cut into at most `count` contiguous runs of about equal total cost, in order (`costs`: one per item).

    A run ends before the item that would take it further past its share of the cost left than it falls short without it."""
    costs = list(costs)
    left = sum(costs)
    runs, start, done = [], 0, 0.0
    for index, cost in enumerate(costs):
        share = left / (count - len(runs))
        if index > start and len(runs) < count - 1 and done + cost - share > share - done:
            runs.append(items[start:index])
            start, left, done = index, left - done, 0.0
        done += cost
    return [*runs, items[start:]]
