"""Stage 2: front matter and bodies -> typed records, through parse_sources with a real MarkdownIt."""

from __future__ import annotations

import os
import textwrap

import pytest

from generator.cachestore import text_digest
from generator.dates import PartialDate, Period
from generator.markdown import fold_text, make_markdown, render_body
from generator.parse import parse_sources
from generator.records import Name
from generator import sources
from generator.sources import Source

FOLDER_KINDS = {"articles": "article", "companies": "company", "sites": "site", "events": "event",
                "people": "person"}


def source(rel: str, text: str) -> Source:
    kind = "properties" if rel == "properties.yaml" else FOLDER_KINDS[rel.split("/")[0]]
    return Source(f"content/{rel}", rel, kind, textwrap.dedent(text).lstrip("\n"))


def parse(files: dict[str, str], allow_html: bool = False):
    sources = tuple(source(rel, text) for rel, text in sorted(files.items()))
    return parse_sources(sources, make_markdown(allow_html))[:2]


def article(front: str, body: str = "Body text.\n", name: str = "articles/story.md", allow_html: bool = False):
    text = "---\n" + textwrap.dedent(front).strip("\n") + "\n---\n" + textwrap.dedent(body)
    parsed, problems, _ = parse_sources((Source(f"content/{name}", name, "article", text),), make_markdown(allow_html))
    return (parsed.articles[0] if parsed.articles else None), problems


def messages(problems) -> list[str]:
    return [e.message for e in problems.errors]


# ---------------------------------------------------------------- articles

FULL = """
    title: Acme signs a deal
    date: 2021-11-27
    slug: acme-deal
    summary: A short summary.
    source:
      name: Daily Wire
      url: https://example.com/story
      author: Jane Doe
    tags: [electric vehicles, manufacturing]
    companies: [Acme, Acme Auto]
    sites: [Rivertown]
    people: [Jane Roe]
    events:
      - name: Acme   plant   agreement
        date: 2021-11
        type: agreement
        status: Planned
        companies: [Acme, Rivertown Council]
        sites: [Acme plant]
        people: [Jane Roe]
        summary: They sign.
      - Acme Investor Day
    facts:
      - subject: Acme plant
        property: annual   capacity
        value: 300000
        unit: vehicles
        status: planned
        as_of: 2021-11
        quote: 300,000 vehicles a year
      - subject: Rivertown
        property: GDP
        value: 193.48 billion
        unit: CNY
        period: 2021-01/2021-09
"""


def test_full_article_fields_are_typed():
    art, problems = article(FULL, "It will build 300,000 vehicles a year.\n")
    assert not problems.errors and not problems.warnings
    assert art.title == "Acme signs a deal"
    assert art.date == PartialDate(2021, 11, 27)
    assert art.slug == "acme-deal"
    assert art.slug_line == 4
    assert art.summary == "A short summary."
    assert (art.source.name, art.source.url, art.source.author) == ("Daily Wire", "https://example.com/story", "Jane Doe")
    assert [t.text for t in art.tags] == ["electric vehicles", "manufacturing"]
    assert [n.text for n in art.companies] == ["Acme", "Acme Auto"]
    assert art.sites == (Name("Rivertown", 12),)
    assert art.people == (Name("Jane Roe", 13),)


def test_an_article_carries_the_digest_of_its_text():
    """Pages take an article's inputs as its path and this digest: any change of the text changes it."""
    art, _ = article(FULL, "It will build 300,000 vehicles a year.\n")
    text = "---\n" + textwrap.dedent(FULL).strip("\n") + "\n---\nIt will build 300,000 vehicles a year.\n"
    assert art.digest == text_digest(text)
    again, _ = article(FULL, "It will build 300,000 vehicles a year.\n")
    other, _ = article(FULL, "It will build 300,000 vehicles a year.\n\n")
    assert again.digest == art.digest and other.digest != art.digest


def test_inline_events_and_bare_event_names():
    art, problems = article(FULL, "It will build 300,000 vehicles a year.\n")
    [event] = art.events
    assert event.name == Name("Acme plant agreement", 15)
    assert event.date == PartialDate(2021, 11)
    assert event.type == "agreement"
    assert event.status == "planned"
    assert [n.text for n in event.companies] == ["Acme", "Rivertown Council"]
    assert [n.text for n in event.sites] == ["Acme plant"]
    assert [n.text for n in event.people] == ["Jane Roe"]
    assert event.summary == "They sign."
    assert art.event_refs == (Name("Acme Investor Day", 23),)


