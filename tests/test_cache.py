"""The persistent build cache: a build with nothing changed does nothing, and nothing changed is never assumed wrongly."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import shutil
from pathlib import Path

import jinja2
import pytest

from generator import (build as build_module, cache as cache_module, cachestore, derived as derived_module, exports, journal,
                       outputstamps, render, searchdocs, searchjob, sources, staging, write)
from generator.build import BuildOptions, build_site
from generator.errors import BuildFailed

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "content"


@pytest.fixture
def site(tmp_path) -> Path:
    """A copy of the demo content, with a cache folder beside it."""
    shutil.copytree(DEMO, tmp_path / "content")
    return tmp_path


def build(site: Path):
    """A command-line style build of the site with its cache."""
    return build_site(BuildOptions(site / "content", site / "out", site / "site.yaml", cache=site / "cache"))


def files(folder: Path) -> dict[str, bytes]:
    """Every file below the folder, by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_second_build_with_nothing_changed_does_nothing(site):
    first = build(site)
    second = build(site)
    assert second.report.written == second.report.removed == 0
    assert second.report.unchanged == first.files and second.memo is None   # it returned before reading anything
    assert [str(w) for w in second.warnings] == [str(w) for w in first.warnings]


def test_a_same_size_save_in_the_same_clock_tick_is_still_seen(site):
    article = next((site / "content/articles").glob("*.md"))
    article.touch()   # saved just now, as the build starts
    build(site)
    before = article.stat()
    text = article.read_text(encoding="utf-8")
    changed = text.replace("Xiaomi", "Xiaomo", 1)
    assert changed != text and len(changed) == len(text)
    article.write_text(changed, encoding="utf-8")
    os.utime(article, ns=(before.st_atime_ns, before.st_mtime_ns))   # the stamp looks untouched
    result = build(site)
    assert result.memo is not None and result.report.written > 0   # it read the recent file and rebuilt


def test_a_damaged_output_is_repaired_and_a_deleted_cache_only_costs_time(site):
    build(site)
    expected = files(site / "out")
    (site / "out/index.html").unlink()
    (site / "out/articles/index.html").write_text("tampered")
    repaired = build(site)
    assert repaired.report.written == 2 and files(site / "out") == expected
    shutil.rmtree(site / "cache")
    assert build(site).report.written == 0 and files(site / "out") == expected


def test_a_cache_file_that_cannot_be_read_is_ignored(site):
    build(site)
    expected = files(site / "out")
    for stored in (site / "cache").glob("*.pickle"):
        stored.write_bytes(b"not a pickle")
    (site / "content/articles").joinpath(next((site / "content/articles").glob("*.md")).name).touch()
    result = build(site)
    assert result.report.written == 0 and files(site / "out") == expected


def test_files_saved_again_unchanged_still_leave_nothing_to_do(site):
    first = build(site)
    for path in (site / "content").rglob("*.md"):
        path.write_bytes(path.read_bytes())   # a checkout or an editor's save: new stamps, same text
    again = build(site)
    assert again.memo is None and again.report.written == 0 and again.report.unchanged == first.files


def test_a_changed_template_renders_only_the_pages_that_use_it(site, tmp_path):
    theme = tmp_path / "theme"
    theme.mkdir()
    (site / "site.yaml").write_text(f"templates: {theme}\n", encoding="utf-8")
    first = build(site)
    (theme / "article.html").write_text((ROOT / "templates/article.html").read_text(encoding="utf-8")
                                        .replace("</article>", "</article><!-- changed -->", 1), encoding="utf-8")
    again = build(site)
    changed = {p for p, data in files(site / "out").items() if b"<!-- changed -->" in data}
    assert changed == {f"articles/{p.stem}/index.html" for p in (site / "content/articles").glob("*.md")}
    assert again.report.written == len(changed) == again.rendered == 5 < first.rendered


def test_page_digests_left_by_another_build_are_not_trusted(site):
    article = next((site / "content/articles").glob("*.md"))
    first_text = article.read_text(encoding="utf-8")
    build(site)
    first_pages = (site / "cache/pages.pickle").read_bytes()
    article.write_text(first_text.replace("Xiaomi", "Xiaomo"), encoding="utf-8")
    build(site)
    (site / "cache/pages.pickle").write_bytes(first_pages)   # as if a second build had raced this one
    article.write_text(first_text, encoding="utf-8")
    build(site)
    clean = build_site(BuildOptions(site / "content", site / "clean", site / "site.yaml"))
    assert clean.report.written == clean.files and files(site / "out") == files(site / "clean")


