"""Property-based tests: whatever the front matter or properties.yaml holds, the build either
succeeds or fails with located errors (path, line >= 1, message) -- never any other exception."""

from __future__ import annotations

import json
import random
import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from conftest import write_files
from generator.build import BuildOptions, BuildResult, build_site
from generator.errors import BuildFailed, ContentError

# CI replays the same examples every run (a red build must mean a real change); locally
# hypothesis explores anew each time. FUZZ_EXAMPLES=5000 runs a longer search.
FUZZ_SETTINGS = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "200")), deadline=None,
                         derandomize=bool(os.environ.get("CI")), database=None,
                         suppress_health_check=[HealthCheck.function_scoped_fixture])

BASE_SITE = {
    "companies/acme.md": """
        ---
        name: Acme
        aliases: [Acme Inc, ACME Group]
        facts:
          - {property: founded, value: 2010}
        ---
        Acme makes vans.
    """,
    "sites/rivertown.md": """
        ---
        name: Rivertown
        ---
        A town.
    """,
    "people/jane-roe.md": """
        ---
        name: Jane Roe
        ---
    """,
    "events/acme-day.md": """
        ---
        name: Acme Day
        date: 2023-05
        type: conference
        companies: [Acme]
        ---
    """,
    "articles/base.md": """
        ---
        title: Acme opens a plant
        date: 2024-05-19
        tags: [vans, manufacturing]
        companies: [Acme]
        sites: [Rivertown]
        people: [Jane Roe]
        events:
          - {name: Plant opening, date: 2024-05-19, type: opening, companies: [Acme], sites: [Rivertown]}
          - Acme Day
        facts:
          - {subject: Acme, property: annual capacity, value: 300000, unit: vans, quote: 300,000 vans}
          - {subject: Acme, property: team size, value: over 500, unit: people}
          - {subject: Rivertown, property: GDP, value: 193.48 billion, unit: CNY, period: 2021-01/2021-09}
          - {subject: Acme, property: headquarters, value: Rivertown}
        ---
        Acme will build 300,000 vans a year in Rivertown.
    """,
    "properties.yaml": """
        annual capacity: {type: quantity, unit: vans, single: true}
        team size: {type: quantity, unit: people, single: true}
        headquarters: {type: entity, single: true}
        founded: {type: date, single: true}
    """,
}

# ---------------------------------------------------------------- strategies

NAMES = ["Acme", "acme inc", "ACME", "Acme Group", "Rivertown", "Jane Roe", "Acme Day", "Plant opening",
         "New Co", "Nobody", "小米集团", "Ｘｉａｏｍｉ", "!!!", "Acme Day  ", "R&D Co"]
PROPERTIES = ["annual capacity", "team size", "headquarters", "founded", "GDP", "motto", "Team Size",
              "date", "status", "type", "participant", "place", "located in", "parent company", "summary"]
VALUES = ["300000", "300,000", "over 500", "more than 95%", "~10", "193.48 billion", "2024", "2024-05",
          "2024-05-19", "2024-13", "2023-02-29", "Rivertown", "Acme", "Nobody", "soon", "0x1F", "1e3", ".inf",
          "1:20", "no", "yes", "on", "off", "null", "~", "", "-5", "12.50", "1,2345"]
DATES = ["2024", "2024-05", "2024-05-19", "2024-13", "2024-02-30", "24", "May 2024", "0000", "9999-12-31", ""]
PERIODS = ["2021-01/2021-09", "2021-09/2021-01", "2021/2022", "2021-01", "2021-01/2021-09/2022", "/", ""]
WEIRD = ["---", "...", "- ", ": ", ":", "\t", "'", '"', "&a ", "*a", "!!str ", "!x ", "<<: ", "? ", "|", ">",
         "#", "%", "@", "`", "{", "}", "[", "]", ",", "\\", "\u00a0", "\u200b", "\ufeff", "\u2028", "é", "小",
         "\U0001f600", "\x00", "\r", "\n", "  ", "\n  - ", "\n---\n", "\n...\n"]
ARTICLE_KEYS = ["title", "date", "slug", "summary", "source", "tags", "companies", "sites", "people", "events",
                "facts", "tittle", "fact", "Date", "", "<<", "1", "null"]