def test_facts_are_typed():
    art, _ = article(FULL, "It will build 300,000 vehicles a year.\n")
    capacity, gdp = art.facts
    assert capacity.subject == Name("Acme plant", 25)
    assert capacity.property == "annual capacity"
    assert capacity.value.text == "300000"
    assert capacity.value.line == 27
    assert capacity.unit == "vehicles"
    assert capacity.status == "planned"
    assert capacity.as_of == PartialDate(2021, 11)
    assert capacity.quote == "300,000 vehicles a year"
    assert capacity.line == 25
    assert gdp.period == Period(PartialDate(2021, 1), PartialDate(2021, 9))
    assert gdp.value.text == "193.48 billion"


def test_fact_defaults():
    art, problems = article("""
        title: T
        date: 2024-05-19
        facts:
          - {subject: Acme, property: staff, value: 5}
    """)
    assert not problems.errors
    [fact] = art.facts
    assert fact.status == "actual"
    assert fact.as_of is None
    assert fact.period is None
    assert fact.unit == ""
    assert fact.quote == ""


def test_fact_value_keeps_yaml_text_and_quoting():
    art, _ = article("""
        title: T
        date: 2024-05-19
        facts:
          - {subject: Acme, property: a, value: no}
          - {subject: Acme, property: b, value: "2024"}
          - {subject: Acme, property: c, value: 1:20}
    """)
    values = [(f.value.text, f.value.plain) for f in art.facts]
    assert values == [("no", True), ("2024", False), ("1:20", True)]


def test_default_slug_from_file_name():
    art, problems = article("title: T\ndate: 2024-05-19", name="articles/2024/My Big Story.md")
    assert art.slug == "my-big-story"
    assert not problems.errors


def test_default_slug_transliterates():
    art, _ = article("title: T\ndate: 2024-05-19", name="articles/小米.md")
    assert art.slug == "xiao-mi"


def test_bad_slug_is_an_error_at_its_line():
    art, problems = article("title: T\ndate: 2024-05-19\nslug: Not A Slug")
    [error] = problems.errors
    assert error.line == 4
    assert "slug" in error.message
    assert art.slug == "not-a-slug"


def test_single_name_is_a_list_of_one():
    art, problems = article("title: T\ndate: 2024-05-19\ncompanies: Acme\ntags: news")
    assert not problems.errors
    assert art.companies == (Name("Acme", 4),)
    assert [t.text for t in art.tags] == ["news"]


def test_names_collapse_white_space():
    art, _ = article("title: T\ndate: 2024-05-19\ncompanies: ['  Acme    Auto  ']")
    assert art.companies[0].text == "Acme Auto"


def test_names_that_are_not_text_are_errors():
    _, problems = article("title: T\ndate: 2024-05-19\ncompanies:\n  - [a, b]\n  - {x: 1}\n  - ''\n")
    assert len(problems.errors) == 3
    assert all("must list names as text" in m for m in messages(problems))
    assert [e.line for e in problems.errors] == [5, 6, 7]


def test_source_as_a_plain_name():
    art, problems = article("title: T\ndate: 2024-05-19\nsource: Pandaily")
    assert art.source.name == "Pandaily"
    assert art.source.url == ""
    assert not problems.errors


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "//evil.example/x", "https://"])
def test_unsafe_source_url_is_refused(url):
    art, problems = article(f"title: T\ndate: 2024-05-19\nsource: {{name: X, url: '{url}'}}")
    assert len(problems.errors) == 1
    assert problems.errors[0].line == 4
    assert art.source.url == ""


def test_missing_required_fields_are_errors_with_lines():
    art, problems = article("summary: s")
    found = messages(problems)
    assert "'date' is required" in found
    assert "'title' is required" in found
    assert art.title == "story"   # falls back to the file name


@pytest.mark.parametrize("date", ["2024", "2024-05"])
def test_article_date_must_be_a_full_day(date):
    _, problems = article(f"title: T\ndate: {date}")
    assert any("full day" in m for m in messages(problems))


def test_invalid_date_reports_its_line():
    _, problems = article("title: T\ndate: 2024-02-30")
    [error] = problems.errors
    assert error.line == 3
    assert "not a real day" in error.message


