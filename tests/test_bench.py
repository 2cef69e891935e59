"""The benchmark corpus: deterministic, builds with no errors, and uses every feature of the format."""

from __future__ import annotations

import dataclasses
import json
import shutil
import statistics
import sys
import re
import unicodedata
from pathlib import Path

import pytest

from bench.corpus import write_corpus
from bench.measure import measure
from bench.report import markdown, summarise
from bench.render_costs import main as render_costs
from bench.run import main as run_bench
from generator.build import BuildOptions, build_site
from generator.parallel import shard_count
from generator.markdown import fold_text, make_markdown
from generator.model import DateValue
from generator.parse import parse_sources
from generator.resolve import resolve_graph
from generator.sheets import build_rows
from generator.sources import read_sources

ARTICLES = 300


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below a folder with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A corpus of ARTICLES articles with Hugo and Pelican inputs."""
    folder = tmp_path_factory.mktemp("corpus")
    write_corpus(folder, ARTICLES, seed=1, engines=("hugo", "pelican"))
    return folder


@pytest.fixture(scope="module")
def graph(corpus):
    """The corpus read, parsed and resolved by the real stages; no errors allowed."""
    sources, read_problems, _ = read_sources(corpus / "content")
    parsed, parse_problems, _ = parse_sources(sources, make_markdown(False))
    resolved, resolve_problems = resolve_graph(parsed)
    errors = [*read_problems.errors, *parse_problems.errors, *resolve_problems.errors]
    assert errors == []
    return resolved


def test_the_same_arguments_give_byte_identical_files_and_the_seed_matters(tmp_path):
    write_corpus(tmp_path / "a", 40, seed=7, engines=("hugo", "pelican"))
    write_corpus(tmp_path / "b", 40, seed=7, engines=("hugo", "pelican"))
    write_corpus(tmp_path / "c", 40, seed=8)
    first = tree(tmp_path / "a")
    assert len(first) > 100 and first == tree(tmp_path / "b")
    assert tree(tmp_path / "c")["content/properties.yaml"] == first["content/properties.yaml"]
    assert {k: v for k, v in tree(tmp_path / "c").items() if k.startswith("content/articles")} != \
           {k: v for k, v in first.items() if k.startswith("content/articles")}


def test_the_corpus_builds_with_no_errors_and_only_no_profile_warnings(corpus, tmp_path):
    result = build_site(BuildOptions(corpus / "content", tmp_path / "out", corpus / "site.yaml", config_required=True))
    assert {warning.category for warning in result.warnings} == {"no-profile"}
    pages = list((tmp_path / "out").rglob("index.html"))
    assert result.articles == ARTICLES and 1.35 * ARTICLES <= len(pages) <= 1.55 * ARTICLES


def test_articles_are_news_sized_with_markdown_structure(corpus):
    bodies = [p.read_text(encoding="utf-8").split("\n---\n", 1)[1] for p in (corpus / "content/articles").rglob("*.md")]
    words = sorted(len(body.split()) for body in bodies)
    assert len(bodies) == ARTICLES and 550 <= words[len(words) // 2] <= 700
    assert all("\n## " in body and "\n- " in body and "\n> " in body and "](https://" in body for body in bodies)


def test_every_kind_has_profiles_and_articles_name_entities_by_alias(graph):
    assert {e.kind for e in graph.entities.values() if e.profile} == {"company", "site", "person", "event"}
    by_alias = [name.text for article in graph.articles.values()
                for name in (*article.companies, *article.sites, *article.people)
                if any(fold_text(name.text) == fold_text(alias) for e in graph.entities.values() for alias in e.aliases)]
    assert len(by_alias) > 10
    relations = {rel for e in graph.entities.values() if e.profile for rel, _ in e.profile.relations}
    assert relations == {"parent company", "located in"}


def test_names_in_chinese_cyrillic_and_accented_latin(graph):
    names = [n for e in graph.entities.values() for n in (e.name, *e.aliases)]
    assert any(re.search(r"[\u4e00-\u9fff]", n) for n in names)
    assert any(re.search(r"[\u0400-\u04ff]", n) for n in names)
    assert any(unicodedata.normalize("NFD", n) != n and re.fullmatch(r"[^\u0400-\u9fff]+", n) for n in names)
    han_only = [e for e in graph.entities.values() if re.fullmatch(r"[\u4e00-\u9fff]+", e.name)]
    assert han_only and all(re.fullmatch(r"[a-z0-9-]+", e.slug) for e in han_only)


def test_inline_events_are_shared_and_bare_names_refer_to_events_described_elsewhere(graph):
    sources_of = {}
    for fact in graph.facts:
        if fact.property == "type" and fact.source.kind == "article":
            sources_of.setdefault(fact.subject, set()).add(fact.source.key)
    assert any(len(articles) >= 2 for articles in sources_of.values())
    dates = {}
    for fact in graph.facts:
        if fact.property == "date" and isinstance(fact.value, DateValue):
            dates.setdefault(fact.subject, set()).add(fact.value.date)
    assert any(len(values) > 1 for values in dates.values())
    assert any(article.event_refs for article in graph.articles.values())
    assert {f.value.text for f in graph.facts if f.property == "status"} >= {"planned", "happened"}


def test_facts_have_quotes_partial_dates_periods_conflicts_and_histories(graph):
    facts = graph.facts
    assert sum(bool(f.quote) for f in facts) > ARTICLES
    assert any(f.as_of and f.as_of.month and not f.as_of.day for f in facts)
    assert any(f.as_of and not f.as_of.month for f in facts)
    assert any(isinstance(f.value, DateValue) and not f.value.date.day for f in facts)
    assert any(f.period for f in facts)
    assert {f.status for f in facts} >= {"planned", "estimate", "actual"}
    facts_of = {}
    for fact in facts:
        facts_of.setdefault(fact.subject, []).append(fact)
    rows = [row for group in facts_of.values() for row in build_rows(group, graph.properties)]
    assert any(row.conflict for row in rows)
    assert any(row.spec.single and len({r.as_of for r in row.readings}) > 1 for row in rows)
    assert any(len({f.source for f in claim.facts}) > 1 for row in rows for r in row.readings for claim in r.claims)


def test_hugo_and_pelican_get_the_same_articles(corpus):
    slugs = {p.stem for p in (corpus / "content/articles").rglob("*.md")}
    assert {p.stem for p in (corpus / "hugo/content/articles").rglob("*.md")} == slugs
    assert {p.stem for p in (corpus / "pelican/content").rglob("*.md")} == slugs
    assert "[taxonomies]" in (corpus / "hugo/hugo.toml").read_text(encoding="utf-8")
    assert {"baseof.html", "single.html", "list.html", "taxonomy.html", "term.html"} <= \
           {p.name for p in (corpus / "hugo/layouts").iterdir()}
    pelican = next((corpus / "pelican/content").rglob("*.md")).read_text(encoding="utf-8")
    assert re.match(r"Title: .+\nDate: \d{4}-\d\d-\d\d\nSlug: .+\nCategory: .+\nTags: .+", pelican)


def test_the_runner_times_three_phases_cleans_caches_and_restores_the_edited_article(tmp_path, capsys):
    marker = tmp_path / "work/stale-cache"
    marker.mkdir(parents=True)
    results = tmp_path / "results.json"
    status = run_bench(["--sizes", "30", "--repeat", "1", "--engines", "factsheet", "--work", str(tmp_path / "work"),
                        "--json", str(results), "--clean", "{corpus}/../stale-cache"])
    assert status == 0 and not marker.exists()
    report = json.loads(results.read_text())
    assert [(r["phase"], r["status"]) for r in report["runs"]] == [("cold", 0), ("noop", 0), ("edit", 0)]
    assert report["summary"][0]["pages"] > 30 and report["summary"][0]["tree_mb"] > 0
    assert 0 < report["summary"][0]["pss_mb"] <= report["summary"][0]["tree_mb"]
    assert "| 30 | factsheet |" in capsys.readouterr().out
    fresh = tmp_path / "fresh"
    write_corpus(fresh, 30, seed=1)
    assert tree(fresh / "content") == tree(tmp_path / "work/corpus-30-seed1/content")


def timed_runs(monkeypatch, tmp_path, engine_names: list[str], argv: list[str]) -> list[tuple]:
    """The runner run with its engines and corpora faked: (engine, corpus folder, size, repetition) of each
    timed run, in the order the runner timed them."""
    import bench.run as runner
    from bench.engines_run import Engine

    engines = [Engine(name, "python" if name == "factsheet" else name, "content" if name == "factsheet" else name)
               for name in engine_names]
    monkeypatch.setattr(runner, "find_engines", lambda *args: (engines, []))
    monkeypatch.setattr(runner, "corpus_for", lambda work, size, *args: tmp_path / str(size))
    order = []
    monkeypatch.setattr(runner, "time_engine", lambda engine, corpus, size, reps, cleanup:
                        order.extend((engine.name, corpus.name, size, rep) for rep in reps) or [])
    run_bench([*argv, "--json", str(tmp_path / "r.json")])
    return order


def test_interleaved_repetitions_take_turns_between_engines(tmp_path, monkeypatch):
    common = ["--sizes", "10", "--repeat", "2"]
    order = [(engine, rep) for engine, _, _, rep in timed_runs(monkeypatch, tmp_path, ["factsheet", "hugo"], common)]
    assert order == [("factsheet", 0), ("factsheet", 1), ("hugo", 0), ("hugo", 1)]
    order = [(engine, rep) for engine, _, _, rep in
             timed_runs(monkeypatch, tmp_path, ["factsheet", "hugo"], [*common, "--interleave"])]
    assert order == [("factsheet", 0), ("hugo", 0), ("factsheet", 1), ("hugo", 1)]
    assert json.loads((tmp_path / "r.json").read_text())["interleave"] is True


def test_interleaved_repetitions_take_turns_between_sizes_too(tmp_path, monkeypatch):
    common = ["--sizes", "10,20", "--repeat", "2"]
    order = [run[1:] for run in timed_runs(monkeypatch, tmp_path, ["factsheet"], common)]
    assert order == [("10", 10, 0), ("10", 10, 1), ("20", 20, 0), ("20", 20, 1)]
    order = [run[1:] for run in timed_runs(monkeypatch, tmp_path, ["factsheet"], [*common, "--interleave"])]
    assert order == [("10", 10, 0), ("20", 20, 0), ("10", 10, 1), ("20", 20, 1)]   # a slow spell slows both sizes


def test_timed_commands_keep_compiled_modules_as_a_user_would(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    check = "import os, sys; sys.exit(3 if 'PYTHONDONTWRITEBYTECODE' in os.environ else 0)"
    sample = measure([sys.executable, "-c", check], tmp_path, tmp_path / "log.txt")
    assert sample.status == 0 and sample.seconds > 0


def test_the_kernel_part_of_the_cpu_time_is_measured_and_reported(tmp_path):
    kernel = "import os\nwith open('/dev/zero', 'rb', buffering=0) as f:\n    for _ in range(3000): f.read(1 << 20)"
    busy = measure([sys.executable, "-c", kernel], tmp_path, tmp_path / "log.txt")
    user = measure([sys.executable, "-c", "sum(range(20_000_000))"], tmp_path, tmp_path / "log.txt")
    assert busy.status == user.status == 0
    assert 0 < busy.system <= busy.cpu and busy.system > busy.cpu / 2   # copying 3 GB from /dev/zero: the kernel's work
    assert user.system < user.cpu / 2
    runs = [{"size": 10, "engine": "factsheet", "phase": "cold", "rep": 0, **dataclasses.asdict(sample)}
            for sample in (busy, user)]
    rows = summarise(runs)
    assert rows[0]["system"] == statistics.median([busy.system, user.system])
    table = markdown(rows, [], [])
    assert table.splitlines()[0].endswith("| kernel CPU s (cold) |")
    assert table.splitlines()[2].endswith(f"| {rows[0]['system']:.2f} |")
    del runs[0]["system"], runs[1]["system"]   # results saved before the kernel's part was taken
    assert summarise(runs)[0]["system"] is None and markdown(summarise(runs), [], []).splitlines()[2].endswith("| - |")


def test_the_cost_report_times_every_run_of_a_build_in_workers_and_each_kind_of_page(corpus, tmp_path, capsys):
    copy = tmp_path / "corpus"
    shutil.copytree(corpus / "content", copy / "content")
    shutil.copy(corpus / "site.yaml", copy / "site.yaml")
    assert render_costs([str(copy), "--workers", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    shards, rest = lines[0].split(" ", 1)
    assert shard_count(2) // 2 < int(shards) <= shard_count(2) and rest.startswith("shards; measured ms a shard: median ")
    slowest = [line.split() for line in lines[2:7]]
    assert len(slowest) == 5 and all(float(row[1]) > 0 and float(row[2]) > 0 for row in slowest)
    assert [float(row[1]) for row in slowest] == sorted((float(row[1]) for row in slowest), reverse=True)
    kinds = {line[:10].strip(): line.split()[-4:] for line in lines[8:]}
    assert {"entity", "article", "feed", "site feed", "tag", "home"} <= kinds.keys()
    assert all(float(row[1]) > 0 for row in kinds.values())
