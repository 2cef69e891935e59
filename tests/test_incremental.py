"""An incremental build is byte-identical to a clean build of the same content.

A generated corpus gets a few random edits, additions and deletions per round (articles,
facts, mentions, profiles, properties.yaml, site.yaml, template overrides). After each round
three builds must agree: (a) the command line with a build cache kept across rounds, (b) the
`serve` path (a `Previewer` kept across rounds, told the changed paths) and (c) a clean build
into a fresh folder with a fresh cache (or none). Every file and the file set must be the
same; a round that breaks the content must give the same errors and leave (a) and (b) as they
were. Deterministic (`random.Random`); INCREMENTAL_ROUNDS=200 runs a longer search and
INCREMENTAL_SEED picks another sequence.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import os
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from bench.corpus import scalar, write_corpus
from conftest import snapshot
from generator import parse, render
from generator.build import BuildOptions
from generator.cli import main
from generator.preview import Previewer
from generator.theme import DEFAULT_THEME
from generator.report import print_warnings

ARTICLES = 100
ROUNDS = int(os.environ.get("INCREMENTAL_ROUNDS", "5"))
SEED = int(os.environ.get("INCREMENTAL_SEED", "5"))
CORPUS_SEED = 3
LISTS = ("companies", "sites", "people", "tags")
NEW_NAMES = {"companies": ["Quorvane Batteries", "Teslindo Works", "北辰材料", "Остров Энерго"],
             "sites": ["Quorvane Harbour plant", "Lake Imbrel", "Southport yard"],
             "people": ["Marit Quell", "Joaquín Serrat", "Ирина Волкова"],
             "tags": ["incremental builds", "grid storage", "port logistics"]}
UNITS = ("GWh", "vehicles", "tonnes", "MW", "people", "USD")


@dataclass
class Build:
    """What one command-line build printed and left behind."""

    status: int
    out: str   # stdout, the output folder's name replaced by OUT
    err: str   # stderr, likewise


def run_cli(content: Path, config: Path, output: Path, cache: Path | None) -> Build:
    """`build.py` in-process, every warning listed; with `cache` None it runs with --no-cache."""
    args = ["--content", str(content), "--config", str(config), "--output", str(output), "--verbose"]
    args += ["--cache", str(cache)] if cache is not None else ["--no-cache"]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(args)
    return Build(status, out.getvalue().replace(str(output), "OUT"), err.getvalue().replace(str(output), "OUT"))


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below a folder (hidden ones too) by relative path."""
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def differences(got: dict[str, bytes], want: dict[str, bytes], limit: int = 3) -> str:
    """The files missing, extra and different, with a few lines of unified diff for the first few; '' if equal."""
    missing, extra = sorted(want.keys() - got.keys()), sorted(got.keys() - want.keys())
    changed = [rel for rel in sorted(want.keys() & got.keys()) if got[rel] != want[rel]]
    if not (missing or extra or changed):
        return ""
    lines = [f"{len(missing)} missing: {missing[:8]}", f"{len(extra)} stale or extra: {extra[:8]}",
             f"{len(changed)} differ: {changed[:8]}"]
    for rel in changed[:limit]:
        diff = difflib.unified_diff(_chunks(want[rel]), _chunks(got[rel]), f"clean/{rel}", f"incremental/{rel}",
                                    n=1, lineterm="")
        lines += list(diff)[:16]
    return "\n".join(lines)


def _chunks(data: bytes, width: int = 120) -> list[str]:
    """A file's lines, long ones cut into pieces so that a diff shows where they differ."""
    return [line[i:i + width] for line in data.decode("utf-8", "replace").splitlines()
            for i in range(0, max(len(line), 1), width)]


def same_files(got: dict[str, bytes], want: dict[str, bytes], what: str, context: str) -> None:
    """Fail with the round's history and the first differences unless both file sets are byte-identical."""
    problem = differences(got, want)
    if problem:
        pytest.fail(f"{what} differs from a clean build\n{context}\n{problem}", pytrace=False)


