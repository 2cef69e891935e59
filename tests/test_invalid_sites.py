"""A catalogue of invalid sites, one per error rule (see ../shared/spec/CONTENT.md, "Errors").

Each case is a small content folder under tests/fixtures/invalid/<case>/content/, browsable
as real files. Cases that need raw bytes, huge files or symbolic links are built in tmp_path.
Every refused build must:
  1. report every problem as `path:line: message` (path = the --content folder as given,
     joined with the file's path inside it; line 1 = the opening `---`),
  2. end with the count line "N error(s); nothing was written, <output> is unchanged",
  3. exit 1 (2 for usage errors),
  4. leave a previous good output byte-for-byte untouched (mtimes included),
  5. print no traceback.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import FIXTURES, Run, snapshot, write_files

CATALOGUE = FIXTURES / "invalid"
CONTENT = "site"   # the --content folder as given on the command line (relative to tmp_path)
OUT = "out"        # the --output folder, holding a good build before each invalid one

GOOD_SITE = {"articles/good.md": """
    ---
    title: A good article
    date: 2024-01-02
    companies: [Good Company]
    ---
    Good Company did a good thing.
    """}
ARTICLE = "---\ntitle: A test article\ndate: 2024-05-19\n"   # lines 1-3 of an article


def shown(rel: str) -> str:
    """A content file as the CLI names it: the content folder as given, joined with `rel`."""
    return os.path.join(CONTENT, *rel.split("/"))


def count_line(n: int, output: str | None = OUT) -> str:
    tail = f", {output} is unchanged" if output is not None else ""
    return f"{n} error{'s' if n != 1 else ''}; nothing was written{tail}"


_LOCATED = re.compile(r"^.+?:\d+: ")


def error_lines(err: str) -> list[str]:
    """The `path:line: message` error lines of stderr (warnings, notes and the count left out)."""
    return [line for line in err.splitlines()
            if _LOCATED.match(line) and not re.match(r"^.+?:\d+: warning: ", line)]


@dataclass
class Attempt:
    """An invalid build run over a good output: its result and the output before and after."""

    run: Run
    before: dict
    after: dict


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """tmp_path as the current directory, so no site.yaml of the repo is picked up."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def build_over_good(workdir, run_cli):
    """Build a good site into OUT, snapshot it, then build CONTENT into the same folder."""
    def build(*extra: str, command: str = "build") -> Attempt:
        write_files(workdir / "good", GOOD_SITE)
        first = run_cli("build", "--content", "good", "--output", OUT)
        assert first.status == 0, first.err
        before = snapshot(workdir / OUT)
        assert before, "the good build wrote nothing"
        run = run_cli(command, "--content", CONTENT, "--output", OUT, *extra)
        return Attempt(run, before, snapshot(workdir / OUT))
    return build


def assert_refused(attempt: Attempt, expected: tuple[tuple, ...]) -> None:
    """Exit 1, each expected error at its exact place, the right count, output untouched."""
    run = attempt.run
    assert "Traceback" not in run.err
    assert run.status == 1, run.err
    errors = error_lines(run.err)
    for rel, line, *phrases in expected:
        prefix = f"{shown(rel)}:{line}: "
        assert any(e.startswith(prefix) and all(p in e for p in phrases) for e in errors), \
            f"expected {prefix}... {phrases} in:\n{run.err}"
    assert len(errors) == len(expected), run.err
    assert run.err.splitlines()[-1] == count_line(len(expected)), run.err
    assert run.out == ""
    assert attempt.after == attempt.before


def use_fixture(workdir: Path, name: str) -> None:
    shutil.copytree(CATALOGUE / name / "content", workdir / CONTENT, symlinks=True)


def case(name: str, *errors: tuple, marks=()):
    return pytest.param(name, errors, id=name, marks=marks)


