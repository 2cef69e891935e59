"""The rebuild logic of `serve`: what each kind of save re-reads and re-renders, bursts, errors and recovery."""

from __future__ import annotations

import os
import queue
import shutil
import threading
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, soup
from generator.build import BuildOptions
from generator.preview import Previewer, next_batch
from generator.theme import DEFAULT_THEME


@pytest.fixture
def site(tmp_path) -> Path:
    """A copy of the fixture site, free to edit."""
    shutil.copytree(FIXTURES / "site", tmp_path / "site")
    return tmp_path / "site"


@pytest.fixture
def previewer(site, tmp_path) -> Previewer:
    """A previewer that has built the site once."""
    options = BuildOptions(site / "content", tmp_path / "out", site / "site.yaml")
    built = Previewer(options)
    first = built.rebuild()
    assert not first.errors and first.result.parsed == 7 and first.result.rendered > 10
    return built


def edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_nothing_saved_rebuilds_nothing(previewer):
    outcome = previewer.rebuild()
    assert (outcome.result.read, outcome.result.parsed, outcome.result.rendered) == (0, 0, 0)
    assert outcome.result.report.written == 0 and not outcome.changed


def test_editing_an_article_rereads_it_alone_and_rerenders_only_pages_that_show_it(previewer, site):
    path = edit(site / "content/articles/plant-update.md", "date: 2021-12-01", "date: 2021-12-01")
    outcome = previewer.rebuild([path])   # saved without a change: read again, but its parse is reused
    assert (outcome.result.read, outcome.result.parsed, outcome.result.rendered) == (1, 0, 0)
    edit(path, "title: ", "title: Updated ")
    outcome = previewer.rebuild([path])
    assert (outcome.result.read, outcome.result.parsed) == (1, 1)
    pages = outcome.result.rendered
    assert 2 <= pages < len(previewer.memo.pages) // 2, pages   # its page, lists that name it; not every page
    assert outcome.changed and outcome.result.report.written >= pages   # the pages, exports and search index
    heading = soup(previewer.options.output / "articles/plant-update/index.html").h1.get_text()
    assert heading.startswith("Updated ")


def test_a_fact_change_reaches_the_subjects_sheet(previewer, site):
    path = edit(site / "content/articles/plant-deal.md", "value: 300000", "value: 310000")
    outcome = previewer.rebuild([path])
    assert outcome.result.parsed == 1
    sheet = soup(previewer.options.output / "sites/acme-rivertown-plant/index.html").get_text()
    assert "310,000 vehicles" in sheet and "300,000 vehicles" not in sheet


@pytest.mark.parametrize("rel", ["content/companies/acme.md", "content/properties.yaml"])
def test_profiles_and_properties_are_reparsed_alone(previewer, site, rel):
    path = site / rel
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    outcome = previewer.rebuild([path])
    assert (outcome.result.read, outcome.result.parsed) == (1, 1)


def test_a_template_change_rerenders_every_page_but_parses_nothing(previewer, site, tmp_path):
    themes = tmp_path / "theme"
    themes.mkdir()
    (themes / "base.html").write_text((DEFAULT_THEME / "base.html").read_text(encoding="utf-8"), encoding="utf-8")
    edit(site / "site.yaml", "title:", f"templates: {themes}\ntitle:")
    outcome = previewer.rebuild([site / "site.yaml"])
    total = len(previewer.memo.pages)
    assert outcome.result.parsed == 0 and outcome.result.rendered == total
    assert themes in previewer.watched()
    edit(themes / "base.html", "<footer", "<footer data-edited")
    outcome = previewer.rebuild([themes / "base.html"])
    assert outcome.result.parsed == 0 and outcome.result.rendered == total and outcome.changed
    assert soup(previewer.options.output / "index.html").find("footer", attrs={"data-edited": True})


def test_a_settings_change_rerenders_every_page(previewer, site):
    edit(site / "site.yaml", "title:", "title: Renamed")
    outcome = previewer.rebuild([site / "site.yaml"])
    assert outcome.result.parsed == 0 and outcome.result.rendered == len(previewer.memo.pages)