def test_an_edited_fact_exports_again_only_the_subjects_of_the_sheets_it_changed(site, monkeypatch):
    build(site)
    made = []
    rows = exports._Rows.values
    monkeypatch.setattr(exports._Rows, "values", lambda self, fact, conflict: made.append(fact.subject) or rows(
        self, fact, conflict))
    article = site / "content/articles/xiaomi-auto-yizhuang-factory.md"
    text = article.read_text(encoding="utf-8")
    assert "    value: 300000\n" in text
    article.write_text(text.replace("    value: 300000\n", "    value: 310000\n", 1), encoding="utf-8")
    again = build(site)
    subjects, rows_made = set(made), len(made)
    assert 0 < len(subjects) < again.entities and rows_made < again.facts
    build_site(BuildOptions(site / "content", site / "clean", site / "site.yaml"))
    assert files(site / "out") == files(site / "clean")
    assert b"310000" in (site / "out/data/facts.csv").read_bytes()
    third = build(site)   # the snapshot's output stamps, updated for the files the edit wrote, still hold
    assert third.memo is None and third.report.written == 0


def test_an_edit_that_keeps_the_search_index_does_not_read_its_files_back(site, monkeypatch):
    build(site)
    bundle = sorted(p.relative_to(site / "out").as_posix() for p in (site / "out/pagefind").rglob("*") if p.is_file())
    assert len(bundle) > 10
    compared = []
    same = staging.same_bytes
    monkeypatch.setattr(write, "same_bytes", lambda path, data: compared.append(path) or same(path, data))
    damaged = site / "out" / bundle[0]
    damaged.write_bytes(b"damaged")
    article = site / "content/articles/xiaomi-auto-yizhuang-factory.md"   # a fact's value: no indexed word changes
    article.write_text(article.read_text(encoding="utf-8").replace("    value: 300000\n", "    value: 310000\n", 1),
                       encoding="utf-8")
    again = build(site)
    assert compared and not any("pagefind" in path and not path.endswith(bundle[0]) for path in compared)
    assert 0 < again.report.written < 10 and bundle[0] in again.report.changed_files   # the damaged file is put right
    build_site(BuildOptions(site / "content", site / "clean", site / "site.yaml"))
    assert files(site / "out") == files(site / "clean")


def test_an_edit_reads_back_only_the_sheet_exports_it_touched_and_those_changed_by_hand(site, monkeypatch):
    first = build(site)
    sheets = sorted(p.relative_to(site / "out").as_posix() for p in (site / "out").glob("*/*/facts.json"))
    assert len(sheets) == first.entities
    untouched = site / "out/people" / sorted(p.name for p in (site / "out/people").iterdir())[0] / "facts.json"
    untouched.write_bytes(b"damaged")
    compared = []
    same = staging.same_bytes
    monkeypatch.setattr(staging, "same_bytes", lambda path, data: compared.append(path) or same(path, data))
    article = site / "content/articles/xiaomi-auto-yizhuang-factory.md"
    article.write_text(article.read_text(encoding="utf-8").replace("    value: 300000\n", "    value: 310000\n", 1),
                       encoding="utf-8")
    build(site)
    read_back = [path for path in compared if path.endswith("/facts.json") and "/data/" not in path]
    assert str(untouched) in read_back and len(read_back) < len(sheets) // 4
    build_site(BuildOptions(site / "content", site / "clean", site / "site.yaml"))
    assert files(site / "out") == files(site / "clean")


def test_an_edit_that_changes_no_fact_row_leaves_the_whole_site_exports_unread_unless_changed_by_hand(site, monkeypatch):
    build(site)
    compared = []
    same = staging.same_bytes
    monkeypatch.setattr(staging, "same_bytes", lambda path, data: compared.append(path) or same(path, data))
    article = site / "content/articles/xiaomi-auto-yizhuang-factory.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text + "\nOne more sentence of the body.\n", encoding="utf-8")   # the body only
    again = build(site)
    assert 0 < again.report.written and again.report.written + again.report.unchanged == again.files
    assert not [path for path in compared if "/data/facts." in path]
    assert not [path for path in again.report.changed_files if path.startswith("data/facts.")]
    (site / "out/data/facts.csv").write_bytes(b"damaged")
    article.write_text(text, encoding="utf-8")
    again = build(site)
    assert "data/facts.csv" in again.report.changed_files and "data/facts.json" not in again.report.changed_files
    build_site(BuildOptions(site / "content", site / "clean", site / "site.yaml"))
    assert files(site / "out") == files(site / "clean")


