"""Parsing and rendering in forked workers gives the very files, warnings and errors of one process."""

from __future__ import annotations

import gc
import os
import select
import shutil
import time
from dataclasses import replace
from pathlib import Path

import pytest

from bench.corpus import write_corpus
from generator import build, inputs, parallel, render
from generator.build import BuildOptions, build_site
from generator.errors import BuildFailed
from generator.parallel import balanced_runs, collector_paused, in_background, run_shards, young_collections
from generator.parse import PARALLEL_FROM
from generator.progress import NoProgress
from generator.write import STAGING, Staged

ARTICLES = 260   # enough files to parse (>= PARALLEL_FROM) and pages to render in workers


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below the folder, by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A generated corpus big enough to be parsed and rendered in parallel."""
    folder = tmp_path_factory.mktemp("corpus")
    write_corpus(folder, ARTICLES, seed=3)
    return folder


def options(corpus: Path, output: Path, workers: int) -> BuildOptions:
    """Build options for the corpus with this many workers."""
    return BuildOptions(corpus / "content", output, corpus / "site.yaml", config_required=True, workers=workers)


def test_shards_come_back_in_order_from_workers():
    results = list(run_shards(lambda shared, k, n: (shared, k, n), "x", 6, workers=2))
    assert results == [("x", k, 6) for k in range(6)]


_PRELUDE_DONE: list[int] = []   # process ids that ran the prelude (a forked child has a copy of its own)


def test_a_prelude_runs_here_once_and_the_children_forked_after_it_inherit_its_work():
    def job(shared, k, n):
        time.sleep(0.1)   # long enough for each round's child to take a shard of its own
        return k, os.getpid(), bool(_PRELUDE_DONE)
    _PRELUDE_DONE.clear()
    results = list(run_shards(job, None, 16, workers=2, prelude=lambda: _PRELUDE_DONE.append(os.getpid())))
    assert _PRELUDE_DONE == [os.getpid()] and [k for k, _, _ in results] == list(range(16))
    rounds = {k: k * parallel.ROUNDS // 16 for k in range(16)}   # ROUNDS rounds of 16 // ROUNDS shards
    assert all(done for k, pid, done in results if pid == os.getpid())   # it ran before this process took any
    children = [(rounds[k], done) for k, pid, done in results if pid != os.getpid()]
    assert (0, False) in children   # forked before the prelude ran
    assert all(done for number, done in children if number > 0) and len({n for n, _ in children}) > parallel.ROUNDS // 2
    _PRELUDE_DONE.clear()
    assert [k for k, _, done in run_shards(job, None, 3, workers=1, prelude=_PRELUDE_DONE.clear)] == [0, 1, 2]
    assert _PRELUDE_DONE == []   # without workers there is nothing to share it with


def test_a_slow_shard_does_not_hold_up_the_others_the_free_process_takes_them(monkeypatch):
    monkeypatch.setattr(parallel, "ROUNDS", 1)

    def job(shared, k, n):
        time.sleep(0.5 if k == 0 else 0.01)
        return os.getpid()
    pids = list(run_shards(job, None, 8, workers=2))
    assert pids.count(pids[0]) == 1 and len(set(pids[1:])) == 1 and pids[1] != pids[0]


def _children() -> set[str]:
    """The process ids of this process's children, zombies included."""
    return {pid for path in Path("/proc/self/task").glob("*/children") for pid in path.read_text().split()}


def test_however_many_workers_a_round_queue_holds_its_shards_and_runs_them_all():
    assert parallel.shard_count(1) == 1 and parallel.shard_count(2) == 2 * 16 * parallel.ROUNDS
    most = parallel.shard_count(100_000)
    assert most == parallel.ROUNDS * parallel.MOST_PER_ROUND and parallel.MOST_PER_ROUND * 4 <= select.PIPE_BUF
    assert list(run_shards(lambda shared, k, n: k, None, most, workers=2)) == list(range(most))
    with pytest.raises(ValueError, match="more than"):
        list(run_shards(lambda shared, k, n: k, None, most + parallel.ROUNDS, workers=2))


def test_an_error_in_a_shard_is_raised_here_and_the_children_are_ended():
    before = _children()

    def job(shared, k, n):
        if k == 3:
            raise ValueError("shard 3")
        time.sleep(0.05)
        return k
    with pytest.raises(ValueError, match="shard 3"):
        list(run_shards(job, None, 64, workers=3))
    assert _children() == before   # none left running, none left unreaped


