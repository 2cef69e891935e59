"""Stage 5: writing the output folder, touching only what changed."""

from __future__ import annotations

import os

import pytest

from conftest import snapshot
from generator import staging
from generator.errors import UsageError
from generator.write import MARKER, MARKER_TEXT, OutputError, check_output, write_site

SITE = {
    "index.html": b"<h1>Home</h1>",
    "companies/index.html": b"companies",
    "companies/acme/index.html": b"acme",
    "static/style.css": b"body {}",
}


def files_below(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def temp_files(folder):
    return [p for p in folder.rglob("*") if p.name.endswith(".tmp") or ".factsheet-staging" in p.parts]


def test_first_write_creates_files_and_marker(tmp_path):
    out = tmp_path / "out"
    report = write_site(SITE, out)
    assert (report.written, report.unchanged, report.removed) == (4, 0, 0)
    assert files_below(out) == sorted([MARKER, *SITE])
    assert (out / MARKER).read_bytes() == MARKER_TEXT
    for rel, data in SITE.items():
        assert (out / rel).read_bytes() == data


def test_second_write_of_the_same_files_writes_nothing(tmp_path):
    out = tmp_path / "out"
    write_site(SITE, out)
    before = snapshot(out)
    report = write_site(dict(SITE), out)
    assert (report.written, report.unchanged, report.removed) == (0, 4, 0)
    assert snapshot(out) == before


def test_only_a_changed_file_is_rewritten(tmp_path):
    out = tmp_path / "out"
    write_site(SITE, out)
    before = snapshot(out)
    changed = dict(SITE, **{"companies/acme/index.html": b"acme, updated"})
    report = write_site(changed, out)
    assert (report.written, report.unchanged, report.removed) == (1, 3, 0)
    after = snapshot(out)
    assert after["companies/acme/index.html"][0] == b"acme, updated"
    for rel in (MARKER, "index.html", "companies/index.html", "static/style.css"):
        assert after[rel] == before[rel]


def test_same_size_change_is_noticed(tmp_path):
    out = tmp_path / "out"
    write_site({"a.html": b"aaaa"}, out)
    report = write_site({"a.html": b"bbbb"}, out)
    assert report.written == 1
    assert (out / "a.html").read_bytes() == b"bbbb"


def test_new_file_is_added(tmp_path):
    out = tmp_path / "out"
    write_site(SITE, out)
    report = write_site(dict(SITE, **{"sites/x/index.html": b"x"}), out)
    assert (report.written, report.unchanged) == (1, 4)
    assert (out / "sites/x/index.html").read_bytes() == b"x"


def test_stale_files_removed_and_empty_folders_pruned(tmp_path):
    out = tmp_path / "out"
    write_site(SITE, out)
    smaller = {k: v for k, v in SITE.items() if not k.startswith("companies/")}
    report = write_site(smaller, out)
    assert (report.written, report.unchanged, report.removed) == (0, 2, 2)
    assert files_below(out) == sorted([MARKER, *smaller])
    assert not (out / "companies").exists()


def test_foreign_files_inside_an_output_folder_are_removed(tmp_path):
    out = tmp_path / "out"
    write_site(SITE, out)
    (out / "companies" / "old").mkdir()
    (out / "companies" / "old" / "index.html").write_bytes(b"old")
    (out / "empty" / "deeper").mkdir(parents=True)
    report = write_site(SITE, out)
    assert report.removed == 1
    assert not (out / "companies" / "old").exists()
    assert not (out / "empty").exists()


def test_hidden_entries_survive(tmp_path):
    out = tmp_path / "out"
    write_site(SITE, out)
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_bytes(b"ref: refs/heads/main\n")
    (out / ".nojekyll").write_bytes(b"")
    (out / "companies" / ".keep").write_bytes(b"")
    report = write_site({"index.html": b"new home"}, out)
    assert report.removed == 3
    assert (out / ".git" / "HEAD").read_bytes() == b"ref: refs/heads/main\n"
    assert (out / ".nojekyll").exists()
    assert (out / "companies" / ".keep").exists()
    assert (out / MARKER).exists()


def test_empty_folders_inside_hidden_folders_survive(tmp_path):
    out = tmp_path / "out"
    write_site(SITE, out)
    for empty in (".git/refs/tags", ".git/objects/info", ".git/branches"):
        (out / empty).mkdir(parents=True)
    (out / ".git" / "HEAD").write_bytes(b"ref: refs/heads/main\n")
    write_site({"index.html": b"new home"}, out)
    for empty in (".git/refs/tags", ".git/objects/info", ".git/branches"):
        assert (out / empty).is_dir(), empty


def test_marker_is_written_into_an_existing_empty_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    write_site({"index.html": b"x"}, out)
    assert (out / MARKER).read_bytes() == MARKER_TEXT


def test_empty_site_into_missing_folder_creates_nothing(tmp_path):
    out = tmp_path / "out"
    report = write_site({}, out)
    assert (report.written, report.unchanged, report.removed) == (0, 0, 0)
    assert not out.exists()


@pytest.mark.parametrize("rel", [
    "../escape.html", "a/../../escape.html", "/etc/passwd", "a//b.html", "./a.html", "a\\..\\b.html", "a/./b",
    "", "a/",
])
def test_paths_that_leave_the_folder_are_refused(tmp_path, rel):
    out = tmp_path / "deep" / "out"
    with pytest.raises(OutputError, match="refusing"):
        write_site({"index.html": b"x", rel: b"bad"}, out)
    assert not (tmp_path / "deep" / "escape.html").exists()
    assert not (tmp_path / "escape.html").exists()
    assert not out.exists()


def test_check_output_refuses_a_foreign_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "my-thesis.docx").write_bytes(b"precious")
    with pytest.raises(UsageError, match="not empty"):
        check_output(out)
    with pytest.raises(UsageError):
        write_site({"index.html": b"x"}, out)
    assert (out / "my-thesis.docx").read_bytes() == b"precious"
    assert not (out / "index.html").exists()