def test_a_cache_file_that_could_not_be_written_leaves_no_snapshot_to_trust(site, monkeypatch):
    build(site)
    saved = cachestore.save
    monkeypatch.setattr(cachestore, "save", lambda folder, name, *args: not name.startswith("exports")
                        and saved(folder, name, *args))
    article = site / "content/articles/xiaomi-auto-yizhuang-factory.md"
    article.write_text(article.read_text(encoding="utf-8").replace("    value: 300000\n", "    value: 310000\n", 1),
                       encoding="utf-8")
    build(site)   # its export rows are not stored: the rows stored are the first build's
    assert not (site / "cache/build.pickle").exists()
    monkeypatch.undo()
    article.write_text(article.read_text(encoding="utf-8").replace("    value: 310000\n", "    value: 300000\n", 1),
                       encoding="utf-8")
    again = build(site)   # back to the first build's rows: nothing may be taken for written as they say
    assert again.report.written > 0
    build_site(BuildOptions(site / "content", site / "clean", site / "site.yaml"))
    assert files(site / "out") == files(site / "clean")


def test_a_file_added_to_the_output_by_hand_is_seen_and_removed(site):
    build(site)
    expected = files(site / "out")
    article = next(p for p in (site / "out/articles").iterdir() if p.is_dir())
    (article / "stray.html").write_text("not ours")                 # beside a page
    (site / "out/new-folder/deeper").mkdir(parents=True)
    (site / "out/new-folder/deeper/stray.html").write_text("nor this")   # in folders of its own
    again = build(site)
    assert again.memo is not None and again.report.removed == 2
    assert files(site / "out") == expected and not (site / "out/new-folder").exists()
    assert build(site).memo is None   # and then there is nothing to do


def test_the_output_is_checked_by_its_folders_and_files_without_a_walk(site, monkeypatch):
    build(site)
    listed = []
    scandir = os.scandir
    monkeypatch.setattr(os, "scandir", lambda path=".": listed.append(str(path)) or scandir(path))
    assert build(site).memo is None   # nothing to do,
    assert listed and not any(path.startswith(str(site / "out")) for path in listed)   # seen without listing the output
    monkeypatch.undo()
    page = site / "out/index.html"
    data = page.read_bytes()
    stamp = page.stat()
    page.write_bytes(data.replace(b"<", b">", 1))   # same size, same folder
    os.utime(page, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1))
    repaired = build(site)
    assert repaired.memo is not None and page.read_bytes() == data


def test_a_first_build_knows_the_stamps_of_the_files_it_wrote_without_walking_the_output(site, monkeypatch):
    walks = []
    walk = outputstamps.output_entries
    monkeypatch.setattr(outputstamps, "output_entries", lambda root: walks.append(root) or walk(root))
    (site / "out").mkdir()
    (site / "out" / write.MARKER).write_bytes(write.MARKER_TEXT)
    (site / "out/stale.html").write_text("left by a build")   # removed: the output holds just the files built
    result = build(site)
    assert walks == []   # only the writer looked at what the output held, before writing (write._existing)
    snapshot = cache_module.stored_snapshot(site / "cache", cachestore.code_version())
    assert snapshot.outputs == outputstamps.output_stamps(site / "out") and len(snapshot.outputs) == result.files
    assert build(site).report.written == 0 and build(site).memo is None   # the stamps hold: nothing to do


def test_a_first_build_moves_pagefinds_folders_into_place_whole_and_a_build_over_them_file_by_file(site, monkeypatch):
    adopted, moved = [], []
    adopt, adopt_folder = staging.Stager.adopt, staging.Stager.adopt_folder
    monkeypatch.setattr(staging.Stager, "adopt", lambda self, rel, *args: adopted.append(rel) or adopt(self, rel, *args))
    monkeypatch.setattr(staging.Stager, "adopt_folder", lambda self, rel, source: (
        adopt_folder(self, rel, source) and not moved.append(rel)))
    first = build(site)
    bundle = first.memo.derived.search.files
    assert sorted(moved) == ["pagefind/fragment", "pagefind/index"]
    assert adopted and not any(rel.startswith(("pagefind/fragment/", "pagefind/index/")) for rel in adopted)
    assert {rel: data for rel, data in files(site / "out").items() if rel.startswith("pagefind/")} == bundle
    snapshot = cache_module.stored_snapshot(site / "cache", cachestore.code_version())
    assert snapshot.outputs == outputstamps.output_stamps(site / "out")   # the moved files' stamps too
    shutil.rmtree(site / "cache")   # Pagefind runs again, and its folders are in the output already
    adopted.clear()
    moved.clear()
    again = build(site)
    assert moved == [] and again.report.written == 0 and again.memo.derived.search.files == bundle
    assert sorted(adopted) == sorted(set(bundle) - {"pagefind/factsheet-parts.json"})   # each compared with the output's