# (file inside the content folder, line, key phrases of the message...)
CASES = [
    # --- files and front matter -----------------------------------------------------------
    case("empty-file", ("articles/empty.md", 1, "empty file")),
    case("no-front-matter", ("articles/no-front-matter.md", 1, "no front matter", "'---'")),
    case("unterminated-front-matter", ("articles/unterminated.md", 1, "front matter is not closed")),
    case("yaml-syntax-error", ("articles/colon-in-title.md", 3, "YAML syntax error")),
    case("front-matter-is-a-list", ("articles/list.md", 2, "front matter must be a mapping")),
    case("duplicate-key", ("articles/duplicate-key.md", 5, "duplicate key 'title'", "first on line 2")),
    case("yaml-anchor", ("articles/anchor.md", 4, "YAML anchors (&shared) are not allowed")),
    case("yaml-alias", ("articles/alias.md", 5, "YAML aliases (*places) are not allowed")),
    case("yaml-merge-key", ("articles/merge.md", 6, "YAML merge keys (<<) are not allowed")),
    case("yaml-tag-python", ("articles/python-tag.md", 4, "YAML tags", "python/object/apply:os.system",
                                                        "not allowed")),
    case("yaml-tag-custom", ("articles/custom-tag.md", 6, "YAML tags (!company) are not allowed")),
    case("several-yaml-documents", ("articles/two-documents.md", 4, "more than one YAML document")),
    case("several-yaml-documents-in-properties", ("properties.yaml", 2, "more than one YAML document")),
    case("key-not-text", ("articles/complex-key.md", 4, "a key must be plain text")),
    case("nesting-too-deep", ("articles/deep.md", 4, "nests deeper than 32 levels")),
    case("yaml-unclosed-quote", ("articles/unclosed-quote.md", 2, "YAML syntax error")),
    # --- article fields ---------------------------------------------------------------------
    case("article-missing-title", ("articles/no-title.md", 2, "'title' is required")),
    case("article-missing-date", ("articles/no-date.md", 2, "'date' is required")),
    case("article-date-month-only", ("articles/month.md", 3, "full day (YYYY-MM-DD)", "'2024-05'")),
    case("article-date-impossible-day", ("articles/february.md", 3, "'2021-02-30' is not a real day")),
    case("article-date-invalid-month", ("articles/month-13.md", 3, "'2024-13-05' has no month 13")),
    case("fact-bad-as-of", ("articles/as-of.md", 10, "'as_of'", "'last spring' is not a date")),
    case("fact-period-ends-before-start", ("articles/period-backwards.md", 10, "'period'",
                                           "ends before it starts")),
    case("fact-period-not-start-end", ("articles/period-single.md", 10, "'period'", "is not a period",
                                       "START/END")),
    case("fact-bad-status", ("articles/fact-status.md", 10, "'status' must be one of actual, planned, "
                                                            "estimate", "'rumoured'")),
    case("event-bad-status", ("articles/event-status.md", 7, "'status' must be one of happened, planned, "
                                                              "cancelled", "'postponed'")),
    case("fact-missing-subject", ("articles/no-subject.md", 6, "'subject' is required")),
    case("fact-missing-property", ("articles/no-property.md", 6, "'property' is required")),
    case("fact-missing-value", ("articles/no-value.md", 6, "'value' is required")),
    case("fact-value-is-a-list", ("articles/list-value.md", 8, "'value' must be a single", "not a list")),
    case("facts-not-a-list", ("articles/facts-mapping.md", 5, "'facts' must be a list")),
    case("fact-not-a-mapping", ("articles/fact-text.md", 9, "a fact must be a mapping")),
    case("events-not-a-list", ("articles/events-mapping.md", 4, "'events' must be a list")),
    case("event-not-a-name-or-mapping", ("articles/event-list.md", 6, "an event must be a name or a mapping")),
    case("source-url-javascript", ("articles/javascript-url.md", 6, "'url' must be an http(s) URL",
                                   "javascript:alert(document.cookie)")),
    case("source-url-data", ("articles/data-url.md", 6, "'url' must be an http(s) URL", "'data:text/html")),
    case("source-url-without-host", ("articles/no-host.md", 6, "'url' has no host")),
    case("source-not-a-mapping", ("articles/source-list.md", 4, "'source' must be a name or a mapping")),
    case("slug-not-one-segment", ("articles/escape.md", 4, "slug '../../etc/passwd'", "one URL segment")),
    case("quote-not-found", ("articles/quote.md", 10, "quote not found in the body", "400,000 vehicles")),
    case("title-is-a-list", ("articles/title-list.md", 2, "'title' must be text, not a list")),
    case("names-not-text", ("articles/name-mapping.md", 6, "'companies' must list names as text")),
    case("name-too-long", ("articles/long-name.md", 4, "name in 'people' is longer than 200 characters")),
    case("tag-cannot-be-slugified", ("articles/tag.md", 4, "cannot make a URL from the tag '???'")),
    case("slug-too-long-for-a-file-name", ("articles/long-slug.md", 4, "slug")),
    # --- resolve: names, URLs and typed values ----------------------------------------------
    case("unknown-fact-subject", ("articles/typo.md", 6, "unknown subject 'Xiaomi Autos'",
                                  "did you mean 'Xiaomi Auto'?")),
    case("alias-used-by-two-profiles", ("companies/xiaomi.md", 3, "'Xiaomi' would name two entities",
                                        f"already used at {shown('companies/xiaomi-auto.md')}:5")),
    case("profile-name-is-another-alias", ("companies/xiaomi-auto.md", 3, "'Xiaomi Auto' would name two",
                                           f"already used at {shown('companies/mi-group.md')}:3")),
    case("profile-alias-is-another-name", ("companies/xiaomi.md", 3, "'Xiaomi Auto' would name two",
                                           f"already used at {shown('companies/xiaomi-auto.md')}:3")),
    case("two-profiles-one-name", ("sites/acme.md", 2, "'ACME' would name two entities",
                                   f"already used at {shown('companies/acme.md')}:2")),
    case("two-articles-same-slug", ("articles/2025/deal-follow-up.md", 5, "two pages want articles/factory-deal/",
                                    shown("articles/2024/deal.md"))),
    case("two-entities-same-url", ("articles/second.md", 6, "two pages want companies/foo-bar/",
                                   "'Foo-Bar' here", f"'Foo Bar' at {shown('articles/first.md')}:4")),
    case("name-cannot-be-slugified", ("articles/symbols.md", 4, "cannot make a URL from the name '!!!'")),
    case("entity-property-unknown-entity", ("articles/hq.md", 9, "value of 'headquarters' must name a known "
                                            "entity", "did you mean 'Beijing E-Town'?")),
    case("quantity-property-not-a-number", ("articles/team.md", 8, "value of 'team size' must be a number",
                                            "'a few hundred'")),
    case("date-property-bad-date", ("companies/acme.md", 6, "value of 'founded'", "'2010-04-31' is not a real day")),
    case("properties-bad-type", ("properties.yaml", 1, "'type' must be one of quantity, text, date, entity",
                                 "'number'"),
                                ("properties.yaml", 2, "property 'founded': type must be one of")),
    case("properties-single-maybe", ("properties.yaml", 3, "'single' must be true or false", "'maybe'")),
    case("properties-declared-twice", ("properties.yaml", 3, "property 'Team  Size' is declared twice",
                                       "first on line 1")),
    case("properties-order-not-integer", ("properties.yaml", 1, "'order' must be a whole number", "'1.5'"),
                                         ("properties.yaml", 2, "'order' must be a whole number", "'first'")),
    case("properties-entry-not-a-mapping", ("properties.yaml", 1, "property 'founded' must be a mapping")),
]