def test_invalid_fact_status_and_period():
    art, problems = article("""
        title: T
        date: 2024-05-19
        facts:
          - subject: A
            property: p
            value: 1
            status: rumoured
          - subject: A
            property: p
            value: 1
            period: 2021-09/2021-01
    """)
    assert [e.line for e in problems.errors] == [8, 12]
    # still handed to the resolve stage, so that an unknown subject is reported in the same run
    assert [fact.property for fact in art.facts] == ["p", "p"]


def test_fact_needs_subject_property_and_value():
    _, problems = article("""
        title: T
        date: 2024-05-19
        facts:
          - {property: p, value: 1}
          - {subject: A, value: 1}
          - {subject: A, property: p}
          - {subject: A, property: p, value: [1, 2]}
          - just text
    """)
    found = messages(problems)
    assert "'subject' is required" in found
    assert "'property' is required" in found
    assert "'value' is required" in found
    assert any("single number" in m for m in found)
    assert any("a fact must be a mapping" in m for m in found)


def test_events_must_be_a_list():
    _, problems = article("title: T\ndate: 2024-05-19\nevents: Launch")
    assert any("'events' must be a list" in m for m in messages(problems))


def test_inline_event_needs_a_name():
    art, problems = article("title: T\ndate: 2024-05-19\nevents:\n  - {date: 2024}")
    assert "'name' is required" in messages(problems)
    assert art.events == ()


def test_event_status_is_checked():
    _, problems = article("title: T\ndate: 2024-05-19\nevents:\n  - {name: E, status: maybe}")
    [error] = problems.errors
    assert error.line == 5
    assert "status" in error.message


def test_unknown_keys_are_warnings_with_a_hint():
    art, problems = article("""
        title: T
        date: 2024-05-19
        compaines: [Acme]
        facts:
          - {subject: A, property: p, value: 1, unti: x}
    """)
    assert not problems.errors
    assert art is not None
    found = {w.line: w.message for w in problems.warnings}
    assert "unknown key 'compaines'" in found[4]
    assert "did you mean 'companies'?" in found[4]
    assert "did you mean 'unit'?" in found[6]


def test_unknown_key_without_a_close_match_has_no_hint():
    _, problems = article("title: T\ndate: 2024-05-19\nxyzzy: 1")
    [warning] = problems.warnings
    assert "unknown key 'xyzzy'" in warning.message
    assert "did you mean" not in warning.message


# ---------------------------------------------------------------- quotes

BODY = """
The company **said** it had
over   500 *People* on staff, "quoted" words.

- Point one with `code words`
"""


@pytest.mark.parametrize("quote", [
    "over 500 people",
    "OVER 500 PEOPLE",
    "said it had over 500 people",        # emphasis and a line break in the body
    "  it   had\tover 500  ",
    "code words",
    '"quoted" words',
])
def test_quote_found_ignoring_case_space_and_emphasis(quote):
    front = f"title: T\ndate: 2024-05-19\nfacts:\n  - {{subject: A, property: p, value: 1, quote: '{quote}'}}"
    art, problems = article(front, BODY)
    assert not problems.errors
    assert art.facts[0].quote == quote.strip()


@pytest.mark.parametrize("quote", ["over 600 people", "staff, quoted", "Point two"])
def test_quote_not_in_body_is_an_error(quote):
    front = f"title: T\ndate: 2024-05-19\nfacts:\n  - subject: A\n    property: p\n    value: 1\n    quote: {quote}"
    art, problems = article(front, BODY)
    [error] = problems.errors
    assert error.line == 8
    assert "quote not found" in error.message
    assert len(art.facts) == 1   # kept so resolving can still check its subject and value


def test_quote_is_not_matched_against_front_matter():
    front = "title: Secret words\ndate: 2024-05-19\nfacts:\n  - {subject: A, property: p, value: 1, quote: Secret words}"
    _, problems = article(front, "Nothing here.\n")
    assert len(problems.errors) == 1


def test_quote_matches_full_width_forms():
    front = "title: T\ndate: 2024-05-19\nfacts:\n  - {subject: A, property: p, value: 1, quote: Xiaomi 2024}"
    _, problems = article(front, "Ｘｉａｏｍｉ ２０２４ was big.\n")
    assert not problems.errors


# ---------------------------------------------------------------- markdown