printable = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Cn")), max_size=20)
rare_text = st.one_of(printable, printable, printable, printable, printable, printable, st.text(max_size=8))


def mostly(good, bad):
    """Usually (four times in five) something that makes sense, sometimes not."""
    return st.integers(0, 4).flatmap(lambda n: bad if n == 4 else good)


names = mostly(st.sampled_from(NAMES[:8]), st.sampled_from(NAMES) | printable)
texts = st.one_of(st.sampled_from(VALUES + NAMES + DATES + PERIODS), st.sampled_from(VALUES + NAMES),
                  st.sampled_from(VALUES + NAMES), printable, st.sampled_from(WEIRD))
scalars = texts | st.integers(-10**12, 10**12).map(str) | st.floats(allow_nan=True).map(repr)
good_dates = st.sampled_from(["2024-05-19", "2021-11-27", "2023-01-01"])


def trees(keys=st.sampled_from(ARTICLE_KEYS + ["name", "value", "unit", "x"]) | rare_text):
    return st.recursive(scalars, lambda children: st.lists(children, max_size=4) |
                        st.dictionaries(keys, children, max_size=4), max_leaves=12)


facts = st.fixed_dictionaries(
    {"subject": names, "property": mostly(st.sampled_from(PROPERTIES), printable),
     "value": mostly(st.sampled_from(VALUES[:13]), st.sampled_from(VALUES) | scalars)},
    optional={"unit": st.sampled_from(["vans", "CNY", "%", "", "people"]),
              "status": mostly(st.sampled_from(["actual", "planned", "estimate", "Planned"]),
                               st.sampled_from(["rumour", "", "happened"])),
              "as_of": mostly(st.sampled_from(DATES[:3]), st.sampled_from(DATES)),
              "period": mostly(st.sampled_from(PERIODS[:3]), st.sampled_from(PERIODS)),
              "quote": mostly(st.sampled_from(["300,000 vans", "ACME will"]), st.sampled_from(["not there", ""])),
              "extra": trees()})
events = mostly(st.sampled_from(NAMES[:8]), names) | st.fixed_dictionaries(
    {"name": names},
    optional={"date": mostly(st.sampled_from(DATES[:3]), st.sampled_from(DATES)), "type": texts,
              "status": mostly(st.sampled_from(["planned", "happened", "cancelled"]), st.sampled_from(["maybe", ""])),
              "companies": st.lists(names, max_size=3) | names, "sites": st.lists(names, max_size=3),
              "people": st.lists(names, max_size=2), "summary": texts, "oops": trees()})
articles = st.fixed_dictionaries(
    {"title": mostly(st.sampled_from(["Acme news", "A story"]), texts),
     "date": mostly(good_dates, st.sampled_from(DATES) | texts)},
    optional={"slug": st.sampled_from(["base", "fuzz", "Fuzz Story", "", "a/b", "ok-slug"]) | texts,
              "summary": texts,
              "source": texts | st.fixed_dictionaries({}, optional={
                  "name": texts, "author": texts,
                  "url": st.sampled_from(["https://example.com/x", "javascript:alert(1)", "//x", "http://", "rel/path"])}),
              "tags": st.lists(texts, max_size=3) | texts,
              "companies": mostly(st.lists(names, max_size=4), names | trees()),
              "sites": st.lists(names, max_size=3), "people": st.lists(names, max_size=3),
              "events": mostly(st.lists(events, max_size=3), trees()),
              "facts": mostly(st.lists(facts, min_size=1, max_size=5), trees()),
              "tittle": texts})
front_matters = st.integers(0, 9).flatmap(lambda n: trees() if n == 9 else articles)


_PLAIN = re.compile(r"[A-Za-z0-9\u00c0-\u2000\u3000-\ufdff][A-Za-z0-9\u00c0-\u2000\u3000-\ufdff .%~&()/+-]*")


def yaml_printable(char: str) -> bool:
    """Characters YAML accepts in a stream as they are."""
    code = ord(char)
    return char in "\t\n" or 0x20 <= code <= 0x7E or code == 0x85 or 0xA0 <= code <= 0xD7FF \
        or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