@pytest.mark.parametrize(("name", "expected"), CASES)
def test_invalid_site_is_refused(name, expected, workdir, build_over_good):
    use_fixture(workdir, name)
    assert_refused(build_over_good(), expected)


def test_catalogue_has_no_orphan_folders():
    in_table = {p.values[0] for p in CASES} | {"many-errors", "warnings-do-not-fail", "config-bad-base-url"}
    assert {p.name for p in CATALOGUE.iterdir() if p.is_dir()} == in_table


# --- many errors at once -------------------------------------------------------------------

def test_every_error_is_reported_sorted_by_file_then_line(workdir, build_over_good):
    use_fixture(workdir, "many-errors")
    attempt = build_over_good()
    expected = [("articles/a-deal.md", 3, "'2024-02-30' is not a real day"),
                ("articles/a-deal.md", 9, "'rumoured'"),
                ("articles/a-deal.md", 10, "unknown subject 'Acmee Motors'"),
                ("articles/b-opening.md", 4, "slug 'The Opening'"),
                ("articles/b-opening.md", 7, "'delayed'"),
                ("articles/b-opening.md", 9, "javascript:alert(1)"),
                ("companies/acme.md", 3, "duplicate key 'name'")]
    assert_refused(attempt, tuple(expected))
    errors = error_lines(attempt.run.err)
    assert [e.split(": ", 1)[0] for e in errors] == [f"{shown(rel)}:{line}" for rel, line, _ in expected]