def test_an_edit_takes_the_output_as_the_last_build_left_it_when_its_stamps_say_so(site, monkeypatch):
    build(site)
    walks = []
    walk = build_module.output_stamps
    monkeypatch.setattr(build_module, "output_stamps", lambda output: walks.append(output) or walk(output))
    listed = []
    existing = write._existing   # the writer's own listing
    monkeypatch.setattr(write, "_existing", lambda root: listed.append(root) or existing(root))
    article = site / "content/articles/xiaomi-auto-yizhuang-factory.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("    value: 300000\n", "    value: 310000\n", 1), encoding="utf-8")
    assert build(site).report.written > 0 and walks == listed == []
    (site / "out/index.html").unlink()
    article.write_text(text, encoding="utf-8")
    again = build(site)
    assert walks and listed and "index.html" in again.report.changed_files   # a damaged output is listed, put right
    build_site(BuildOptions(site / "content", site / "clean", site / "site.yaml"))
    assert files(site / "out") == files(site / "clean")


def test_an_edit_reads_only_the_files_whose_stamps_changed(site, monkeypatch):
    content = site / "content"
    for path in content.rglob("*"):
        os.utime(path, (1_700_000_000, 1_700_000_000))   # saved long before the build: no stamp is too recent to trust
    build(site)
    article = content / "articles/xiaomi-auto-yizhuang-factory.md"
    article.write_text(article.read_text(encoding="utf-8").replace("    value: 300000\n", "    value: 320000\n", 1),
                       encoding="utf-8")
    read = []
    read_text = sources._read_text
    monkeypatch.setattr(sources, "_read_text", lambda path, display, problems: read.append(display) or read_text(
        path, display, problems))
    result = build(site)
    assert set(read) == {str(article)} and result.read == 1 and result.parsed == 1   # (the no-op check read it too)
    build_site(BuildOptions(content, site / "clean", site / "site.yaml"))
    assert files(site / "out") == files(site / "clean")
    (site / "cache/parsed.pickle").unlink()   # the parses of the unchanged files are gone: they are read again
    (site / "cache/parsed-new.pickle").unlink()
    article.write_text(article.read_text(encoding="utf-8").replace("    value: 320000\n", "    value: 330000\n", 1),
                       encoding="utf-8")
    read.clear()
    result = build(site)
    assert set(read) == {str(p) for p in content.rglob("*") if p.is_file()} and result.read == len(set(read))


def test_an_edit_makes_again_only_the_search_documents_of_the_pages_it_touched(site, monkeypatch):
    first = build(site)
    made = []
    article_body = searchdocs._article_body
    monkeypatch.setattr(searchdocs, "_article_body", lambda graph, article: made.append(article.slug) or article_body(
        graph, article))
    article = site / "content/articles/xiaomi-auto-yizhuang-factory.md"
    article.write_text(article.read_text(encoding="utf-8").replace("    value: 300000\n", "    value: 340000\n", 1),
                       encoding="utf-8")
    build(site)
    assert made == ["xiaomi-auto-yizhuang-factory"]
    (site / "cache/search-documents.pickle").write_bytes(b"damaged")   # then every document is made again
    article.write_text(article.read_text(encoding="utf-8").replace("    value: 340000\n", "    value: 350000\n", 1),
                       encoding="utf-8")
    made.clear()
    build(site)
    assert len(made) == first.articles
    park = site / "content/articles/xiaomi-nanjing-park-opens.md"   # a site's place: its own document shows it
    text = park.read_text(encoding="utf-8")
    park.write_text(text.replace("    value: Jianye High-tech Zone\n", "    value: Yizhuang\n", 1), encoding="utf-8")
    bundle = {path: data for path, data in files(site / "out").items() if path.startswith("pagefind/")}
    build(site)
    assert bundle != {path: data for path, data in files(site / "out").items() if path.startswith("pagefind/")}
    build_site(BuildOptions(site / "content", site / "clean", site / "site.yaml"))
    assert files(site / "out") == files(site / "clean")