def double_quoted(text: str) -> str:
    """A YAML double-quoted scalar that reads back as `text`, escaping what must be escaped."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif not yaml_printable(char) or char in "\x85\u2028\u2029\ufeff":
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def render_scalar(text: str, rng: random.Random) -> str:
    """A scalar: usually written so that YAML reads it back as `text`, sometimes raw or mis-quoted."""
    roll = rng.random()
    if roll < 0.97:
        if _PLAIN.fullmatch(text) and not text.endswith(" ") and rng.random() < 0.7:
            return text
        if all(yaml_printable(c) and c not in "\n\x85\u2028\u2029\ufeff" for c in text) and rng.random() < 0.3:
            return "'" + text.replace("'", "''") + "'"
        return double_quoted(text)
    if roll < 0.985:
        return rng.choice(["'", '"']) + text   # unterminated
    return text


def render_flow(node, rng: random.Random) -> str:
    """A tree in flow style on one line."""
    if isinstance(node, dict):
        return "{" + ", ".join(f"{render_scalar(str(k), rng)}: {render_flow(v, rng)}" for k, v in node.items()) + "}"
    if isinstance(node, list):
        return "[" + ", ".join(render_flow(v, rng) for v in node) + "]"
    return render_scalar(str(node), rng)


def render(node, rng: random.Random, indent: int = 0) -> list[str]:
    """YAML-ish lines for a tree, mixing block and flow styles (not always valid YAML)."""
    pad = " " * indent
    if isinstance(node, (dict, list)) and (not node or rng.random() < 0.2):
        return [pad + render_flow(node, rng)]
    if isinstance(node, dict):
        lines = []
        for key, value in node.items():
            key_text = render_scalar(str(key), rng)
            if isinstance(value, (dict, list)) and value and rng.random() < 0.8:
                lines.append(f"{pad}{key_text}:")
                lines += render(value, rng, indent + rng.choice([2, 2, 2, 2, 4, 1, 0]))
            else:
                lines.append(f"{pad}{key_text}: {render_flow(value, rng)}")
        return lines
    if isinstance(node, list):
        lines = []
        for item in node:
            sub = render(item, rng, indent + 2)
            lines.append(f"{pad}- {sub[0].strip()}")
            lines += sub[1:]
        return lines
    return [pad + render_scalar(str(node), rng)]


@st.composite
def mangled(draw, trees_strategy):
    """A document: rendered YAML-ish front matter between fences, then mangled a little."""
    rng = draw(st.randoms(use_true_random=False))
    lines = render(draw(trees_strategy), rng)
    body = draw(st.sampled_from(["Acme will build 300,000 vans. ACME will grow.\n", "", "Rivertown.\n",
                                 "<script>x</script> *em* [^1]\n\n[^1]: note\n"]) | rare_text)
    text = "---\n" + "\n".join(lines) + "\n---\n" + body
    for _ in range(draw(st.sampled_from([0, 0, 0, 0, 1, 1, 2, 3]))):
        position = draw(st.integers(0, max(len(text), 1)))
        action = draw(st.sampled_from(["insert", "insert", "delete", "truncate", "tab"]))
        if action == "insert":
            text = text[:position] + draw(st.sampled_from(WEIRD) | rare_text) + text[position:]
        elif action == "delete":
            text = text[:position] + text[position + draw(st.integers(1, 10)):]
        elif action == "truncate":
            text = text[:position]
        else:
            text = text.replace("  ", "\t", 1)
    return text


# ---------------------------------------------------------------- the contract

def build_with(replacements: dict[str, str | bytes]) -> BuildResult | BuildFailed:
    """Build the base site with some files replaced; return the result or the BuildFailed."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        content = root / "content"
        write_files(content, BASE_SITE)
        write_files(content, {rel: data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
                              for rel, data in replacements.items()})   # as bytes: exactly as generated
        options = BuildOptions(content=content, output=root / "out", config=root / "site.yaml", write=True)
        try:
            result = build_site(options)
        except BuildFailed as failed:
            return failed
        assert (root / "out" / "index.html").is_file()
        return result


def note(label: str) -> None:
    """Count an outcome for --hypothesis-show-statistics (outside a @given test there is nothing to count)."""
    try:
        event(label)
    except InvalidArgument:
        pass