def test_one_file_reports_every_problem_past_a_duplicate_key(workdir, build_over_good):
    write_files(workdir / CONTENT, {"articles/launch.md": ARTICLE + """\
        date: 2024-05-20
        companies: [Acme Motors]
        events:
          - {name: Acme launch, date: 2024-13-01}
        facts:
          - {subject: Acme Moters, property: staff, value: 40, quote: forty people}
        ---
        Acme launches with about 40 staff.
        """.replace("        ", "")})
    assert_refused(build_over_good(), (
        ("articles/launch.md", 4, "duplicate key 'date' (first on line 3)"),
        ("articles/launch.md", 7, "has no month 13"),
        ("articles/launch.md", 9, "unknown subject 'Acme Moters'", "did you mean 'Acme Motors'"),
        ("articles/launch.md", 9, "quote not found"),
    ))


# --- bytes, sizes and links: built in tmp_path ---------------------------------------------

BYTE_CASES = [
    pytest.param({"articles/latin1.md": b"---\ntitle: Caf\xe9 opens\ndate: 2024-05-19\n---\nBody.\n"},
                 ("articles/latin1.md", 2, "not UTF-8", "0xe9"), id="non-utf8-in-front-matter"),
    pytest.param({"articles/latin1.md": ARTICLE.encode() + b"---\nFirst line.\nSecond caf\xe9.\n"},
                 ("articles/latin1.md", 6, "not UTF-8", "0xe9"), id="non-utf8-in-body"),
    pytest.param({"articles/crlf.md": b"---\r\ntitle: T\r\ndate: 2024-05-19\r\nsummary: caf\xe9\r\n---\r\n"},
                 ("articles/crlf.md", 4, "not UTF-8"), id="non-utf8-crlf"),
    pytest.param({"articles/cr.md": b"---\rtitle: T\rdate: 2024-05-19\rsummary: caf\xe9\r---\rBody.\r"},
                 ("articles/cr.md", 4, "not UTF-8"), id="non-utf8-cr-only"),
    pytest.param({"articles/big.md": ARTICLE + "summary: " + "x" * (256 * 1024) + "\n---\nBody.\n"},
                 ("articles/big.md", 2, "front matter is larger than 256 KiB"), id="front-matter-over-256-KiB"),
    pytest.param({"articles/huge.md": ARTICLE + "---\n" + ("word " * 1000 + "\n") * 1000},
                 ("articles/huge.md", 1, "file is larger than 4 MiB"), id="file-over-4-MiB"),
    pytest.param({"articles/bell.md": ARTICLE + "summary: ring \x07 the bell\n---\nBody.\n"},
                 ("articles/bell.md", 4, "control characters are not allowed"), id="control-character"),
]


@pytest.mark.parametrize(("files", "expected"), BYTE_CASES)
def test_invalid_bytes_are_refused(files, expected, workdir, build_over_good):
    write_files(workdir / CONTENT, files)
    attempt = build_over_good()
    assert_refused(attempt, (expected,))
    assert "\n  in " not in attempt.run.err   # one line per error


@pytest.fixture
def outside(workdir):
    """A valid article and a folder of them outside the content folder."""
    write_files(workdir / "elsewhere", {"secret.md": ARTICLE + "---\nSecret.\n",
                                        "folder/secret.md": ARTICLE + "---\nSecret.\n"})
    write_files(workdir / CONTENT, GOOD_SITE)
    return workdir / "elsewhere"