def test_an_edit_that_keeps_every_name_keeps_the_sitemap_unplanned(site, monkeypatch):
    (site / "site.yaml").write_text("base_url: https://example.org/facts/\n", encoding="utf-8")
    build(site)
    planned = []
    plan = render.plan_web_files
    monkeypatch.setattr(render, "plan_web_files", lambda paths, config: planned.append(1) or plan(paths, config))
    article = site / "content/articles/xiaomi-auto-yizhuang-factory.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("    value: 300000\n", "    value: 360000\n", 1), encoding="utf-8")
    assert build(site).report.written > 0 and planned == []
    (site / "content/articles/xiaomi-extra.md").write_text(text, encoding="utf-8")
    result = build(site)   # a new article: a new page for the sitemap
    assert planned and "sitemap.xml" in result.report.changed_files
    assert b"articles/xiaomi-extra" in (site / "out/sitemap.xml").read_bytes()
    build_site(BuildOptions(site / "content", site / "clean", site / "site.yaml"))
    assert files(site / "out") == files(site / "clean")


def test_a_new_base_url_gives_every_entity_record_its_new_address_though_the_rows_are_unchanged(site):
    (site / "site.yaml").write_text("base_url: https://example.org/facts/\n", encoding="utf-8")
    build(site)
    (site / "site.yaml").write_text("base_url: https://example.net/sheets/\n", encoding="utf-8")
    build(site)
    assert b"https://example.org/" not in (site / "out/data/entities.json").read_bytes()
    sheet = json.loads(next((site / "out/companies").glob("*/facts.json")).read_text(encoding="utf-8"))
    assert sheet["entity"]["url"].startswith("https://example.net/sheets/companies/")
    build_site(BuildOptions(site / "content", site / "clean", site / "site.yaml"))
    assert files(site / "out") == files(site / "clean")


def test_a_journaled_dict_writes_only_its_changes_while_they_are_few(tmp_path):
    folder, version = tmp_path / "cache", "v1"
    assert journal.load_journaled(folder, "rows", version).value == {}
    first = {f"k{i}": (i,) for i in range(300)}
    assert journal.save_journaled(folder, "rows", version, first, None)
    big = (folder / "rows.pickle").read_bytes()
    stored = journal.load_journaled(folder, "rows", version)
    assert dict(stored) == first
    second = {key: stored[key] for key in list(stored)[1:]} | {"k5": ("changed",), "new": (1,)}
    assert journal.save_journaled(folder, "rows", version, second, stored)
    assert (folder / "rows.pickle").read_bytes() == big   # only the small file was written
    again = journal.load_journaled(folder, "rows", version)
    assert dict(again) == second and again.base == first
    third = {key: ("all changed",) for key in second}
    assert journal.save_journaled(folder, "rows", version, third, again)
    assert (folder / "rows.pickle").read_bytes() != big
    assert dict(journal.load_journaled(folder, "rows", version)) == third
    cachestore.save(folder, "rows-new", version, ("another big file", {"k1": ("stale",)}, []))
    assert dict(journal.load_journaled(folder, "rows", version)) == third   # a small file of another big one
    ident = journal.load_journaled(folder, "rows", version).ident
    cachestore.save(folder, "rows-new", version, (ident, ["not", "a", "dict"], 5))
    assert dict(journal.load_journaled(folder, "rows", version)) == third   # nor one not made by save_journaled


class Made:
    """An object a reducer makes while pickling: the pickler's memo keeps each alive until it lets go."""

    alive = 0
    most = 0

    def __init__(self, value: int) -> None:
        self.value = value
        Made.alive += 1
        Made.most = max(Made.most, Made.alive)

    def __del__(self) -> None:
        Made.alive -= 1


