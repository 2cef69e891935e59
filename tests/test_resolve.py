"""Stage 3: names -> entities, facts -> typed values, on in-memory sources."""

from __future__ import annotations

import textwrap
from decimal import Decimal

import pytest

from generator.dates import PartialDate
from generator.markdown import make_markdown
from generator.model import DateValue, EntityValue, TextValue
from generator.parse import parse_sources
from generator.quantities import Quantity
from generator.resolve import resolve_graph
from generator.sheets import build_rows
from generator.sources import Source

FOLDER_KINDS = {"articles": "article", "companies": "company", "sites": "site", "events": "event",
                "people": "person"}


def source(rel: str, text: str) -> Source:
    kind = "properties" if rel == "properties.yaml" else FOLDER_KINDS[rel.split("/")[0]]
    return Source(f"content/{rel}", rel, kind, textwrap.dedent(text).lstrip("\n"))


def art(front: str, body: str = "Body.\n") -> str:
    return "---\n" + textwrap.dedent(front).strip("\n") + "\n---\n" + body


def resolve(files: dict[str, str]):
    sources = tuple(source(rel, text) for rel, text in sorted(files.items()))
    parsed, parse_problems, _ = parse_sources(sources, make_markdown(False))
    assert not parse_problems.errors, [str(e) for e in parse_problems.errors]
    graph, problems = resolve_graph(parsed)
    return graph, problems


def ok(files: dict[str, str]):
    graph, problems = resolve(files)
    assert not problems.errors, [str(e) for e in problems.errors]
    return graph, problems


def facts_of(graph, subject: str, prop: str | None = None):
    return [f for f in graph.facts if f.subject == subject and (prop is None or f.property == prop)]


XIAOMI = """
---
name: Xiaomi Group
aliases: [Xiaomi, 小米集团]
slug: xiaomi
---
A company.
"""


# ---------------------------------------------------------------- names and types

@pytest.mark.parametrize("spelling", ["XIAOMI", "Ｘｉａｏｍｉ", "Xiaomi  Group", "xiaomi group", "小米集团", "Xiaomi\tGroup"])
def test_aliases_fold_case_width_and_white_space(spelling):
    graph, _ = ok({
        "companies/xiaomi.md": XIAOMI,
        "articles/a.md": art(f"title: A\ndate: 2024-05-19\ncompanies: ['{spelling}']"),
    })
    assert [e for e in graph.entities] == ["company:xiaomi group"]
    assert graph.named_in["a"] == ("company:xiaomi group",)


def test_profile_entity_keeps_canonical_name_slug_and_aliases():
    graph, _ = ok({"companies/xiaomi.md": XIAOMI})
    entity = graph.entities["company:xiaomi group"]
    assert entity.name == "Xiaomi Group"
    assert entity.slug == "xiaomi"
    assert entity.aliases == ("Xiaomi", "小米集团")
    assert entity.profile is not None
    assert entity.origin == "content/companies/xiaomi.md:2"


def test_unprofiled_entity_gets_slug_from_name():
    graph, problems = ok({"articles/a.md": art("title: A\ndate: 2024-05-19\nsites: [Beijing E-Town]")})
    entity = graph.entities["site:beijing e-town"]
    assert (entity.kind, entity.name, entity.slug, entity.profile) == ("site", "Beijing E-Town", "beijing-e-town", None)
    assert any(w.category == "no-profile" for w in problems.warnings)


def test_type_from_the_first_list_a_name_appears_in():
    graph, problems = ok({
        "articles/a.md": art("title: A\ndate: 2024-05-19\ncompanies: [Jane Roe]"),
        "articles/b.md": art("title: B\ndate: 2024-05-20\npeople: [jane roe]"),
    })
    assert [e.kind for e in graph.entities.values()] == ["company"]
    assert any("listed under people but is a company" in w.message for w in problems.warnings)


def test_each_list_gives_its_type():
    graph, _ = ok({"articles/a.md": art(
        "title: A\ndate: 2024-05-19\ncompanies: [C]\nsites: [S]\npeople: [P]\nevents: [E]")})
    assert {e.id: e.kind for e in graph.entities.values()} == {
        "company:c": "company", "site:s": "site", "person:p": "person", "event:e": "event"}