def test_raw_html_is_escaped_by_default():
    art, _ = article("title: T\ndate: 2024-05-19", 'Hi <script>alert("x")</script> <b>bold</b>\n')
    assert "<script>" not in art.body.html
    assert "&lt;script&gt;" in art.body.html
    assert "<b>" not in art.body.html


def test_raw_html_passes_when_allowed():
    art, _ = article("title: T\ndate: 2024-05-19", "Hi <b>bold</b>\n\n<div class=\"x\">block</div>\n",
                     allow_html=True)
    assert "<b>bold</b>" in art.body.html
    assert '<div class="x">block</div>' in art.body.html


def test_tables_render():
    art, _ = article("title: T\ndate: 2024-05-19", "| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "<table>" in art.body.html
    assert "<td>2</td>" in art.body.html


def test_footnotes_render():
    art, _ = article("title: T\ndate: 2024-05-19", "A claim.[^1]\n\n[^1]: The footnote text.\n")
    assert 'class="footnote-ref"' in art.body.html
    assert "The footnote text." in art.body.html
    assert "the footnote text." in render_body(make_markdown(False), "A claim.[^1]\n\n[^1]: The footnote text.\n").text


def test_body_text_is_folded():
    body = render_body(make_markdown(False), "# Title\n\nSome  **Bold**\ntext.\n")
    assert body.text == "title some bold text."


def test_fold_text():
    assert fold_text("  Ｘｉａｏｍｉ\n  GROUP ") == "xiaomi group"


def test_markdown_links_are_kept():
    art, _ = article("title: T\ndate: 2024-05-19", "[a link](https://example.com/x)\n")
    assert '<a href="https://example.com/x">a link</a>' in art.body.html


def test_javascript_links_are_not_rendered_as_links():
    art, _ = article("title: T\ndate: 2024-05-19", "[click](javascript:alert(1))\n")
    assert 'href="javascript:' not in art.body.html


# ---------------------------------------------------------------- profiles and properties

def test_profile_fields():
    parsed, problems = parse({"companies/Acme Corp.md": """
        ---
        name: Acme
        aliases: [Acme Inc, ACME]
        parent: Big Group
        facts:
          - {property: founded, value: 2010}
        ---
        About Acme.
    """})
    assert not problems.errors and not problems.warnings
    [profile] = parsed.profiles
    assert profile.kind == "company"
    assert profile.name == Name("Acme", 2)
    assert [a.text for a in profile.aliases] == ["Acme Inc", "ACME"]
    assert profile.slug == "acme-corp"
    assert profile.relations == (("parent company", Name("Big Group", 4)),)
    assert profile.facts[0].subject is None
    assert profile.facts[0].property == "founded"
    assert "About Acme." in profile.body.html


def test_profile_single_alias():
    parsed, _ = parse({"people/x.md": "---\nname: Lei Jun\naliases: 雷军\n---\n"})
    assert [a.text for a in parsed.profiles[0].aliases] == ["雷军"]


def test_site_profile_in_relation():
    parsed, problems = parse({"sites/plant.md": "---\nname: Plant\nin: Town\n---\n"})
    assert parsed.profiles[0].relations == (("located in", Name("Town", 3)),)
    assert not problems.errors


def test_parent_is_not_a_site_key():
    parsed, problems = parse({"sites/plant.md": "---\nname: Plant\nparent: Town\n---\n"})
    assert parsed.profiles[0].relations == ()
    assert any("unknown key 'parent'" in w.message for w in problems.warnings)


def test_event_profile_fields():
    parsed, problems = parse({"events/launch.md": """
        ---
        name: Launch
        date: 2024-05
        status: Planned
        type: opening
        companies: [Acme]
        sites: Plant
        ---
    """})
    assert not problems.errors
    event = parsed.profiles[0].event
    assert event.date == PartialDate(2024, 5)
    assert event.status == "planned"
    assert event.type == "opening"
    assert [n.text for n in event.sites] == ["Plant"]


def test_profile_without_name_is_an_error():
    parsed, problems = parse({"companies/acme.md": "---\naliases: [A]\n---\n"})
    assert "'name' is required" in messages(problems)


def test_properties_yaml():
    parsed, problems = parse({"properties.yaml": """
        annual capacity: {type: quantity, unit: vehicles, single: true, label: Capacity, order: 3}
        founded: date
        x: {type: Quantity, unnit: y}
    """})
    assert not problems.errors
    specs = {spec.key: spec for spec in parsed.properties}
    capacity = specs["annual capacity"]
    assert (capacity.type, capacity.unit, capacity.single, capacity.label, capacity.order) == \
        ("quantity", "vehicles", True, "Capacity", 3)
    assert specs["founded"].type == "date"
    assert not specs["founded"].single
    assert specs["x"].type == "quantity"
    assert any("did you mean 'unit'?" in w.message for w in problems.warnings)


@pytest.mark.parametrize("text, words", [
    ("a: {type: number}", "must be one of"),
    ("a: {single: yes}", "true or false"),
    ("a: {order: first}", "whole number"),
    ("a: colour", "type must be one of"),
    ("a: [1, 2]", "must be a mapping"),
    ("A: date\na : text", "declared twice"),
])
def test_bad_properties(text, words):
    _, problems = parse({"properties.yaml": text})
    assert any(words in m for m in messages(problems)), messages(problems)


def test_one_bad_file_does_not_hide_others():
    parsed, problems = parse({
        "articles/bad.md": "no front matter\n",
        "articles/good.md": "---\ntitle: Good\ndate: 2024-05-19\n---\nBody\n",
    })
    assert [a.title for a in parsed.articles] == ["Good"]
    [error] = problems.errors
    assert error.path == "content/articles/bad.md"


# ---------------------------------------------------------------- blank values of required fields

BLANK_CASES = [
    ("article title", "articles/a.md", "title: ''\ndate: 2024-05-19", 2),
    ("article date", "articles/a.md", "title: T\ndate: ''", 3),
    ("fact subject", "articles/a.md", "title: T\ndate: 2024-05-19\nfacts:\n  - subject: '  '\n    property: p\n    value: 1", 5),
    ("fact property", "articles/a.md", "title: T\ndate: 2024-05-19\nfacts:\n  - subject: A\n    property: \"\"\n    value: 1", 6),
    ("fact value", "articles/a.md", "title: T\ndate: 2024-05-19\nfacts:\n  - subject: A\n    property: p\n    value: ''", 7),
    ("event name", "articles/a.md", "title: T\ndate: 2024-05-19\nevents:\n  - name: ''\n    date: 2024", 5),
    ("profile name", "companies/acme.md", "name: ''", 2),
]


@pytest.mark.parametrize("what, rel, front, line", [
    pytest.param(*case, id=case[0])
    for case in BLANK_CASES])
def test_blank_quoted_required_field_is_an_error(what, rel, front, line):
    _, problems = parse({rel: "---\n" + front + "\n---\nBody.\n"})
    assert [(e.line, "empty" in e.message) for e in problems.errors] == [(line, True)], what


@pytest.mark.parametrize("front, line", [
    ("title:\ndate: 2024-05-19", 2),
    ("title: T\ndate: ~", 3),
    ("title: T\ndate: 2024-05-19\nfacts:\n  - {subject: null, property: p, value: 1}", 5),
])
def test_null_required_field_is_an_empty_error(front, line):
    _, problems = parse({"articles/a.md": "---\n" + front + "\n---\nBody.\n"})
    [error] = problems.errors
    assert error.line == line
    assert "is empty" in error.message


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 70_000])
def test_a_content_file_is_read_whole_whatever_its_size(tmp_path, size):
    path = tmp_path / "article.md"
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    path.write_bytes(data)
    assert sources._file_bytes(str(path)) == data


def test_no_more_of_a_content_file_is_read_than_tells_it_is_too_big(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 100_000)
    path = tmp_path / "huge.md"
    path.write_bytes(b"y" * 300_000)
    assert sources._file_bytes(str(path)) == b"y" * 100_001
    path.write_bytes(b"y" * 100_000)
    assert sources._file_bytes(str(path)) == b"y" * 100_000   # just small enough


def test_a_content_file_that_grows_while_it_is_read_is_read_to_its_end(tmp_path, monkeypatch):
    path = tmp_path / "article.md"
    path.write_bytes(b"a" * 10)
    stat = os.fstat

    def grown(descriptor):   # the size is taken, then the file grows before it is read
        found = stat(descriptor)
        with path.open("ab") as more:
            more.write(b"b" * 200_000)
        return found
    monkeypatch.setattr(sources.os, "fstat", grown)
    assert sources._file_bytes(str(path)) == b"a" * 10 + b"b" * 200_000