def test_symlink_to_a_file_outside_is_refused(workdir, outside, build_over_good):
    os.symlink(outside / "secret.md", workdir / CONTENT / "articles" / "leak.md")
    assert_refused(build_over_good(), (("articles/leak.md", 1, "symbolic link leads outside", "refused"),))


def test_symlinked_folder_outside_is_refused(workdir, outside, build_over_good):
    os.symlink(outside / "folder", workdir / CONTENT / "articles" / "more", target_is_directory=True)
    assert_refused(build_over_good(), (("articles/more", 1, "symbolic link leads outside", "refused"),))


def test_symlinked_properties_outside_is_refused(workdir, outside, build_over_good):
    (outside / "properties.yaml").write_text("founded: date\n", encoding="utf-8")
    os.symlink(outside / "properties.yaml", workdir / CONTENT / "properties.yaml")
    assert_refused(build_over_good(), (("properties.yaml", 1, "symbolic link leads outside"),))


def test_symlink_loop_is_an_error_not_a_traceback(workdir, build_over_good):
    write_files(workdir / CONTENT, GOOD_SITE)
    os.symlink("loop.md", workdir / CONTENT / "articles" / "loop.md")
    assert_refused(build_over_good(), (("articles/loop.md", 1, "symbolic link"),))


# --- site.yaml -----------------------------------------------------------------------------

def test_bad_config_values_are_located_in_site_yaml(workdir, build_over_good):
    use_fixture(workdir, "config-bad-base-url")
    config = os.path.join("conf", "site.yaml")
    (workdir / "conf").mkdir()
    shutil.copy(CATALOGUE / "config-bad-base-url" / "site.yaml", workdir / config)
    attempt = build_over_good("--config", config)
    errors = error_lines(attempt.run.err)
    assert errors == [f"{config}:3: 'base_url' must be an http(s) URL or a relative link; got 'javascript:alert(1)'",
                      f"{config}:4: 'allow_html' must be one of true, false; got 'maybe'"]
    assert attempt.run.status == 1
    assert attempt.run.err.splitlines()[-1] == count_line(2)
    assert attempt.after == attempt.before


def test_missing_config_named_on_the_command_line(workdir, build_over_good):
    """A --config that names no file is a wrong argument, like a missing --content: exit 2."""
    write_files(workdir / CONTENT, GOOD_SITE)
    attempt = build_over_good("--config", "missing.yaml")
    assert attempt.run.status == 2
    assert "config file 'missing.yaml' not found" in attempt.run.err
    assert "Traceback" not in attempt.run.err
    assert attempt.after == attempt.before


# --- warnings do not fail ------------------------------------------------------------------

def test_warnings_are_printed_and_the_build_succeeds(workdir, run_cli):
    use_fixture(workdir, "warnings-do-not-fail")
    run = run_cli("build", "--content", CONTENT, "--output", OUT)
    assert run.status == 0, run.err
    article = shown("articles/warned.md")
    lines = run.err.splitlines()
    assert f"{article}:4: warning: unknown key 'compaines' in an article is ignored (did you mean 'companies'?)" in lines
    assert any(line.startswith(f"{article}:6: warning: 'Acme' is listed under sites but is a company")
               for line in lines), run.err
    assert error_lines(run.err) == []
    assert "error" not in run.err.lower()
    assert run.out.startswith("Built ")
    assert (workdir / OUT / "articles" / "warned" / "index.html").is_file()


def test_typo_lookalikes_warn_and_missing_profiles_are_summed_up(workdir, run_cli):
    write_files(workdir / CONTENT, {
        "companies/acme.md": "---\nname: Acme Motors\n---\nVans.\n",
        "articles/plants.md": ARTICLE + "companies: [Acme Motros]\nsites: [Plant 1, Plant 2]\n---\nTwo plants.\n",
    })
    article = shown("articles/plants.md")
    quiet = run_cli("build", "--content", CONTENT, "--output", OUT)
    assert quiet.status == 0, quiet.err
    assert f"{article}:4: warning: 'Acme Motros' looks like a typo of 'Acme Motors'; fix the spelling or " \
           "add it as an alias in a profile" in quiet.err.splitlines()
    assert "Plant 2' looks like" not in quiet.err and "Plant 1' looks like" not in quiet.err
    assert "note: 3 entities have no profile (--verbose lists them)" in quiet.err.splitlines()
    verbose = run_cli("build", "--content", CONTENT, "--output", OUT, "--verbose")
    assert f"{article}:5: warning: site 'Plant 1' has no profile (sites/plant-1.md)" in verbose.err.splitlines()
    assert "note:" not in verbose.err
    assert run_cli("build", "--content", CONTENT, "--output", OUT, "--quiet").err == ""