def split_list(line: str) -> list[str]:
    """The items of a front matter flow list line such as `companies: [A, "B, C"]`."""
    return [str(item) for item in yaml.safe_load(line.split(":", 1)[1])]


class Site:
    """A corpus copy being edited: every write gets a later modification time, and is logged and remembered."""

    def __init__(self, root: Path) -> None:
        self.root, self.content, self.config = root, root / "content", root / "site.yaml"
        self.changed: set[Path] = set()   # paths written or deleted since the last build
        self.log: list[str] = []          # what this round did
        self.added = 0
        self._mtime = 0

    def files(self, folder: str) -> list[Path]:
        """The Markdown files below a content folder, sorted."""
        return sorted((self.content / folder).rglob("*.md"))

    def write(self, path: Path, text: str) -> None:
        """Write a file as an editor would; its mtime moves past every earlier write, as real saves' do."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self._mtime = max(path.stat().st_mtime_ns, self._mtime + 1_000_000)
        os.utime(path, ns=(self._mtime, self._mtime))
        self.changed.add(path)

    def delete(self, path: Path) -> None:
        """Delete a file, remembering it changed."""
        path.unlink()
        self.changed.add(path)

    def rel(self, path: Path) -> str:
        """A path as the change log shows it."""
        return path.relative_to(self.root).as_posix()

    def state(self) -> dict[Path, bytes]:
        """The content, site.yaml and the theme folder, to go back to after a round that broke the content."""
        return {p: p.read_bytes() for p in sorted(self.root.rglob("*")) if p.is_file()}

    def restore(self, state: dict[Path, bytes]) -> None:
        """Put back the files of an earlier `state()`, writing and deleting only what differs."""
        now = self.state()
        for path in sorted(now.keys() - state.keys()):
            self.delete(path)
        for path, data in state.items():
            if now.get(path) != data:
                self.write(path, data.decode("utf-8"))
        self.log.append(f"restored the last good content ({len(self.changed)} files)")


def _front(text: str) -> tuple[list[str], str]:
    head, body = text[4:].split("\n---\n", 1)
    return head.split("\n"), body


def _join(head: list[str], body: str) -> str:
    return "---\n" + "\n".join(head) + "\n---\n" + body


def edit_body(rng: random.Random, site: Site) -> str:
    path = rng.choice(site.files("articles"))
    head, body = _front(path.read_text(encoding="utf-8"))
    paragraphs = body.split("\n\n")
    i = rng.randrange(len(paragraphs))
    if rng.random() < 0.5 and ". " in paragraphs[i]:
        paragraphs[i] = paragraphs[i].replace(". ", f". Officials confirmed {rng.randint(2, 99)} details. ", 1)
    else:
        paragraphs.insert(i, f"An editor added this sentence ({rng.randint(1, 10**6)}).")
    site.write(path, _join(head, "\n\n".join(paragraphs)))
    return f"body sentence edited in {site.rel(path)}"


def edit_fact(rng: random.Random, site: Site) -> str | None:
    path = rng.choice(site.files("articles"))
    head, body = _front(path.read_text(encoding="utf-8"))
    if "facts:" not in head:   # the facts come last in the front matter
        return None
    starts = [j for j in range(head.index("facts:") + 1, len(head)) if head[j].startswith("  - ")]
    if not starts:
        return None
    k = rng.randrange(len(starts))
    first, end = starts[k], starts[k + 1] if k + 1 < len(starts) else len(head)
    fields = dict(line[4:].split(": ", 1) for line in head[first:end])
    what = rng.choice(("value", "unit", "as_of"))
    if what == "value" and "value" in fields:
        old = fields["value"]
        fields["value"] = re.sub(r"\d+", lambda m: str(rng.randint(1, 999)), old, 1) if re.search(r"\d", old) else old + " II"
    elif what == "unit":
        fields["unit"] = rng.choice(UNITS)
    else:
        what = "as_of"
        fields["as_of"] = f"{rng.randint(2018, 2025)}-{rng.randint(1, 12):02d}" + (
            f"-{rng.randint(1, 28):02d}" if rng.random() < 0.5 else "")
    head[first:end] = [("  - " if i == 0 else "    ") + f"{key}: {value}" for i, (key, value) in enumerate(fields.items())]
    site.write(path, _join(head, body))
    return f"fact {k + 1} in {site.rel(path)}: {what} now {fields[what]}"


def edit_meta(rng: random.Random, site: Site) -> str:
    path = rng.choice(site.files("articles"))
    head, body = _front(path.read_text(encoding="utf-8"))
    what = rng.choice(("title", "date", "summary"))
    i = next((j for j, line in enumerate(head) if line.startswith(what + ":")), None)
    if what == "title":
        head[i] = f"title: {scalar(str(yaml.safe_load(head[i].split(':', 1)[1])) + ' (updated)')}"
    elif what == "date":
        head[i] = f"date: {rng.randint(2019, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    elif i is None:
        head.insert(2, f"summary: A summary added in round {rng.randint(1, 999)}.")
    elif rng.random() < 0.5:
        del head[i]
    else:
        head[i] = f"summary: A changed summary ({rng.randint(1, 999)})."
    site.write(path, _join(head, body))
    return f"{what} changed in {site.rel(path)}"


def edit_mention(rng: random.Random, site: Site) -> str:
    path = rng.choice(site.files("articles"))
    head, body = _front(path.read_text(encoding="utf-8"))
    key = rng.choice(LISTS)
    i = next((j for j, line in enumerate(head) if line.startswith(key + ":")), None)
    items = split_list(head[i]) if i is not None else []
    if items and rng.random() < 0.5:
        name = items.pop(rng.randrange(len(items)))
        change = f"removed {key} {name!r}"
    else:
        name = rng.choice(NEW_NAMES[key] + _names_in(site, key, rng))
        items.append(name)
        change = f"added {key} {name!r}"
    line = f"{key}: [" + ", ".join(scalar(item) if "," not in item else f'"{item}"' for item in items) + "]"
    if i is None:
        head.insert(next(j for j, l in enumerate(head) if l.startswith("tags:")) + 1, line)
    elif items:
        head[i] = line
    else:
        del head[i]
    site.write(path, _join(head, body))
    return f"{change} in {site.rel(path)}"


def _names_in(site: Site, key: str, rng: random.Random) -> list[str]:
    """Names already used under `key` in a few articles."""
    names = []
    for path in rng.sample(site.files("articles"), 3):
        names += [n for line in _front(path.read_text(encoding="utf-8"))[0] if line.startswith(key + ":")
                  for n in split_list(line)]
    return names


def add_article(rng: random.Random, site: Site) -> str:
    site.added += 1
    year, month = rng.randint(2019, 2024), rng.randint(1, 12)
    company = rng.choice(NEW_NAMES["companies"] + _names_in(site, "companies", rng))
    slug = f"incremental-{site.added}-{rng.randint(1, 999)}"
    text = (f"---\ntitle: {scalar(company + ' hires more staff')}\ndate: {year}-{month:02d}-{rng.randint(1, 28):02d}\n"
            f"source:\n  name: Test Wire\n  url: https://example.com/news/{slug}\n"
            f"tags: [{rng.choice(NEW_NAMES['tags'])}]\ncompanies: [{scalar(company)}]\n"
            f"facts:\n  - subject: {scalar(company)}\n    property: headcount\n    value: {rng.randint(10, 9000)}\n"
            f"    quote: more staff\n---\n{company} hires more staff, it said. There will be more staff.\n")
    path = site.content / f"articles/{year}/{month:02d}/{slug}.md"
    site.write(path, text)
    return f"added article {site.rel(path)} naming {company!r}"


def delete_article(rng: random.Random, site: Site) -> str:
    path = rng.choice(site.files("articles"))
    site.delete(path)
    return f"deleted article {site.rel(path)}"


def _profile(rng: random.Random, site: Site):
    """A profile file picked at random, or None when there is none."""
    profiles = [p for folder in ("companies", "sites", "people", "events") for p in site.files(folder)]
    return rng.choice(profiles) if profiles else None


def edit_profile(rng: random.Random, site: Site) -> str | None:
    path = _profile(rng, site)
    if path is None:
        return None
    head, body = _front(path.read_text(encoding="utf-8"))
    aliases = next((j for j, line in enumerate(head) if line.startswith("aliases:")), None)
    facts = [j for j, line in enumerate(head) if "{property:" in line]
    what = rng.choice(("alias", "alias", "fact") if facts else ("alias",))
    if what == "fact":
        j = rng.choice(facts)
        head[j] = re.sub(r"\d", lambda m: str(rng.randint(0, 9)), head[j], 1) if re.search(r"\d", head[j]) \
            else head[j].replace("value: ", "value: New ", 1)
        change = f"fact now {head[j].strip()}"
    elif aliases is not None and rng.random() < 0.5:
        items = split_list(head[aliases])
        gone = items.pop(rng.randrange(len(items)))
        head[aliases:aliases + 1] = [f"aliases: [{', '.join(scalar(a) for a in items)}]"] if items else []
        change = f"alias {gone!r} removed"
    else:
        name = str(yaml.safe_load(head[0].split(":", 1)[1])) + f" Unit {rng.randint(1, 99)}"
        items = split_list(head[aliases]) if aliases is not None else []
        line = f"aliases: [{', '.join(scalar(a) for a in [*items, name])}]"
        if aliases is None:
            head.insert(1, line)
        else:
            head[aliases] = line
        change = f"alias {name!r} added"
    site.write(path, _join(head, body))
    return f"profile {site.rel(path)}: {change}"


def delete_profile(rng: random.Random, site: Site) -> str | None:
    path = _profile(rng, site)
    if path is None:
        return None
    site.delete(path)
    return f"deleted profile {site.rel(path)}"


def edit_properties(rng: random.Random, site: Site) -> str:
    path = site.content / "properties.yaml"
    lines = path.read_text(encoding="utf-8").split("\n")
    i = rng.choice([j for j, line in enumerate(lines) if "label:" in line])
    if rng.random() < 0.6:
        lines[i] = re.sub(r"label: ([^,}]+)", lambda m: f"label: {m.group(1)} (revised)", lines[i])
    else:
        lines[i] = re.sub(r"order: \d+", f"order: {rng.randint(1, 30)}", lines[i])
    site.write(path, "\n".join(lines))
    return f"properties.yaml: {lines[i].strip()}"


def edit_site_title(rng: random.Random, site: Site) -> str:
    text = site.config.read_text(encoding="utf-8")
    title = f"Benchmark corpus {rng.randint(1, 999)}"
    site.write(site.config, re.sub(r"(?m)^title: .*$", f"title: {title}", text))
    return f"site.yaml title: {title}"


def edit_templates(rng: random.Random, site: Site) -> str:
    """Turn the `templates:` override on (copying a default template with a mark), change it, or turn it off."""
    text = site.config.read_text(encoding="utf-8")
    theme = site.root / "theme"
    if "templates:" in text and rng.random() < 0.3:
        site.write(site.config, re.sub(r"(?m)^templates: .*\n", "", text))
        return "site.yaml: templates setting removed"
    name = rng.choice(("article.html", "entity.html", "base.html"))
    original = (DEFAULT_THEME / name).read_text(encoding="utf-8")
    mark = f"<!-- override {rng.randint(1, 10**6)} -->"
    site.write(theme / name, original.replace("</h1>", "</h1>" + mark, 1) if "</h1>" in original else original + mark)
    if "templates:" not in text:
        site.write(site.config, text + "templates: theme\n")
        return f"site.yaml: templates: theme, with {name} overridden"
    return f"theme/{name} overridden anew"


CHANGES = (edit_body, edit_body, edit_fact, edit_fact, edit_meta, edit_mention, edit_mention, add_article,
           delete_article, edit_profile, delete_profile, edit_properties, edit_site_title, edit_templates)


def change_round(rng: random.Random, site: Site) -> None:
    """One to three random changes."""
    for _ in range(rng.randint(1, 3)):
        done = None
        while done is None:
            done = rng.choice(CHANGES)(rng, site)
        site.log.append(done)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A generated corpus of ARTICLES articles, copied by each test that edits it."""
    folder = tmp_path_factory.mktemp("corpus")
    write_corpus(folder, ARTICLES, seed=CORPUS_SEED)
    return folder