def test_new_and_deleted_articles(previewer, site):
    new = site / "content/articles/fresh.md"
    new.write_text("---\ntitle: Fresh news\ndate: 2023-01-02\ncompanies: [Acme]\n---\nNew.\n", encoding="utf-8")
    outcome = previewer.rebuild([new])
    assert outcome.result.parsed == 1 and (previewer.options.output / "articles/fresh/index.html").is_file()
    new.unlink()
    outcome = previewer.rebuild([new])
    assert outcome.result.parsed == 0 and outcome.result.report.removed >= 1   # its page, old search fragments
    assert not (previewer.options.output / "articles/fresh").exists()


def test_broken_content_keeps_the_last_good_pages_and_reports_every_error(previewer, site):
    out = previewer.options.output
    before = (out / "companies/acme/index.html").read_bytes()
    path = edit(site / "content/articles/plant-deal.md", "title: Acme signs", "title: [unclosed")
    other = edit(site / "content/companies/acme.md", "name:", "nmae:")
    outcome = previewer.rebuild([path, other])
    assert outcome.result is None and outcome.changed
    assert any(e.startswith(f"{path}:3: YAML syntax error") for e in outcome.errors), outcome.errors
    assert any(e.startswith(f"{other}:") for e in outcome.errors), outcome.errors
    assert (out / "companies/acme/index.html").read_bytes() == before
    again = previewer.rebuild([path])
    assert again.errors == outcome.errors and not again.changed     # still broken, nothing new to show
    edit(path, "title: [unclosed", "title: Acme signs")
    edit(other, "nmae:", "name:")
    fixed = previewer.rebuild([path, other])
    assert fixed.errors == () and fixed.changed and fixed.result.read == 2
    assert fixed.result.parsed == 0   # back to the text of the last good build, whose parses are kept
    assert previewer.errors == ()


def test_a_missing_content_folder_is_an_error_not_a_crash(previewer, site):
    shutil.rmtree(site / "content")
    outcome = previewer.rebuild([site / "content"])
    assert outcome.errors and "content folder" in outcome.errors[0]


def test_a_burst_of_saves_is_one_batch():
    changes: queue.Queue = queue.Queue()

    def saves() -> None:
        for number in range(8):
            changes.put({Path(f"a{number}.md")})
            time.sleep(0.01)
    threading.Thread(target=saves).start()
    batch = next_batch(changes, quiet=0.15, longest=5)
    assert batch == {Path(f"a{number}.md") for number in range(8)}
    assert changes.empty()


def test_a_save_after_the_quiet_time_is_the_next_batch():
    changes: queue.Queue = queue.Queue()
    changes.put({Path("one.md")})
    threading.Timer(0.3, changes.put, args=({Path("two.md")},)).start()
    assert next_batch(changes, quiet=0.05) == {Path("one.md")}
    assert next_batch(changes, quiet=0.05) == {Path("two.md")}


def test_an_endless_burst_is_cut_at_the_longest_wait():
    changes: queue.Queue = queue.Queue()
    stop = threading.Event()

    def saves() -> None:
        while not stop.is_set():
            changes.put({Path("autosave.md")})
            time.sleep(0.01)
    threading.Thread(target=saves, daemon=True).start()
    started = time.monotonic()
    next_batch(changes, quiet=0.05, longest=0.3)
    stop.set()
    assert time.monotonic() - started < 3


def test_a_quick_rebuild_keeps_exports_and_search_until_they_are_refreshed(previewer, site):
    out = previewer.options.output
    search_before = {p.name for p in (out / "pagefind").rglob("*") if p.is_file()}
    path = edit(site / "content/articles/plant-deal.md", "value: 300000", "value: 310000")
    edit(path, "build a van plant.", "build a bigger van plant.")   # the summary is searched; facts are not
    quick = previewer.rebuild([path], derived=False)
    assert quick.result.parsed == 1 and previewer.derived_are_stale
    assert "310000" not in (out / "data/facts.csv").read_text(encoding="utf-8")
    assert {p.name for p in (out / "pagefind").rglob("*") if p.is_file()} == search_before
    refreshed = previewer.rebuild()
    assert refreshed.result.parsed == 0 and refreshed.result.rendered == 0 and not previewer.derived_are_stale
    assert "310000" in (out / "data/facts.csv").read_text(encoding="utf-8")
    assert {p.name for p in (out / "pagefind").rglob("*") if p.is_file()} != search_before