def test_profile_type_wins():
    graph, problems = ok({
        "companies/acme.md": "---\nname: Acme\n---\n",
        "articles/a.md": art("title: A\ndate: 2024-05-19\nsites: [Acme]\npeople: [ACME]"),
    })
    assert list(graph.entities) == ["company:acme"]
    assert graph.entities["company:acme"].kind == "company"
    assert len([w for w in problems.warnings if "but is a company" in w.message]) == 2


def test_name_on_two_profiles_is_an_error_naming_both():
    _, problems = resolve({
        "companies/a.md": "---\nname: Acme\naliases: [Big]\n---\n",
        "companies/b.md": "---\nname: Bigco\naliases: [big]\n---\n",
    })
    [error] = problems.errors
    assert error.path == "content/companies/b.md"
    assert error.line == 3
    assert "content/companies/a.md:3" in error.message


def test_two_entities_wanting_one_url_is_an_error():
    _, problems = resolve({"articles/a.md": art("title: A\ndate: 2024-05-19\ncompanies: ['R&D Co', 'R D Co']")})
    assert any("two pages want companies/r-d-co/" in e.message for e in problems.errors)


def test_name_without_a_slug_is_an_error():
    _, problems = resolve({"articles/a.md": art("title: A\ndate: 2024-05-19\ncompanies: ['!!!']")})
    assert any("cannot make a URL" in e.message for e in problems.errors)


def test_unknown_fact_subject_is_an_error_with_suggestion():
    _, problems = resolve({
        "companies/xiaomi.md": XIAOMI,
        "articles/a.md": art("title: A\ndate: 2024-05-19\nfacts:\n  - {subject: Xiaomy, property: p, value: 1}"),
    })
    [error] = problems.errors
    assert error.line == 5
    assert "unknown subject 'Xiaomy'" in error.message
    assert "did you mean 'Xiaomi'" in error.message


# ---------------------------------------------------------------- events

def test_inline_event_in_two_articles_is_one_entity_with_both_dates():
    graph, _ = ok({
        "articles/a.md": art("title: A\ndate: 2024-05-19\nevents:\n  - {name: Big Launch, date: 2024-05}"),
        "articles/b.md": art("title: B\ndate: 2024-06-01\nevents:\n  - {name: big  launch, date: 2024-05-19}"),
    })
    assert [e.id for e in graph.entities.values()] == ["event:big launch"]
    dates = facts_of(graph, "event:big launch", "date")
    assert sorted((f.source.key, f.value.date.iso) for f in dates) == [("a", "2024-05"), ("b", "2024-05-19")]
    assert all(f.as_of is None for f in dates)
    rows = build_rows(dates, graph.properties)
    assert not rows[0].conflict


def test_differing_event_dates_conflict():
    graph, _ = ok({
        "articles/a.md": art("title: A\ndate: 2024-05-19\nevents:\n  - {name: Launch, date: 2024-05}"),
        "articles/b.md": art("title: B\ndate: 2024-06-01\nevents:\n  - {name: Launch, date: 2024-06}"),
    })
    [row] = build_rows(facts_of(graph, "event:launch", "date"), graph.properties)
    assert row.conflict
    [reading] = row.readings
    assert sorted(c.value.date.iso for c in reading.claims) == ["2024-05", "2024-06"]


def test_event_profile_and_inline_definition_are_one_entity():
    graph, _ = ok({
        "events/launch.md": "---\nname: Launch Day\ndate: 2024-05-19\ntype: launch\n---\n",
        "articles/a.md": art("title: A\ndate: 2024-05-19\nevents:\n  - {name: launch day, date: 2024-05-19}"),
    })
    assert list(graph.entities) == ["event:launch day"]
    sources = sorted(f.source.kind for f in facts_of(graph, "event:launch day", "date"))
    assert sources == ["article", "profile"]


def test_event_fields_become_facts():
    graph, _ = ok({"articles/a.md": art("""
        title: A
        date: 2024-05-19
        events:
          - name: Launch
            date: 2024
            type: opening
            status: planned
            summary: It opens.
            companies: [Acme]
            people: [Jane]
            sites: [Plant]
    """)})
    facts = {(f.property, str(getattr(f.value, "text", getattr(f.value, "entity_id", getattr(f.value, "date", ""))))): f
             for f in facts_of(graph, "event:launch")}
    assert set(facts) == {("date", "2024"), ("type", "opening"), ("status", "planned"), ("summary", "It opens."),
                          ("participant", "company:acme"), ("participant", "person:jane"), ("place", "site:plant")}
    assert facts[("type", "opening")].as_of is None
    assert facts[("status", "planned")].as_of == PartialDate(2024, 5, 19)