class Builds:
    """The three builds of one site: command line with a kept cache, the preview's memo, and clean ones."""

    def __init__(self, site: Site, work: Path) -> None:
        self.site, self.work = site, work
        self.inc_out, self.inc_cache = work / "out-inc", work / "cache-inc"
        self.preview = Previewer(BuildOptions(site.content, work / "out-preview", site.config, config_required=True,
                                              cache=work / "cache-preview"))
        self.cleans = 0
        self.history: list[str] = []

    def clean(self) -> tuple[Build, dict[str, bytes]]:
        """A build into a fresh folder, with a fresh empty cache (every other time, none)."""
        self.cleans += 1
        out, cache = self.work / f"out-clean-{self.cleans}", self.work / f"cache-clean-{self.cleans}"
        cache.mkdir()
        build = run_cli(self.site.content, self.site.config, out, cache if self.cleans % 2 else None)
        files = tree(out)
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
        return build, files

    def check(self, title: str) -> bool:
        """Build all three ways and compare; True when the content built."""
        changed, self.site.changed = sorted(self.site.changed), set()
        self.history.append(f"{title}: " + "; ".join(self.site.log))
        context = f"seed {SEED}, corpus seed {CORPUS_SEED}\n" + "\n".join(self.history)
        inc_before, preview_before = snapshot(self.inc_out), snapshot(self.preview.options.output)
        clean, clean_files = self.clean()
        inc = run_cli(self.site.content, self.site.config, self.inc_out, self.inc_cache)
        quick = self.preview.rebuild(changed, derived=False)   # a save: only the files the watcher reported are read
        quick_pages = {rel: data for rel, data in tree(self.preview.options.output).items() if rel.endswith(".html")}
        outcome = self.preview.rebuild()   # and, once saves stop, the rebuild that looks at every file
        assert bool(quick.errors) == (clean.status != 0), f"{context}\nquick rebuild: {quick.errors}"
        assert inc.status == clean.status, f"{context}\nclean:\n{clean.err}\nincremental:\n{inc.err}"
        assert inc.err == clean.err, f"{context}\n" + "\n".join(difflib.unified_diff(
            clean.err.splitlines(), inc.err.splitlines(), "clean", "incremental", lineterm=""))
        shown = io.StringIO()
        print_warnings(outcome.warnings, verbose=True, file=shown)
        shown.write("".join(f"{error}\n" for error in outcome.errors))
        expected = clean.err if clean.status == 0 else clean.err.rsplit("\n", 2)[0] + "\n"   # less the tail line
        assert shown.getvalue() == expected, f"{context}\n" + "\n".join(difflib.unified_diff(
            expected.splitlines(), shown.getvalue().splitlines(), "clean", "preview", lineterm=""))
        if clean.status != 0:
            self.history[-1] += f" => {clean.err.splitlines()[-1]}"
            assert clean_files == {}, f"{context}\na failed clean build wrote {sorted(clean_files)[:5]}"
            assert snapshot(self.inc_out) == inc_before, f"{context}\nthe failed build changed {self.inc_out}"
            assert snapshot(self.preview.options.output) == preview_before, f"{context}\nthe failed rebuild changed the preview"
            return False
        assert _counts(inc.out) == _counts(clean.out), f"{context}\n{clean.out}\n{inc.out}"
        assert len(clean_files) > 3 * ARTICLES   # pages, feeds, exports, search
        same_files(tree(self.inc_out), clean_files, "the command line's build with its cache kept", context)
        same_files(quick_pages, {rel: data for rel, data in clean_files.items() if rel.endswith(".html")},
                   "serve's rebuild after a save (its pages)", context)
        same_files(tree(self.preview.options.output), clean_files, "serve's incremental rebuild", context)
        return True