@pytest.mark.parametrize("costs, count, expected", [
    ([1] * 10, 3, [3, 4, 3]),
    ([100] + [1] * 9, 3, [1, 5, 4]),        # one heavy item has a run of its own, and the rest is shared evenly
    ([1] * 9 + [100], 3, [9, 1]),           # fewer runs than asked: more would not make the longest shorter
    ([1] * 3, 5, [1, 1, 1]),
    ([], 4, [0]),
])
def test_balanced_runs_cut_contiguous_runs_of_about_equal_cost(costs, count, expected):
    items = list(range(len(costs)))
    runs = balanced_runs(items, costs, count)
    assert [len(run) for run in runs] == expected
    assert [item for run in runs for item in run] == items


def test_balanced_runs_share_out_skewed_costs_better_than_equal_counts():
    costs = [5.0] * 400 + [1.0] * 1200   # heavy fact sheets first, then light articles, as a site's pages are
    runs = balanced_runs(list(range(1600)), costs, 16)
    totals = [sum(costs[i] for i in run) for run in runs]
    assert len(runs) == 16 and max(totals) <= sum(costs) / 16 + 5
    assert max(totals) < 0.6 * 100 * 5   # equal counts would give the first run 100 heavy items


def test_two_workers_build_the_same_bytes_and_warnings_as_one(corpus, tmp_path):
    assert ARTICLES >= PARALLEL_FROM
    one = build_site(options(corpus, tmp_path / "one", 1))
    two = build_site(options(corpus, tmp_path / "two", 2))
    assert one.report.written == two.report.written > ARTICLES
    assert [str(w) for w in one.warnings] == [str(w) for w in two.warnings]
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    staged = [path for path, page in two.memo.pages.items() if isinstance(page.data, Staged)]
    assert len(staged) > ARTICLES   # workers wrote their pages themselves: the bytes never came back
    assert not (tmp_path / "two" / STAGING).exists()