def test_a_bug_in_a_rebuild_is_shown_and_does_not_end_the_preview(previewer, monkeypatch, capsys):
    from generator import serve

    def broken(*args, **kwargs):
        raise KeyError("a bug")
    monkeypatch.setattr(previewer, "rebuild", broken)
    outcome = serve._guarded(previewer, set(), False)
    assert outcome.changed and outcome.errors == ("internal error, please report it: KeyError('a bug')",)
    assert "Traceback" in capsys.readouterr().err


def pages(folder: Path) -> dict[str, bytes]:
    """The HTML pages below a folder (a quick rebuild leaves the exports and the search index as they were)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.html"))}


def test_a_save_reads_only_the_files_saved_since_the_last_good_build(previewer, site, tmp_path, monkeypatch):
    listed = []
    scandir = os.scandir
    monkeypatch.setattr(os, "scandir", lambda path=".": listed.append(str(path)) or scandir(path))
    broken = edit(site / "content/articles/plant-deal.md", "value: 300000", "value: lots")
    assert previewer.rebuild([broken], derived=False).errors   # the first save breaks the build
    other = edit(site / "content/articles/plant-update.md", "title: ", "title: Updated ")
    new = site / "content/articles/new-story.md"
    new.write_text(other.read_text(encoding="utf-8").replace("plant-update", "new-story").replace(
        "title: Updated ", "title: New "), encoding="utf-8")
    edit(broken, "value: lots", "value: 310000")
    quick = previewer.rebuild([other, new], derived=False)   # the first file's fix was saved, but not reported again
    assert not quick.errors and quick.result.read == 3
    assert not any(path.startswith(str(site / "content")) for path in listed)   # the content was not listed
    monkeypatch.undo()
    clean = Previewer(BuildOptions(site / "content", tmp_path / "clean", site / "site.yaml"))
    assert not clean.rebuild().errors
    assert pages(previewer.options.output) == pages(tmp_path / "clean")


def test_a_save_the_watcher_did_not_report_shows_at_the_quiet_rebuild(previewer, site, tmp_path):
    reported = edit(site / "content/articles/plant-update.md", "title: ", "title: Updated ")
    unreported = edit(site / "content/articles/plant-deal.md", "value: 300000", "value: 310000")
    assert previewer.rebuild([reported], derived=False).result.read == 1
    assert previewer.rebuild().result.read == 1   # the quiet rebuild looks at every file
    clean = Previewer(BuildOptions(site / "content", tmp_path / "clean", site / "site.yaml"))
    assert not clean.rebuild().errors and unreported.exists()
    assert pages(previewer.options.output) == pages(tmp_path / "clean")


def test_a_change_the_watcher_missed_reloads_the_pages_after_the_quiet_rebuild(previewer, site, monkeypatch):
    from generator import serve
    monkeypatch.setattr(serve, "IDLE_SECONDS", 0.1)
    reported = edit(site / "content/articles/plant-update.md", "title: ", "title: Updated ")
    edit(site / "content/articles/plant-deal.md", "value: 300000", "value: 310000")   # not reported
    changes: queue.Queue = queue.Queue()
    changes.put({reported})
    stop = threading.Event()
    reloads: list = []

    class Loop:
        def add_callback(self, callback) -> None:
            reloads.append(callback)

    worker = threading.Thread(target=serve._rebuild_forever,
                              args=(previewer, type("Preview", (), {"errors": ()})(), changes, stop, Loop(), None, None))
    worker.start()
    try:
        deadline = time.monotonic() + 30
        while len(reloads) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        changes.put({reported})   # wakes the rebuild loop, which then sees it must stop
        worker.join(10)
    assert len(reloads) == 2 and not worker.is_alive()   # the save, then the quiet rebuild that found the other file
    clean = Previewer(BuildOptions(site / "content", site.parent / "clean", site / "site.yaml"))
    assert not clean.rebuild().errors and pages(previewer.options.output) == pages(site.parent / "clean")