def _counts(summary: str) -> str:
    """`Built N files from A articles, E entities, F facts` of a summary line."""
    match = re.search(r"Built \d+ files from [^:]* facts", summary)
    assert match, summary
    return match.group(0)


def test_incremental_builds_equal_clean_builds_round_after_round(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(parse, "PARALLEL_FROM", 2)    # the command-line builds parse and render in workers,
    monkeypatch.setattr(render, "PARALLEL_FROM", 2)   # as they do on a large site, however small the corpus
    shutil.copytree(corpus, tmp_path / "site")
    site = Site(tmp_path / "site")
    builds = Builds(site, tmp_path)
    assert builds.check("first build")
    rng = random.Random(SEED)
    good, failed = site.state(), 0
    for number in range(1, ROUNDS + 1):
        site.log = []
        if failed:
            site.restore(good)
        change_round(rng, site)
        if builds.check(f"round {number}"):
            good, failed = site.state(), 0
        else:
            failed += 1
    print("\n".join(builds.history))   # with -s: what was tried
    assert builds.cleans == ROUNDS + 1


def damage(cache: Path, how: str) -> int:
    """Spoil every file of a cache folder (whatever its files are named); returns how many.

    Its garbage comes from a generator of its own, so that the edits that follow do not depend on
    how big the cache's files are."""
    rng = random.Random(how)
    files = [p for p in sorted(cache.rglob("*")) if p.is_file()] if cache.is_dir() else []
    for path in files:
        data = path.read_bytes()
        path.write_bytes(rng.randbytes(max(len(data), 16)) if how == "garbage" else data[:len(data) // 2])
    return len(files)


def test_a_deleted_damaged_or_foreign_cache_only_means_building_afresh(tmp_path, monkeypatch):
    write_corpus(tmp_path / "site", 40, seed=CORPUS_SEED)
    site, rng = Site(tmp_path / "site"), random.Random(SEED)
    out, cache = tmp_path / "out", tmp_path / "cache"
    assert run_cli(site.content, site.config, out, cache).status == 0
    other = tmp_path / "other"
    write_corpus(other, 20, seed=CORPUS_SEED + 1)
    for step in ("deleted", "garbage", "truncated", "foreign"):
        site.log = []
        edit_meta(rng, site)
        edit_fact(rng, site) or edit_body(rng, site)
        if step == "deleted":
            shutil.rmtree(cache, ignore_errors=True)
        elif step == "foreign":   # another site's cache, written by "another version" of Factsheet
            shutil.rmtree(cache, ignore_errors=True)
            with monkeypatch.context() as patch:
                patch.setattr("generator.__version__", "0.0.0-another-version")
                assert run_cli(other / "content", other / "site.yaml", tmp_path / "other-out", cache).status == 0
        else:
            damage(cache, step)
        built = run_cli(site.content, site.config, out, cache)
        assert built.status == 0, f"{step} cache: {built.err}"
        clean = run_cli(site.content, site.config, tmp_path / f"clean-{step}", None)
        assert clean.status == 0 and _counts(built.out) == _counts(clean.out)
        same_files(tree(out), tree(tmp_path / f"clean-{step}"), f"a build with a {step} cache", "; ".join(site.log))
