"""Edits that keep every name (edits.py): resolved from the last build's names, and planned by the pages they touch.

On a generated corpus, random edits of facts, bodies and profile facts are each checked three ways:
the quick resolve equals a resolve from scratch (graph and change), the updated lookups equal
lookups made afresh, and every page whose inputs digest or list context changed is among the
pages `touched_pages` names. Edits that change a name are no such edit.
"""

from __future__ import annotations

import random
import re
import shutil
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from bench.corpus import scalar, write_corpus
from generator.build import BuildOptions, build_site
from generator.edits import change_of, find_edit, resolve_edit, touched_pages
from generator.feeds import FeedPlanner
from generator.config import load_config
from generator.dates import PartialDate, Period
from generator.inputs import PageInputs, TemplateDigests, fingerprint
from generator.model import EntityValue, Fact, SourceRef, TextValue
from generator.quantities import Quantity
from generator.lookups import make_lookups
from generator.markdown import make_markdown
from generator.pages import PagePlanner
from generator.parse import parse_sources
from generator.templating import make_environment
from generator.resolve import resolve_site
from generator.sources import read_sources
from test_incremental import Site, _front, _join, _profile, edit_body, edit_fact, edit_mention, split_list, tree

ROOT = Path(__file__).resolve().parent.parent

ARTICLES = 60
EDITS = 40


def parse_site(site: Site):
    """The site's content parsed: (Parsed, content path -> ParsedFile)."""
    sources, problems, _ = read_sources(site.content, {})
    parsed, found, parses = parse_sources(sources, make_markdown(False), {})
    assert not problems.errors and not found.errors, [str(e) for e in (*problems.errors, *found.errors)][:3]
    return parsed, {source.rel: result for source, result in parses.items()}


def edit_profile_fact(rng: random.Random, site: Site) -> str | None:
    """A digit of a profile's fact changed, or a sentence added to its body."""
    path = _profile(rng, site)
    head, body = _front(path.read_text(encoding="utf-8"))
    facts = [j for j, line in enumerate(head) if "{property:" in line and re.search(r"value: [^,}]*\d", line)]
    if facts and rng.random() < 0.6:
        j = rng.choice(facts)
        line = re.sub(r"(value: [^,}\d]*)\d", lambda m: m[1] + str(rng.randint(0, 9)), head[j], 1)
        if line == head[j]:
            return None
        head[j] = line
    else:
        body += f"\n\nA profile note ({rng.randint(1, 10**6)}).\n"
    site.write(path, _join(head, body))
    return f"profile {site.rel(path)} edited"


def edit_subject(rng: random.Random, site: Site) -> str | None:
    """A fact's subject moved to a company another article names: the article now names it too."""
    path, other = rng.sample(site.files("articles"), 2)
    head, body = _front(path.read_text(encoding="utf-8"))
    subjects = [j for j, line in enumerate(head) if line.startswith("  - subject: ")]
    names = next((split_list(line) for line in _front(other.read_text(encoding="utf-8"))[0]
                  if line.startswith("companies:")), [])
    if not subjects or not names:
        return None
    j, line = rng.choice(subjects), f"  - subject: {scalar(rng.choice(names))}"
    if head[j] == line:
        return None
    head[j] = line
    site.write(path, _join(head, body))
    return f"subject of a fact in {site.rel(path)} changed"


def page_state(graph, config, env, planner: PagePlanner) -> dict:
    """Each keyed page's inputs digest, and each list page's context."""
    inputs, feeds = PageInputs(planner, TemplateDigests(env)), FeedPlanner(graph, config)
    state = {key: inputs.of(key) for key in [*planner.keys(), *feeds.keys()] if inputs.of(key) is not None}
    for key in planner.keys():
        if key[0] in ("home", "index", "events", "articles", "tags"):
            state[key] = planner.plan(key).context
    return state


