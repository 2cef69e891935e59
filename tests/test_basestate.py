"""The cache's base (basestate.py): an edit from the command line is resolved from the last graph
resolved from scratch, and its pages equal a clean build's; any other change resolves afresh."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from generator import build as build_module, cachestore, pages
from generator.build import BuildOptions, build_site

DEMO = Path(__file__).resolve().parent.parent / "content"
FIRST = "articles/xiaomi-auto-yizhuang-factory.md"
SECOND = "articles/xiaomi-nanjing-park-opens.md"


@pytest.fixture
def site(tmp_path) -> Path:
    """A copy of the demo content."""
    shutil.copytree(DEMO, tmp_path / "content")
    return tmp_path


@pytest.fixture
def resolved(monkeypatch) -> list[str]:
    """Records each whole-site resolve and each planning of lookups from scratch."""
    calls: list[str] = []
    resolve_site, make_lookups = build_module.resolve_site, pages.make_lookups
    monkeypatch.setattr(build_module, "resolve_site", lambda parsed: calls.append("resolve") or resolve_site(parsed))
    monkeypatch.setattr(pages, "make_lookups", lambda graph: calls.append("lookups") or make_lookups(graph))
    return calls


def build(site: Path, output: str = "out", cache: str | None = "cache"):
    """A command-line style build of the site (with its cache unless `cache` is None)."""
    return build_site(BuildOptions(site / "content", site / output, site / "site.yaml",
                                   cache=site / cache if cache else None))


def files(folder: Path) -> dict[str, bytes]:
    """Every file below the folder, by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def same_as_clean(site: Path) -> bool:
    """Whether the cached build's output equals a build from scratch into a new folder."""
    shutil.rmtree(site / "clean", ignore_errors=True)
    build(site, "clean", None)
    return files(site / "out") == files(site / "clean")


def edit(site: Path, rel: str, old: str, new: str) -> None:
    """Replace the first `old` in a content file by `new`."""
    path = site / "content" / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def first_value(site: Path, rel: str) -> str:
    """The first line of a content file that gives a fact a number (`    value: 300000`)."""
    return next(line for line in (site / "content" / rel).read_text(encoding="utf-8").splitlines()
                if line.startswith("    value: ") and line[11:].isdigit())


def test_edits_are_resolved_from_the_base_one_after_another_and_back(site, resolved):
    build(site)
    assert resolved == ["resolve", "lookups"] and (site / "cache/resolved.pickle").is_file()
    first, second = first_value(site, FIRST), first_value(site, SECOND)
    edit(site, FIRST, first, first + "1")   # a figure corrected
    build(site)
    edit(site, SECOND, second, second + "2")   # the base is now two edits behind
    build(site)
    edit(site, FIRST, first + "1", first)   # and back: since the base only the second file differs
    result = build(site)
    assert resolved == ["resolve", "lookups"] and result.report.written > 0
    resolved.clear()
    assert same_as_clean(site)


def test_a_changed_name_resolves_afresh_and_makes_a_new_base(site, resolved):
    build(site)
    edit(site, FIRST, "title: ", "title: Updated, ")
    build(site)
    assert resolved == ["resolve", "lookups"] * 2
    value = first_value(site, FIRST)
    edit(site, FIRST, value, value + "5")
    build(site)
    assert resolved == ["resolve", "lookups"] * 2   # the edit after it used the new base
    assert same_as_clean(site)


def lose_parses(site: Path) -> None:
    """The parse cache goes, and the base's records with it."""
    (site / "cache/parsed.pickle").unlink()


def damage(site: Path) -> None:
    """The base is no pickle any more."""
    (site / "cache/resolved.pickle").write_bytes(b"not a pickle")


def mismatch(site: Path) -> None:
    """The base's graph names files its keys do not (only a hand could do this)."""
    version = cachestore.code_version()
    keys, resolution, look, events = cachestore.load(site / "cache", "resolved", version)
    wrong = replace(resolution.graph, articles={slug: "content/articles/gone.md" for slug in resolution.graph.articles})
    cachestore.save(site / "cache", "resolved", version, (keys, replace(resolution, graph=wrong), look, events))


@pytest.mark.parametrize("spoil", [lose_parses, damage, mismatch])
def test_a_base_that_cannot_be_trusted_is_not_used(site, resolved, spoil):
    build(site)
    spoil(site)
    value = first_value(site, SECOND)
    edit(site, SECOND, value, value + "3")
    build(site)
    assert resolved == ["resolve", "lookups"] * 2
    assert same_as_clean(site)