# --- usage errors: exit 2 ------------------------------------------------------------------

def test_missing_content_folder(workdir, build_over_good):
    attempt = build_over_good()   # CONTENT was never created
    assert attempt.run.status == 2
    assert attempt.run.err == f"build.py: error: content folder '{CONTENT}' not found (use --content DIR)\n"
    assert attempt.after == attempt.before


def test_output_folder_with_foreign_files(workdir, run_cli):
    write_files(workdir / CONTENT, GOOD_SITE)
    write_files(workdir / "mine", {"notes.txt": "my notes\n", "photos/cat.jpg": b"\xff\xd8\xff"})
    before = snapshot(workdir / "mine")
    run = run_cli("build", "--content", CONTENT, "--output", "mine")
    assert run.status == 2
    assert "output folder 'mine' is not empty and was not made by Factsheet" in run.err
    assert snapshot(workdir / "mine") == before


def test_output_inside_content(workdir, run_cli):
    write_files(workdir / CONTENT, GOOD_SITE)
    run = run_cli("build", "--content", CONTENT, "--output", f"{CONTENT}/public")
    assert run.status == 2
    assert "must not contain each other" in run.err
    assert not (workdir / CONTENT / "public").exists()


def test_content_inside_output(workdir, run_cli):
    write_files(workdir / "www" / CONTENT, GOOD_SITE)
    run = run_cli("build", "--content", f"www/{CONTENT}", "--output", "www")
    assert run.status == 2
    assert "must not contain each other" in run.err
    assert sorted(p.name for p in (workdir / "www").iterdir()) == [CONTENT]


def test_output_is_a_file(workdir, run_cli):
    write_files(workdir / CONTENT, GOOD_SITE)
    (workdir / "out.html").write_text("mine\n", encoding="utf-8")
    run = run_cli("build", "--content", CONTENT, "--output", "out.html")
    assert run.status == 2
    assert "exists and is not a folder" in run.err
    assert (workdir / "out.html").read_text(encoding="utf-8") == "mine\n"


# --- check -------------------------------------------------------------------------------

def test_check_reports_errors_without_mentioning_an_output(workdir, run_cli):
    use_fixture(workdir, "duplicate-key")
    run = run_cli("check", "--content", CONTENT, "--output", OUT)
    assert run.status == 1
    assert error_lines(run.err) == [f"{shown('articles/duplicate-key.md')}:5: duplicate key 'title' (first on line 2)"]
    assert run.err.splitlines()[-1] == count_line(1, output=None)
    assert not (workdir / OUT).exists()


# --- content that must not crash the build ---------------------------------------------------

def test_huge_number_gives_no_traceback(workdir, build_over_good):
    write_files(workdir / CONTENT, {"articles/big.md": ARTICLE + "companies: [Acme]\nfacts:\n  - subject: Acme\n"
                                    "    property: annual capacity\n    value: " + "9" * 5000 + "\n---\nBody.\n"})
    attempt = build_over_good()
    assert attempt.run.status in (0, 1)
    if attempt.run.status == 1:
        assert_refused(attempt, (("articles/big.md", 8, "value"),))


def test_period_and_no_period_on_one_date_build(workdir, run_cli):
    write_files(workdir / CONTENT, {"articles/revenue.md": ARTICLE + "companies: [Acme]\nfacts:\n"
                                    "  - {subject: Acme, property: revenue, value: 5 billion, period: 2023-01/2023-06}\n"
                                    "  - {subject: Acme, property: revenue, value: 7 billion}\n---\nBody.\n"})
    run = run_cli("build", "--content", CONTENT, "--output", OUT)
    assert run.status == 0, run.err
    assert (workdir / OUT / "companies" / "acme" / "index.html").is_file()