def test_a_facts_fingerprint_changes_with_each_of_its_fields_nested_ones_included():
    fact = Fact("company:acme", "capacity", Quantity(Decimal("1.5"), "", "", "GWh"), "actual", PartialDate(2024, 5),
                None, "a quote", SourceRef("article", "a-story"), "content/articles/a.md", 7)
    others = {
        "subject": ["company:acme-2"], "property": ["output"], "status": ["planned"], "quote": ["a quote."],
        "value": [Quantity(Decimal("1.50"), "", "", "GWh"), Quantity(Decimal("1.5"), "about", "", "GWh"),
                  Quantity(Decimal("1.5"), "", "billion", "GWh"), Quantity(Decimal("1.5"), "", "", "MWh"),
                  TextValue("1.5 GWh"), EntityValue("company:acme")],
        "as_of": [None, PartialDate(2024, 5, 1)], "period": [Period(PartialDate(2024), PartialDate(2025))],
        "source": [SourceRef("profile", "a-story"), SourceRef("article", "another")],
        "path": ["content/articles/b.md"], "line": [8],
    }
    assert set(others) == set(Fact._fields)
    changed = [fact._replace(**{field: value}) for field, values in others.items() for value in values]
    assert len({fingerprint(f) for f in [fact, *changed]}) == 1 + len(changed)
    assert fingerprint(fact._replace()) == fingerprint(fact)   # an equal fact: the same, though another object


@pytest.fixture
def site(tmp_path) -> Site:
    write_corpus(tmp_path / "site", ARTICLES, seed=7)
    return Site(tmp_path / "site")


def test_edits_that_keep_names_resolve_and_plan_like_a_build_from_scratch(site):
    config, _ = load_config(site.config, True)
    env = make_environment(config)
    rng = random.Random(11)
    parsed, before = parse_site(site)
    last, _ = resolve_site(parsed)
    planner = PagePlanner(last.graph)
    state = page_state(last.graph, config, env, planner)
    kinds = set()
    for number in range(EDITS):
        done, good = None, site.state()
        while done is None:
            done = rng.choice((edit_body, edit_fact, edit_fact, edit_subject, edit_profile_fact))(rng, site)
        kinds.add(done.split()[0])
        parsed, after = parse_site(site)
        edit = find_edit(before, after)
        assert edit is not None and len(edit.files) <= 1, done
        if not edit.files:   # the edit put back what was there
            continue
        quick = resolve_edit(last, parsed, edit)
        fresh, problems = resolve_site(parsed)
        assert quick is not None, done
        resolution, change, quick_problems = quick
        assert [str(e) for e in quick_problems.errors] == [str(e) for e in problems.errors], done
        if problems.errors:   # a fact that names no entity: the build fails, and the editor puts it right
            site.restore(good)
            continue
        assert resolution.graph == fresh.graph, done
        assert change == change_of(fresh, parsed, edit), done
        planner = planner.after_edit(resolution.graph, change)
        assert planner.look == make_lookups(fresh.graph), done
        assert planner.events == PagePlanner(fresh.graph).events, done
        new_state = page_state(resolution.graph, config, env, planner)
        assert new_state.keys() == state.keys()
        differ = {key for key in state if state[key] != new_state[key]}
        touched = touched_pages(resolution.graph, planner.look, change)
        assert differ <= touched, f"{done}: pages changed but not touched: {sorted(differ - touched)[:5]}"
        last, before, state = resolution, after, new_state
    assert kinds == {"body", "fact", "subject", "profile"}


def test_an_edit_that_changes_a_name_or_the_files_is_no_quick_edit(site):
    parsed, before = parse_site(site)
    edit_mention(random.Random(3), site)
    assert find_edit(before, parse_site(site)[1]) is None
    shutil.copy(site.files("articles")[0], site.content / "articles" / "copy.md")
    assert find_edit(before, parse_site(site)[1]) is None