# ---------------------------------------------------------------- mentions and order

def test_mentions_include_fact_subjects_and_entity_values():
    graph, _ = ok({
        "companies/acme.md": "---\nname: Acme\n---\n",
        "people/jane.md": "---\nname: Jane Roe\n---\n",
        "articles/a.md": art("""
            title: A
            date: 2024-05-19
            facts:
              - {subject: Acme, property: chief executive, value: jane roe}
        """),
    })
    assert set(graph.named_in["a"]) == {"company:acme", "person:jane roe"}
    assert graph.mentions["company:acme"] == ("a",)
    assert graph.mentions["person:jane roe"] == ("a",)


def test_mentions_include_inline_event_participants():
    graph, _ = ok({"articles/a.md": art(
        "title: A\ndate: 2024-05-19\nevents:\n  - {name: E, companies: [C], sites: [S], people: [P]}")})
    assert set(graph.named_in["a"]) == {"event:e", "company:c", "site:s", "person:p"}


def test_profile_facts_are_not_mentions():
    graph, _ = ok({
        "people/jane.md": "---\nname: Jane Roe\n---\n",
        "companies/acme.md": "---\nname: Acme\nfacts:\n  - {property: boss, value: Jane Roe}\n---\n",
    })
    assert graph.mentions == {}


def test_articles_newest_first_and_mentions_in_that_order():
    graph, _ = ok({
        "articles/a.md": art("title: A\ndate: 2023-01-01\ncompanies: [Acme]"),
        "articles/b.md": art("title: B\ndate: 2024-06-01\ncompanies: [Acme]"),
        "articles/c.md": art("title: C\ndate: 2024-01-15\ncompanies: [Acme]"),
    })
    assert list(graph.articles) == ["b", "c", "a"]
    assert graph.mentions["company:acme"] == ("b", "c", "a")


def test_two_articles_with_one_slug_is_an_error_naming_both():
    _, problems = resolve({
        "articles/a.md": art("title: A\ndate: 2024-05-19\nslug: same"),
        "articles/b.md": art("title: B\ndate: 2024-05-20\nslug: same"),
    })
    [error] = problems.errors
    assert error.path == "content/articles/b.md"
    assert error.line == 4
    assert "content/articles/a.md" in error.message


# ---------------------------------------------------------------- tags

def test_tags_with_the_same_slug_merge():
    graph, _ = ok({
        "articles/a.md": art("title: A\ndate: 2024-05-19\ntags: [Electric Vehicles, electric-vehicles]"),
        "articles/b.md": art("title: B\ndate: 2024-06-01\ntags: [electric vehicles]"),
        "articles/c.md": art("title: C\ndate: 2024-04-01\ntags: [other]"),
    })
    assert list(graph.tags) == ["electric-vehicles", "other"]
    tag = graph.tags["electric-vehicles"]
    assert tag.articles == ("b", "a")
    assert tag.label in ("electric vehicles", "Electric Vehicles")


def test_tag_without_a_slug_is_an_error():
    _, problems = resolve({"articles/a.md": art("title: A\ndate: 2024-05-19\ntags: ['???']")})
    [error] = problems.errors
    assert error.line == 4
    assert "tag" in error.message


# ---------------------------------------------------------------- value inference

def value_of(value: str, unit: str = "", props: str | None = None):
    unit_line = f", unit: {unit}" if unit else ""
    files = {
        "companies/acme.md": "---\nname: Acme\n---\n",
        "people/jane.md": "---\nname: Jane Roe\n---\n",
        "articles/a.md": art(f"title: A\ndate: 2024-05-19\nfacts:\n  - {{subject: Acme, property: p, value: '{value}'{unit_line}}}"),
    }
    if props:
        files["properties.yaml"] = props
    graph, problems = resolve(files)
    return graph, problems