def assert_located(problem: ContentError) -> None:
    assert isinstance(problem, ContentError)
    assert isinstance(problem.path, str) and problem.path.strip(), problem
    assert isinstance(problem.line, int) and problem.line >= 1, problem
    assert isinstance(problem.message, str) and problem.message.strip(), problem


_BASE_FACTS: list[int] = []


def base_fact_count() -> int:
    if not _BASE_FACTS:
        _BASE_FACTS.append(build_with({}).facts)
    return _BASE_FACTS[0]


def check_contract(outcome) -> None:
    if isinstance(outcome, BuildFailed):
        assert outcome.errors, "BuildFailed without errors"
        note(f"failed: {outcome.errors[0].message[:25]}")
        for problem in (*outcome.errors, *outcome.warnings):
            assert_located(problem)
    else:
        assert isinstance(outcome, BuildResult)
        note(f"built with {'more than' if outcome.facts > base_fact_count() else 'the base'} facts")
        for problem in outcome.warnings:
            assert_located(problem)


def test_base_site_builds():
    outcome = build_with({})
    assert isinstance(outcome, BuildResult), [str(e) for e in getattr(outcome, "errors", [])]
    assert outcome.articles == 1


def build_article(text: str):
    return build_with({"articles/fuzz.md": text})


@FUZZ_SETTINGS
@given(text=mangled(front_matters))
def test_fuzzed_article_front_matter(text):
    check_contract(build_article(text))


@FUZZ_SETTINGS
@given(start=st.sampled_from(["", "---\n", "---\ntitle: x\ndate: 2024-05-19\n"]), text=st.text(max_size=300))
def test_arbitrary_article_text(start, text):
    check_contract(build_article(start + text))


@FUZZ_SETTINGS
@given(data=st.binary(max_size=200))
def test_arbitrary_article_bytes(data):
    check_contract(build_article(b"---\ntitle: x\ndate: 2024-05-19\n" + data))


@FUZZ_SETTINGS
@given(text=mangled(front_matters))
def test_fuzzed_profile_front_matter(text):
    check_contract(build_with({"companies/fuzz.md": text.replace("title", "name")}))


good_facts = st.fixed_dictionaries(   # few subjects and properties, so that facts meet on one sheet
    {"subject": st.sampled_from(["Acme", "Rivertown"]) | st.sampled_from(NAMES[:8]),
     "property": st.sampled_from(["GDP", "annual capacity", "motto"]) | st.sampled_from(PROPERTIES),
     "value": st.sampled_from(VALUES[:13] + ["Jane Roe", "Plant opening", "2021", "5"])},
    optional={"unit": st.sampled_from(["vans", "CNY", "%", "people"]),
              "status": st.sampled_from(["actual", "planned", "estimate"]),
              "as_of": st.sampled_from(["2024", "2024-05", "2024-05-19", "2021-11-27"]),
              "period": st.sampled_from(["2021-01/2021-09", "2021/2022", "2024-05/2024-05"]),
              "quote": st.sampled_from(["300,000 vans", "ACME will"])})
good_events = st.sampled_from(["Acme Day", "Plant opening", "Launch"]) | st.fixed_dictionaries(
    {"name": st.sampled_from(["Acme Day", "Plant opening", "Launch", "acme day"])},
    optional={"date": st.sampled_from(["2023", "2023-05", "2023-05-19", "2024-05-19"]),
              "type": st.sampled_from(["opening", "conference"]),
              "status": st.sampled_from(["planned", "happened", "cancelled"]),
              "companies": st.lists(st.sampled_from(NAMES[:4]), max_size=2),
              "sites": st.lists(st.sampled_from(["Rivertown", "Plant"]), max_size=2),
              "people": st.lists(st.sampled_from(["Jane Roe", "John Doe"]), max_size=1),
              "summary": st.sampled_from(["It happens.", "Again."])})