def test_a_fact_edit_looks_only_at_the_pages_it_touches_and_builds_what_a_clean_build_does(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    looked: list = []
    digest = PageInputs.of
    monkeypatch.setattr(PageInputs, "of", lambda self, key: looked.append(key) or digest(self, key))
    cli = BuildOptions(tmp_path / "content", tmp_path / "out", tmp_path / "site.yaml", cache=tmp_path / "cache")
    preview = replace(cli, output=tmp_path / "preview", cache=None, keep=True)
    first, memo = build_site(cli), build_site(preview).memo
    article = tmp_path / "content/articles/xiaomi-auto-yizhuang-factory.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("    value: 300000\n", "    value: 310000\n", 1) + "\nA line added.\n", encoding="utf-8")
    for options, earlier in ((cli, None), (preview, memo)):
        looked.clear()
        result = build_site(options, earlier)
        assert 0 < len(looked) < first.files / 10, sorted(looked)   # the article, its subjects' sheets and feeds
        assert result.rendered < 15
    build_site(BuildOptions(tmp_path / "content", tmp_path / "clean", tmp_path / "site.yaml"))
    assert tree(tmp_path / "out") == tree(tmp_path / "clean") == tree(tmp_path / "preview")


def test_each_edited_files_run_of_facts_is_replaced_where_the_files_order_puts_it():
    from types import SimpleNamespace
    from generator.edits import _spliced
    from generator.model import Fact, SourceRef, TextValue

    def fact(path: str, n: int) -> Fact:
        return Fact("company:x", "p", TextValue(f"{path}{n}"), "actual", None, None, "", SourceRef("article", path), path, n)
    files = tuple(SimpleNamespace(path=p) for p in ("a.md", "b.md", "c.md", "d.md", "e.md"))
    facts = (fact("a.md", 1), fact("a.md", 2), fact("c.md", 1), fact("e.md", 1), fact("e.md", 2))   # b, d: none
    cases = [{"a.md": [fact("a.md", 9)]}, {"b.md": [fact("b.md", 1)]}, {"e.md": []}, {"d.md": [fact("d.md", 1)]},
             {"c.md": [], "a.md": [], "e.md": [fact("e.md", 7)], "b.md": [fact("b.md", 3), fact("b.md", 4)]}]
    for edited in cases:
        expected = tuple(f for record in files for f in (edited[record.path] if record.path in edited
                                                          else [g for g in facts if g.path == record.path]))
        spliced, runs = _spliced(facts, files, edited)
        assert spliced == expected, edited
        assert runs == {path: tuple(g for g in facts if g.path == path) for path in edited}, edited
    with pytest.raises(KeyError):
        _spliced(facts, files[:2], {"a.md": []})   # facts of files it does not list


def test_the_entity_lists_are_touched_only_when_an_entity_gets_another_count_of_facts(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    site = Site(tmp_path)
    article = tmp_path / "content/articles/xiaomi-auto-yizhuang-factory.md"
    text = article.read_text(encoding="utf-8")
    parsed, before = parse_site(site)
    last, _ = resolve_site(parsed)

    def touched_after(new_text: str) -> set:
        article.write_text(new_text, encoding="utf-8")
        parsed, after = parse_site(site)
        edit = find_edit(before, after)
        resolution, change, _ = resolve_edit(last, parsed, edit)
        return touched_pages(resolution.graph, PagePlanner(last.graph).after_edit(resolution.graph, change).look, change)
    assert "    value: 300000\n" in text
    value_only = touched_after(text.replace("    value: 300000\n", "    value: 310000\n", 1))
    assert ("article", "xiaomi-auto-yizhuang-factory") in value_only
    assert not [key for key in value_only if key[0] == "index"]   # every count shown is as it was
    head, body = _front(text)
    first = next(j for j, line in enumerate(head) if line.startswith("  - subject: "))
    end = next((j for j in range(first + 1, len(head)) if head[j].startswith("  - ") or not head[j].startswith("  ")),
               len(head))
    dropped = touched_after(_join(head[:first] + head[end:], body))   # one fact fewer for its subject
    assert [key for key in dropped if key[0] == "index"]