@pytest.mark.parametrize("value, unit, magnitude, comparator", [
    ("300000", "vehicles", Decimal("300000"), ""),
    ("300,000", "", Decimal("300000"), ""),
    ("over 500", "people", Decimal("500"), "over"),
    ("193.48 billion", "CNY", Decimal("193480000000"), ""),
    ("2024", "vehicles", Decimal("2024"), ""),
    ("12", "", Decimal("12"), ""),
    ("38.8%", "", Decimal("38.8"), ""),
])
def test_numbers_become_quantities(value, unit, magnitude, comparator):
    graph, problems = value_of(value, unit)
    assert not problems.errors
    [fact] = facts_of(graph, "company:acme", "p")
    assert isinstance(fact.value, Quantity)
    assert fact.value.magnitude == magnitude
    assert fact.value.comparator == comparator
    assert fact.value.unit == (unit if "%" not in value else "%")


@pytest.mark.parametrize("value, date", [("2010", PartialDate(2010)), ("2019-05", PartialDate(2019, 5)),
                                         ("2010-04-06", PartialDate(2010, 4, 6))])
def test_dates_without_unit_become_dates(value, date):
    graph, _ = value_of(value)
    [fact] = facts_of(graph, "company:acme", "p")
    assert fact.value == DateValue(date)


def test_known_name_becomes_an_entity_value():
    graph, _ = value_of("JANE  ROE")
    [fact] = facts_of(graph, "company:acme", "p")
    assert fact.value == EntityValue("person:jane roe")


def test_other_text_stays_text():
    graph, _ = value_of("Just for fans")
    [fact] = facts_of(graph, "company:acme", "p")
    assert fact.value == TextValue("Just for fans")


def test_impossible_date_is_an_error():
    _, problems = value_of("2024-02-30")
    [error] = problems.errors
    assert error.line == 5
    assert "not a real day" in error.message


def test_declared_type_wins_over_inference():
    graph, problems = value_of("2010", props="p: {type: quantity, unit: things}")
    assert not problems.errors
    [fact] = facts_of(graph, "company:acme", "p")
    assert isinstance(fact.value, Quantity)
    assert fact.value.unit == "things"


def test_declared_text_keeps_a_name_as_text():
    graph, _ = value_of("Jane Roe", props="p: text")
    [fact] = facts_of(graph, "company:acme", "p")
    assert fact.value == TextValue("Jane Roe")


@pytest.mark.parametrize("value, props, words", [
    ("lots", "p: quantity", "must be a number"),
    ("soon", "p: date", "not a date"),
    ("Nobody", "p: entity", "must name a known entity"),
])
def test_declared_type_mismatch_is_an_error(value, props, words):
    _, problems = value_of(value, props=props)
    [error] = problems.errors
    assert error.line == 5
    assert words in error.message


def test_fact_as_of_defaults_to_the_article_date():
    graph, _ = value_of("5")
    [fact] = facts_of(graph, "company:acme", "p")
    assert fact.as_of == PartialDate(2024, 5, 19)
    assert fact.source.kind == "article" and fact.source.key == "a"


def test_profile_facts_are_timeless_and_about_the_profile():
    graph, _ = ok({"companies/acme.md": "---\nname: Acme\nfacts:\n  - {property: founded, value: 2010}\n---\n"})
    [fact] = facts_of(graph, "company:acme", "founded")
    assert fact.as_of is None
    assert fact.source.kind == "profile" and fact.source.key == "company:acme"


def test_profile_relations_become_linked_facts():
    graph, _ = ok({
        "companies/sub.md": "---\nname: Sub\nparent: Parent Co\n---\n",
        "sites/plant.md": "---\nname: Plant\nin: Town\n---\n",
    })
    [parent] = facts_of(graph, "company:sub", "parent company")
    assert parent.value == EntityValue("company:parent co")
    [place] = facts_of(graph, "site:plant", "located in")
    assert place.value == EntityValue("site:town")


def test_property_labels_fold_to_one_key():
    graph, _ = ok({"articles/a.md": art("""
        title: A
        date: 2024-05-19
        companies: [Acme]
        facts:
          - {subject: Acme, property: Team Size, value: 5}
          - {subject: Acme, property: team  size, value: 6}
    """)})
    assert {f.property for f in facts_of(graph, "company:acme")} == {"team size"}