def test_content_errors_found_in_workers_are_reported_with_their_lines(corpus, tmp_path):
    broken = tmp_path / "corpus"
    (broken / "content").mkdir(parents=True)
    for path in (corpus / "content").rglob("*"):
        target = broken / "content" / path.relative_to(corpus / "content")
        if path.is_dir():
            target.mkdir(exist_ok=True)
        else:
            target.write_bytes(path.read_bytes())
    (broken / "site.yaml").write_bytes((corpus / "site.yaml").read_bytes())
    article = sorted((broken / "content/articles").rglob("*.md"))[-1]
    article.write_text(article.read_text(encoding="utf-8").replace("date: 20", "date: someday 20", 1), encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        build_site(options(broken, tmp_path / "out", 2))
    assert [(e.path, e.line) for e in failed.value.errors] == [(str(article), 3)]
    assert "someday" in failed.value.errors[0].message
    assert not (tmp_path / "out").exists()


def test_a_template_error_in_a_worker_names_the_template_line(corpus, tmp_path):
    build_site(options(corpus, tmp_path / "out", 2))
    before = tree(tmp_path / "out")
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "article.html").write_text('{% extends "base.html" %}\n{% block main %}\n{{ no_such.thing }}\n{% endblock %}\n')
    site = tmp_path / "site.yaml"
    site.write_text((corpus / "site.yaml").read_text(encoding="utf-8") + f"templates: {theme}\n", encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        build_site(replace(options(corpus, tmp_path / "out", 2), config=site))
    error, = failed.value.errors
    assert error.path.endswith("article.html") and error.line == 3 and "no_such" in error.message
    assert tree(tmp_path / "out") == before   # what other workers staged was thrown away
    assert not (tmp_path / "out" / STAGING).exists()
    with pytest.raises(BuildFailed):
        build_site(replace(options(corpus, tmp_path / "new", 2), config=site))
    assert not (tmp_path / "new").exists()


def test_a_render_in_workers_fingerprints_every_fact_here_for_the_later_workers(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(render, "PARALLEL_FROM", 2)
    preludes, run_shards = [], render.run_shards
    monkeypatch.setattr(render, "run_shards", lambda job, shared, shards, workers, prelude: preludes.append(
        prelude) or run_shards(job, shared, shards, workers, prelude))
    result = build_site(replace(options(corpus, tmp_path / "out", 2), cache=tmp_path / "cache"))
    prelude, = preludes
    inputs._FINGERPRINTS.clear()
    prelude()
    graph = result.memo.resolution.graph
    assert all(id(record) in inputs._FINGERPRINTS for record in [*graph.facts, *graph.entities.values()])
    assert len(graph.facts) > ARTICLES


def test_a_cached_rebuild_in_workers_equals_a_clean_build(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(render, "PARALLEL_FROM", 2)   # every stage in workers, however few the pages
    content = tmp_path / "content"
    shutil.copytree(corpus / "content", content)
    cached = replace(options(corpus, tmp_path / "inc", 2), content=content, cache=tmp_path / "cache")
    build_site(cached)
    article = sorted((content / "articles").rglob("*.md"))[ARTICLES // 2]
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    monkeypatch.setattr(render, "PARALLEL_FROM", 50)   # fewer than the pages, more than the edit touched
    items = []
    run_shards = render.run_shards
    monkeypatch.setattr(render, "run_shards", lambda job, shared, shards, workers, prelude: items.append(
        (sum(map(len, shared[1])), shards)) or run_shards(job, shared, shards, workers, prelude))
    again = build_site(cached)
    (count, shards), = items
    assert count < 20 and shards == 1   # the touched pages and the site's own, here: the others were not looked at
    assert 0 < again.report.written < again.files // 10   # only what the edit touched
    build_site(replace(options(corpus, tmp_path / "clean", 2), content=content))
    assert tree(tmp_path / "inc") == tree(tmp_path / "clean")


def test_a_function_in_the_background_runs_in_another_process_and_gives_its_result_or_error():
    with in_background(os.getpid) as result:
        assert result() != os.getpid() and result() == result()
    with in_background(int, "not a number") as result:
        with pytest.raises(ValueError):
            result()


def test_a_background_child_not_waited_for_is_stopped():
    started = time.perf_counter()
    with in_background(time.sleep, 60):
        pass   # the block ends at once: its child is stopped (and reaped), not waited for
    assert time.perf_counter() - started < 10


def test_a_background_child_told_to_finish_is_waited_for_when_the_block_ends(tmp_path):
    done = tmp_path / "done"
    with in_background(_slow_write, done, finish=True):
        pass   # the block ends at once: its child finishes its work all the same
    assert done.read_text() == "written"


def _slow_write(path: Path) -> None:
    time.sleep(0.5)
    path.write_text("written")


class _StageLog(NoProgress):
    """A progress display that keeps the name of the stage under way."""

    def __init__(self) -> None:
        self.name = "outside"

    def stage(self, name: str, total: int = 0) -> None:
        self.name = name


def test_the_collector_runs_only_for_young_objects_and_only_while_pages_are_rendered(corpus, tmp_path, monkeypatch):
    stages, seen = _StageLog(), []
    start = build.start_build
    monkeypatch.setattr(build, "start_build", lambda *args: setattr(stages, "name", "start") or start(*args))

    def collected(phase: str, info: dict) -> None:
        if phase == "start":
            seen.append((stages.name, info["generation"]))
    thresholds = gc.get_threshold()
    gc.set_threshold(50, 2, 2)   # collections ten times as often as by default, full ones too
    gc.callbacks.append(collected)
    try:
        build_site(options(corpus, tmp_path / "out", 1), progress=stages)
    finally:
        gc.callbacks.remove(collected)
        gc.set_threshold(*thresholds)
    assert gc.isenabled()
    during = [(name, generation) for name, generation in seen if name not in ("outside", "write")]   # "write": on waking
    assert ("render", 0) in during and ("render", 1) in during
    assert {name for name, _ in during} <= {"resolve", "render"}   # (the pages' keys are listed before "render")
    assert 2 not in {generation for _, generation in during}


def test_young_collections_leave_the_collector_as_they_found_it():
    thresholds = gc.get_threshold()
    with collector_paused():
        with young_collections():
            assert gc.isenabled() and gc.get_threshold()[:2] == thresholds[:2] and gc.get_threshold()[2] > 10 ** 6
        assert not gc.isenabled() and gc.get_threshold() == thresholds
    assert gc.isenabled()