def test_check_output_accepts_missing_empty_hidden_only_and_marked_folders(tmp_path):
    check_output(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    check_output(tmp_path / "empty")
    (tmp_path / "hidden").mkdir()
    (tmp_path / "hidden" / ".git").mkdir()
    check_output(tmp_path / "hidden")
    (tmp_path / "ours").mkdir()
    (tmp_path / "ours" / MARKER).write_bytes(MARKER_TEXT)
    (tmp_path / "ours" / "index.html").write_bytes(b"x")
    check_output(tmp_path / "ours")


def test_check_output_refuses_a_file(tmp_path):
    (tmp_path / "out").write_bytes(b"x")
    with pytest.raises(UsageError, match="not a folder"):
        check_output(tmp_path / "out")


def test_no_temporary_files_are_left(tmp_path):
    out = tmp_path / "out"
    write_site(SITE, out)
    write_site(dict(SITE, **{"index.html": b"changed", "new/index.html": b"n"}), out)
    assert temp_files(out) == []
    assert not any(name.startswith(".") and name != MARKER for name in os.listdir(out))


def test_failed_staging_leaves_no_temporary_files_and_old_output(tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_site(SITE, out)
    before = snapshot(out)
    writes = []

    real_open = os.open

    def failing_open(path, flags, *args, **kwargs):
        if flags & os.O_CREAT:
            writes.append(path)
            if len(writes) == 2:     # the first changed file is staged, the second fails
                raise OSError(28, "No space left on device", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(staging.os, "open", failing_open)
    with pytest.raises(OutputError, match="No space left"):
        write_site({"companies/acme/index.html": b"new acme", "index.html": b"new"}, out)
    monkeypatch.undo()
    assert temp_files(out) == []
    assert snapshot(out) == before


def test_file_replaced_by_a_folder(tmp_path):
    out = tmp_path / "out"
    write_site({"x": b"1"}, out)
    write_site({"x/index.html": b"2"}, out)
    assert (out / "x" / "index.html").read_bytes() == b"2"


def test_folder_replaced_by_a_file(tmp_path):
    out = tmp_path / "out"
    write_site({"x/index.html": b"1"}, out)
    try:
        write_site({"x": b"2"}, out)
    except OutputError:
        pass   # refusing cleanly would be acceptable too
    else:
        assert (out / "x").read_bytes() == b"2"
    assert temp_files(out) == []


def test_known_bytes_are_trusted_but_a_deleted_file_is_written_again(tmp_path):
    out = tmp_path / "out"
    files = dict(SITE)
    write_site(files, out)
    (out / "index.html").unlink()
    report = write_site(files, out, known=files)
    assert report.written == 1 and (out / "index.html").read_bytes() == files["index.html"]
    equal_but_new = {rel: bytes(bytearray(data)) for rel, data in files.items()}
    assert all(equal_but_new[rel] is not files[rel] for rel in files)
    assert write_site(equal_but_new, out, known=files).written == 0   # compared on disk, found equal


def test_trusted_known_files_are_not_looked_for_until_a_write_without_trust(tmp_path):
    out = tmp_path / "out"
    files = dict(SITE)
    write_site(files, out)
    (out / "index.html").unlink()
    changed = {**files, "static/style.css": b"body { margin: 0 }"}
    report = write_site(changed, out, known=files, trust_known=True)
    assert report.changed_files == ("static/style.css",)   # a save in `serve`: only what changed, without walking
    assert not (out / "index.html").exists()
    report = write_site(changed, out, known=changed)   # when idle: the output is walked, and repaired
    assert report.changed_files == ("index.html",) and (out / "index.html").read_bytes() == files["index.html"]


def test_a_folder_the_output_lacks_is_moved_in_whole(tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_site({"index.html": b"home", "articles/a/index.html": b"a"}, out)
    moves = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda src, dst: (moves.append(os.path.relpath(dst, out)), real_replace(src, dst)))
    files = {f"articles/n{k}/index.html": b"new" for k in range(50)}
    files.update({f"tags/t{k}/index.html": b"tag" for k in range(50)})
    write_site({"index.html": b"home", "articles/a/index.html": b"a", **files}, out)
    assert sorted(moves) == sorted([*(f"articles/n{k}" for k in range(50)), "tags"])
    assert all((out / rel).read_bytes() == data for rel, data in files.items())


def test_a_big_file_staged_is_kept_only_when_the_output_holds_its_very_bytes(tmp_path):
    big = bytes(range(256)) * (staging.SMALL // 256 * 3 + 7)   # over SMALL: compared once staged, in blocks
    out = tmp_path / "out"
    write_site({"data/big.csv": big}, out)
    variants = {"the same": (big, True), "the last byte changed": (big[:-1] + b"\x00", False),
                "one byte shorter": (big[:-1], False), "a byte changed in the first block": (b"x" + big[1:], False)}
    for case, (data, kept) in variants.items():
        stager = staging.Stager(out)
        got = stager.stage("data/big.csv", [data[:1000], data[1000:]])
        assert (got is staging.KEEP) == kept, case
        if not kept:
            assert (out / staging.STAGING / "data/big.csv").read_bytes() == data, case
        stager.discard()
    stager = staging.Stager(out)
    assert isinstance(stager.stage("data/new.csv", [big]), staging.Staged)   # nothing there yet to compare with
    stager.discard()


def test_a_stager_that_made_the_output_compares_nothing_with_it_but_still_refuses_paths_out_of_it(tmp_path, monkeypatch):
    looked = []
    for name in ("same_bytes", "_same_files"):
        monkeypatch.setattr(staging, name, lambda *args, name=name: looked.append(name) or False)
    stager = staging.Stager(tmp_path / "out")   # no output yet
    big = b"b" * (staging.SMALL + 1)
    made = os.path.join(stager.scratch_folder(), "made.js")
    with open(made, "wb") as file:
        file.write(b"made")
    staged = {"index.html": stager.stage("index.html", b"home"), "data/big.csv": stager.stage("data/big.csv", [big]),
              "search/made.js": stager.adopt("search/made.js", made, b"made")}
    assert looked == [] and all(isinstance(data, staging.Staged) for data in staged.values())
    for bad in ("../escape.html", "/abs.html", "a/../../b.html"):
        with pytest.raises(OutputError, match="leave the output"):
            stager.stage(bad, b"x")
    write_site(staged, tmp_path / "out", stager=stager)
    assert (tmp_path / "out/data/big.csv").read_bytes() == big and (tmp_path / "out/search/made.js").read_bytes() == b"made"
    assert not (tmp_path / "escape.html").exists()
    stager = staging.Stager(tmp_path / "out")   # the output is there now: files are compared with it
    stager.stage("index.html", b"home")
    assert looked == ["same_bytes"]
    stager.discard()


def test_a_big_file_replaced_is_let_go_in_the_background_once_the_new_one_is_in_place(tmp_path, monkeypatch):
    from generator import release
    out = tmp_path / "out"
    old, new = b"o" * (release.HOLD_FROM + 10), b"n" * (release.HOLD_FROM + 10)
    write_site({"data/facts.csv": old, "index.html": b"home"}, out)
    inode = (out / "data/facts.csv").stat().st_ino
    handed, threads = [], []
    close_later = release.close_later

    def spy(descriptors):
        handed.append([(d, os.fstat(d).st_ino) for d in descriptors])   # still open: the old file, replaced already
        assert (out / "data/facts.csv").read_bytes() == new
        threads.append(close_later(descriptors))
        return threads[-1]
    monkeypatch.setattr(release, "close_later", spy)
    write_site({"data/facts.csv": new, "index.html": b"home 2"}, out)
    (held,) = handed
    assert [ino for _, ino in held] == [inode]   # only the big file; the small one was replaced at once
    threads[0].join(timeout=10)
    for descriptor, _ in held:
        with pytest.raises(OSError):
            os.fstat(descriptor)   # closed by the thread
    assert (out / "data/facts.csv").read_bytes() == new and (out / "index.html").read_bytes() == b"home 2"
    assert temp_files(out) == []


def test_a_big_cache_file_saved_again_is_let_go_in_the_background_too(tmp_path, monkeypatch):
    from generator import cachestore, release
    big = b"x" * (release.HOLD_FROM + 10)
    assert cachestore.save(tmp_path, "rows", "v1", {"a": big, "n": 1})
    inode = (tmp_path / "rows.pickle").stat().st_ino
    handed = []
    close_later = release.close_later
    monkeypatch.setattr(release, "close_later", lambda held: handed.append([os.fstat(d).st_ino for d in held])
                        or close_later(held))
    assert cachestore.save(tmp_path, "rows", "v1", {"a": big, "n": 2})
    assert cachestore.save(tmp_path, "small", "v1", {"n": 3}) and cachestore.save(tmp_path, "small", "v1", {"n": 4})
    assert handed == [[inode], [], []]   # the big one held across its rename; the small ones, and a first save, not
    assert cachestore.load(tmp_path, "rows", "v1") == {"a": big, "n": 2}
    assert cachestore.load(tmp_path, "small", "v1") == {"n": 4}


def test_a_file_made_in_the_scratch_folder_is_moved_into_place_unless_the_output_holds_it(tmp_path):
    out = tmp_path / "out"
    write_site({"search/kept.js": b"same", "search/old.js": b"old"}, out)
    stager = staging.Stager(out)
    scratch = stager.scratch_folder()
    assert scratch.startswith(str(out / staging.STAGING))
    made = {}
    for name, data in (("kept.js", b"same"), ("old.js", b"new"), ("deep/new.js", b"fresh")):
        made[name] = os.path.join(scratch, "bundle", *name.split("/"))
        os.makedirs(os.path.dirname(made[name]), exist_ok=True)
        with open(made[name], "wb") as file:
            file.write(data)
    files = {f"search/{name}": stager.adopt(f"search/{name}", path, open(path, "rb").read())
             for name, path in made.items()}
    assert files["search/kept.js"] is staging.KEEP and os.path.exists(made["kept.js"])   # left where it was made
    assert files["search/old.js"].name == "search/old.js" and not os.path.exists(made["old.js"])
    assert files["search/deep/new.js"].name == "search/deep/new.js"
    with pytest.raises(OutputError, match="leave the output"):
        stager.adopt("../escape.js", made["kept.js"], b"same")
    report = write_site(files, out, stager=stager)
    assert report.written == 2 and report.unchanged == 1
    assert {rel: data for rel, (data, _) in snapshot(out).items() if rel != MARKER} == {
        "search/kept.js": b"same", "search/old.js": b"new", "search/deep/new.js": b"fresh"}
    assert not (out / staging.STAGING).exists()   # the scratch folder and what was left in it went with the staging folder