good_articles = st.fixed_dictionaries(
    {"title": st.sampled_from(["Acme news", "More news"]), "date": good_dates},
    optional={"tags": st.lists(st.sampled_from(["vans", "Vans", "EVs", "e-vs"]), max_size=3),
              "companies": st.lists(st.sampled_from(NAMES[:4] + ["New Co"]), max_size=3),
              "sites": st.lists(st.sampled_from(["Rivertown", "Plant"]), max_size=2),
              "people": st.lists(st.sampled_from(["Jane Roe", "John Doe"]), max_size=2),
              "events": st.lists(good_events, max_size=3),
              "facts": st.lists(good_facts, max_size=6)})


@FUZZ_SETTINGS
@given(fronts=st.lists(good_articles, min_size=1, max_size=3))
def test_fuzzed_well_formed_articles(fronts):
    """Valid YAML with sensible keys in random combinations: facts, events and conflicts reach the pages."""
    files = {f"articles/fuzz-{i}.md": "---\n" + "\n".join(f"{key}: {json.dumps(value)}" for key, value in front.items())
             + "\n---\nAcme will build 300,000 vans. ACME will grow.\n" for i, front in enumerate(fronts)}
    check_contract(build_with(files))


spec_values = st.fixed_dictionaries(
    {}, optional={"type": st.sampled_from(["quantity", "text", "date", "entity", "Quantity", "number", ""]) | texts,
                  "unit": texts, "single": st.sampled_from(["true", "false", "yes", "no", "True", ""]) | texts,
                  "label": texts, "order": st.sampled_from(["1", "-5", "10000", "first", "1.5", ""]) | texts,
                  "extra": trees()})
property_files = st.dictionaries(st.sampled_from(PROPERTIES) | rare_text,
                                 spec_values | st.sampled_from(["date", "quantity", "text", "entity", "colour"]) |
                                 trees(), max_size=6) | trees()


@st.composite
def mangled_properties(draw):
    text = draw(mangled(property_files))
    return text.split("\n---\n", 1)[0].removeprefix("---\n")   # properties.yaml has no fences


@FUZZ_SETTINGS
@given(text=mangled_properties())
def test_fuzzed_properties_yaml(text):
    check_contract(build_with({"properties.yaml": text}))


@FUZZ_SETTINGS
@given(text=st.text(max_size=200))
def test_arbitrary_properties_yaml(text):
    check_contract(build_with({"properties.yaml": text}))


# ---------------------------------------------------------------- examples that broke the contract

EVENT_FACT = """---
title: A launch
date: 2024-05-19
companies: [Acme]
events:
  - {{name: Launch, date: 2024}}
facts:
  - {{subject: Launch, property: {prop}, value: {value}}}
---
Acme launches.
"""


@pytest.mark.parametrize("subject", ["''", '""', "'   '"])
def test_blank_quoted_fact_subject(subject):
    """Found by test_fuzzed_article_front_matter."""
    article = EVENT_FACT.format(prop="GDP", value="5").replace("subject: Launch", f"subject: {subject}")
    check_contract(build_with({"articles/fuzz.md": article}))


def test_non_single_property_with_and_without_period_builds():
    """Found by test_fuzzed_well_formed_articles: sorting a Period against () raised TypeError."""
    article = EVENT_FACT.format(prop="GDP", value="300000").replace(
        "facts:\n", "facts:\n  - {subject: Rivertown, property: GDP, value: 5, period: 2021-01/2021-09}\n"
        "  - {subject: Rivertown, property: GDP, value: 6}\n")
    outcome = build_with({"articles/fuzz.md": article})
    assert isinstance(outcome, BuildResult)


@pytest.mark.parametrize("props, prop, value", [
    pytest.param("date: {type: text}", "date", "soon"),
    pytest.param("date: {type: entity}", "date", "Acme"),
    pytest.param("status: {type: quantity}", "status", "5"),
    pytest.param("type: {type: entity}", "type", "Acme"),
    ("date: {type: date}", "date", "2024-05"),
    ("status: {type: text}", "status", "planned"),
])
def test_event_fact_with_retyped_builtin_property(props, prop, value):
    """A fact about an event may use the built-in property names; properties.yaml may declare them.
    Either the build refuses the declaration or value with a located error, or it builds."""
    outcome = build_with({"properties.yaml": props + "\n", "articles/fuzz.md": EVENT_FACT.format(prop=prop, value=value)})
    check_contract(outcome)