class Item:
    """A value whose reducer makes a `Made` each time it is pickled (as the parse cache's articles do)."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Item) and other.value == self.value


def _made_item(made: Made) -> Item:
    return Item(made.value)


def _item_form(item: Item):
    return _made_item, (Made(item.value),)


@pytest.mark.parametrize("chunk", [0, 10])
def test_a_dict_saved_in_chunks_reads_back_whole_and_its_pickler_lets_go_of_each_chunk(tmp_path, chunk):
    folder, version = tmp_path / "cache", "v1"
    shared = ("shared", "by", "every", "entry")
    value = {f"k{i}": (Item(i), shared) for i in range(95)}
    Made.alive = Made.most = 0
    assert cachestore.save(folder, "parsed", version, value, {Item: _item_form}, chunk=chunk)
    assert Made.most == (10 if chunk else 95)   # the objects the reducer made, alive at once
    with open(folder / "parsed.pickle", "rb") as file:
        first = pickle.load(file)
    assert first == (version, cachestore.Chunks(10)) if chunk else first[0] == version
    again = cachestore.load(folder, "parsed", version)
    assert again == value and list(again) == list(value)
    assert cachestore.load(folder, "parsed", "v2") is None
    data = (folder / "parsed.pickle").read_bytes()
    (folder / "parsed.pickle").write_bytes(data[:len(data) * 2 // 3])
    assert cachestore.load(folder, "parsed", version) is None   # cut short


def _logged(log: Path, name: str, function):
    """`function`, writing a line to `log` (with the process's id) as each call starts and ends."""
    @functools.wraps(function)
    def call(*args, **kwargs):
        _log(log, name)
        result = function(*args, **kwargs)
        _log(log, name + " done")
        return result
    return call


def _log(log: Path, line: str) -> None:
    with log.open("a") as file:
        file.write(f"{line} {os.getpid()}\n")


def _log_the_build(site: Path, monkeypatch) -> Path:
    log = site / "log.txt"
    background = build_module.in_background
    monkeypatch.setattr(build_module, "in_background", lambda function, *args, **kwargs: _log(
        log, f"fork {function.__name__}") or background(function, *args, **kwargs))
    monkeypatch.setattr(cache_module.BuildCache, "save_parses", _logged(log, "parses", cache_module.BuildCache.save_parses))
    save = cache_module.BuildCache.save
    monkeypatch.setattr(cache_module.BuildCache, "save", _logged(log, "snapshot", lambda self, *args: _log(
        log, "parses kept" if (self.folder / "parsed.pickle").exists() else "parses missing") or save(self, *args)))
    monkeypatch.setattr(build_module, "resolve_site", _logged(log, "resolve", build_module.resolve_site))
    monkeypatch.setattr(build_module, "save_base", _logged(log, "base", build_module.save_base))
    monkeypatch.setattr(derived_module, "export_files", _logged(log, "exports", derived_module.export_files))
    return log


def _events(log: Path) -> tuple[list[str], list[str]]:
    """The lines of the log without the process ids: this process's, and the others'; the log is removed."""
    lines = [line.rsplit(" ", 1) for line in log.read_text().splitlines()]
    log.unlink()
    here = [name for name, process in lines if process == str(os.getpid())]
    return here, [name for name, process in lines if process != str(os.getpid())]


def test_a_first_build_has_a_child_write_its_parses_while_it_resolves_and_saves_the_base_at_the_end(site, monkeypatch):
    """All the parses are written by a child forked before the graph is resolved (the build leaves a core idle
    then), and have been written when the snapshot that expects them is saved; the base is saved at the end,
    here (a child forked to save it while this process saves the rest took the peak memory at 10,000 articles
    from 470 to 520 MB: pickling it touched, and so copied, most of the graph)."""
    log = _log_the_build(site, monkeypatch)
    build(site)
    here, child = _events(log)
    assert child == ["parses", "parses done"]
    assert here == ["fork save_parses", "resolve", "resolve done", "exports", "exports done", "snapshot",
                    "parses kept", "snapshot done", "base", "base done"]
    shutil.rmtree(site / "out")
    again = build(site)
    assert again.parsed == 0 and again.report.written > 0   # the parses were kept


def test_an_edit_build_writes_its_few_new_parses_itself_while_pagefind_indexes(site, monkeypatch):
    build(site)
    article = site / "content/articles/xiaomi-auto-yizhuang-factory.md"
    article.write_text(article.read_text(encoding="utf-8").replace("    value: 300000\n", "    value: 310000\n", 1),
                       encoding="utf-8")
    monkeypatch.setattr(searchjob.SearchJob, "result", _logged(site / "log.txt", "search", searchjob.SearchJob.result))
    log = _log_the_build(site, monkeypatch)
    build(site)
    assert _events(log) == (["fork outputs_intact", "exports", "exports done", "search", "parses", "parses done",
                             "search done", "snapshot", "parses kept", "snapshot done"], [])   # resolved from the base


def test_a_build_that_fails_after_parsing_lets_the_child_finish_writing_the_parses(site, monkeypatch):
    def fail(parsed):
        raise RuntimeError("resolving failed")
    monkeypatch.setattr(build_module, "resolve_site", fail)
    with pytest.raises(RuntimeError):
        build(site)
    assert not [p.name for p in (site / "cache").iterdir() if p.name.startswith(".")]   # no file half written
    monkeypatch.undo()
    assert build(site).parsed == 0   # written whole


def test_sections_write_only_what_changed_while_it_is_little(tmp_path):
    folder, version = tmp_path / "cache", "v1"
    assert journal.load_sections(folder, "snap", version) is None
    first = {"stamps": {f"f{i}": (i, i) for i in range(300)}, "count": 3, "warnings": ("w",)}
    assert journal.save_sections(folder, "snap", version, first, None)
    big = (folder / "snap.pickle").read_bytes()
    stored = journal.load_sections(folder, "snap", version)
    assert stored.value == first
    second = {"stamps": {**{f"f{i}": (i, i) for i in range(1, 300)}, "f5": (0, 0), "new": (1, 1)}, "count": 4,
              "warnings": ("w",)}
    assert journal.save_sections(folder, "snap", version, second, stored)
    assert (folder / "snap.pickle").read_bytes() == big   # only the small file was written
    again = journal.load_sections(folder, "snap", version)
    assert again.value == second and again.base == first
    third = {**second, "count": 5}   # the changes are against the big file, not the small one
    assert journal.save_sections(folder, "snap", version, third, again)
    assert (folder / "snap.pickle").read_bytes() == big
    assert journal.load_sections(folder, "snap", version).value == third
    fourth = {**third, "stamps": {key: (9, 9) for key in third["stamps"]}}   # many changes: all of it again
    assert journal.save_sections(folder, "snap", version, fourth, journal.load_sections(folder, "snap", version))
    assert (folder / "snap.pickle").read_bytes() != big
    assert journal.load_sections(folder, "snap", version).value == fourth
    fifth = {**fourth, "stamps": "no longer a dict"}
    assert journal.save_sections(folder, "snap", version, fifth, journal.load_sections(folder, "snap", version))
    assert journal.load_sections(folder, "snap", version).value == fifth
    cachestore.save(folder, "snap-new", version, ("another big file", {"count": 7}))
    assert journal.load_sections(folder, "snap", version) is None   # a small file of another big one
    journal.remove_stored(folder, "snap")
    assert not list(folder.glob("snap*"))


def test_an_edit_writes_only_the_changes_of_the_snapshot(site):
    build(site)
    version = cachestore.code_version()
    big = (site / "cache/build.pickle").read_bytes()
    article = site / "content/articles/xiaomi-auto-yizhuang-factory.md"
    article.write_text(article.read_text(encoding="utf-8").replace("    value: 300000\n", "    value: 310000\n", 1),
                       encoding="utf-8")
    again = build(site)
    assert again.report.written > 0
    assert (site / "cache/build.pickle").read_bytes() == big
    snapshot = cache_module.stored_snapshot(site / "cache", version)
    assert snapshot.outputs == outputstamps.output_stamps(site / "out")
    assert snapshot.texts[article.relative_to(site / "content").as_posix()] == cachestore.text_digest(
        article.read_text(encoding="utf-8"))
    nothing = build(site)   # seen from the snapshot read back: nothing to do
    assert (nothing.report.written, nothing.report.unchanged, nothing.read, nothing.rendered) == (0, 222, 0, 0)
    ident = cachestore.load(site / "cache", "build", version)[0]
    cachestore.save(site / "cache", "build-new", version, (ident, {"outputs": "not (changed, gone)"}))
    assert cache_module.stored_snapshot(site / "cache", version) is None   # damaged: trusted no more, no traceback
    assert build(site).report.written == 0


def test_an_edit_stores_only_the_export_rows_it_changed(site):
    build(site)
    big = (site / "cache/exports.pickle").read_bytes()
    article = site / "content/articles/xiaomi-auto-yizhuang-factory.md"
    article.write_text(article.read_text(encoding="utf-8").replace("    value: 300000\n", "    value: 310000\n", 1),
                       encoding="utf-8")
    build(site)
    assert (site / "cache/exports.pickle").read_bytes() == big
    _, changed, gone = cachestore.load(site / "cache", "exports-new", cachestore.code_version())
    assert 0 < len(changed) < 10 and gone == []
    build_site(BuildOptions(site / "content", site / "clean", site / "site.yaml"))
    assert files(site / "out") == files(site / "clean")


def test_after_an_edit_the_snapshot_holds_the_folders_stamps_as_they_are(site):
    build(site)
    version = cachestore.code_version()
    article = site / "content/articles/xiaomi-auto-yizhuang-factory.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("    value: 300000\n", "    value: 310000\n", 1), encoding="utf-8")
    looked = []
    real = os.stat
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(outputstamps.os, "stat", lambda path, *a, **k: looked.append(str(path)) or real(path, *a, **k))
        build(site)
    snapshot = cache_module.stored_snapshot(site / "cache", version)
    assert snapshot.folders == outputstamps.folder_stamps(site / "out", snapshot.outputs)
    folders = [path for path in looked if path.startswith(str(site / "out")) and os.path.isdir(path)]
    assert len(folders) < 1.5 * len(snapshot.folders)   # once to see the output intact, and then only those written in
    (site / "content/articles/2031").mkdir()   # a new article in a new folder
    (site / "content/articles/2031/new-plant.md").write_text(text.replace("slug:", "slug: new-plant\nx:", 1)
                                                             if "slug:" in text else text, encoding="utf-8")
    build(site)
    snapshot = cache_module.stored_snapshot(site / "cache", version)
    assert snapshot.folders == outputstamps.folder_stamps(site / "out", snapshot.outputs)


def test_templates_are_compiled_once_and_their_errors_still_name_their_lines(site, monkeypatch):
    build(site)
    assert list((site / "cache/templates").iterdir())
    compiled, parsed = [], []
    real, parse = jinja2.Environment.compile, jinja2.Environment.parse
    monkeypatch.setattr(jinja2.Environment, "compile", lambda self, *a, **k: compiled.append(a) or real(self, *a, **k))
    monkeypatch.setattr(jinja2.Environment, "parse", lambda self, *a, **k: parsed.append(a) or parse(self, *a, **k))
    article = site / "content/articles/xiaomi-auto-yizhuang-factory.md"
    article.write_text(article.read_text(encoding="utf-8").replace("    value: 300000\n", "    value: 310000\n", 1),
                       encoding="utf-8")
    assert build(site).report.written > 0 and compiled == [] and parsed == []   # nor parsed for the pages' digests
    theme = site / "theme"
    theme.mkdir()
    (theme / "article.html").write_text('{% extends "base.html" %}\n{% block main %}\n\n{{ no_such.thing }}\n{% endblock %}\n')
    (site / "site.yaml").write_text(f"templates: {theme}\n", encoding="utf-8")
    for attempt in ("compiled now", "compiled before"):
        with pytest.raises(BuildFailed) as failed:
            build(site)
        error, = failed.value.errors
        assert (error.path, error.line) == (str(theme / "article.html"), 4), attempt
    assert len(compiled) == 1


def test_the_templates_each_template_uses_are_kept_by_its_source(tmp_path):
    from generator.templating import referenced_templates, _CompiledTemplates
    env = jinja2.Environment(bytecode_cache=_CompiledTemplates(tmp_path / "compiled"))
    plain = jinja2.Environment()
    first = '{% extends "base.html" %}{% include "a.html" %}'
    assert referenced_templates(env, "page.html", first) == ["base.html", "a.html"]
    kept, = (tmp_path / "compiled").glob("refs-*.json")
    assert referenced_templates(env, "page.html", first) == ["base.html", "a.html"]
    second = '{% extends "other.html" %}{% include name %}'   # changed: its references are found again
    assert referenced_templates(env, "page.html", second) == referenced_templates(plain, "page.html", second) \
        == ["other.html", None]
    kept.write_text('["damaged", 3')
    assert referenced_templates(env, "page.html", first) == ["base.html", "a.html"]
    kept.write_text(json.dumps([hashlib.sha256(first.encode()).hexdigest(), 3]))   # the right checksum, not names
    assert referenced_templates(env, "page.html", first) == ["base.html", "a.html"]
    assert len(list((tmp_path / "compiled").glob("refs-*"))) == 1


def test_the_library_versions_in_the_code_version_are_those_importlib_metadata_gives():
    from importlib import metadata
    versions = cachestore.installed_versions()
    for name in cachestore.LIBRARIES:
        assert versions[cachestore._normalized(name)] == metadata.version(name), name


def test_a_build_with_the_cache_lists_the_content_folder_once(site, monkeypatch):
    build(site)
    listed = []
    scan = sources._scan

    def listing(folder, prefix, *args):
        if not prefix:   # the content folder itself, not one below it
            listed.append(folder)
        return scan(folder, prefix, *args)
    monkeypatch.setattr(sources, "_scan", listing)
    article = site / "content/articles/xiaomi-auto-yizhuang-factory.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    assert build(site).report.written > 0 and listed == [str(site / "content")]
    build_site(BuildOptions(site / "content", site / "clean", site / "site.yaml"))
    assert files(site / "out") == files(site / "clean")


@pytest.mark.parametrize("relative", [True, False])
def test_sources_read_from_the_stamps_listing_are_those_of_a_folder_listing(site, monkeypatch, relative):
    monkeypatch.chdir(site)
    content = Path("content") if relative else site / "content"
    listed, _, _ = sources.read_sources(content)
    taken, _, _ = sources.read_sources(content, taken=sources.content_stamps(content))
    assert [(s.path, s.rel, s.kind, s.text) for s in taken] == [(s.path, s.rel, s.kind, s.text) for s in listed]
    assert len(listed) > 10
