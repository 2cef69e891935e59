"""Publishing: feeds, sitemap, canonical links, JSON-LD, data exports, search files, base_url and pretty URLs."""

from __future__ import annotations

import csv
import dataclasses
import gzip
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from collections import Counter
from decimal import Decimal
from pathlib import Path

import feedparser
import pytest

from conftest import FIXTURES, ROOT, build_quietly, snapshot, soup, write_files
from generator import pagefindrun, search, searchjob, searchparts
from generator.config import SiteConfig
from generator.rowformat import COLUMNS, defuse
from generator.markdown import make_markdown
from generator.model import DateValue, EntityValue, TextValue
from generator.parse import parse_sources
from generator.quantities import Quantity
from generator.resolve import resolve_graph
from generator.searchdocs import search_documents
from generator.sources import read_sources
from generator.write import Staged, Stager

BASE_URL = "https://example.org/factsheet/"      # the demo's site.yaml
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SITE = FIXTURES / "site"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo content built with the repository's site.yaml (which sets base_url)."""
    return build_quietly(ROOT, tmp_path_factory.mktemp("demo") / "output")


@pytest.fixture(scope="module")
def graph():
    """The demo's resolved graph, to compare the exports with."""
    sources, _, _ = read_sources(ROOT / "content")
    parsed, _, _ = parse_sources(sources, make_markdown(False))
    resolved, problems = resolve_graph(parsed)
    assert not problems.errors
    return resolved


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    """The fixture site, whose site.yaml has no base_url."""
    return build_quietly(SITE, tmp_path_factory.mktemp("plain") / "output")


def html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def page_folder(out: Path, page: Path) -> str:
    """`companies/xiaomi/` for companies/xiaomi/index.html; '' for the home page."""
    rel = page.relative_to(out).as_posix()
    return rel[:-len("index.html")] if rel.endswith("index.html") else rel


def jsonld(page: Path) -> dict:
    scripts = soup(page).find_all("script", type="application/ld+json")
    assert len(scripts) == 1, page
    return json.loads(scripts[0].string)


def resolve(page: Path, href: str) -> Path:
    return (page.parent / href).resolve()


# ---------------------------------------------------------------- feeds

def test_every_feed_is_valid_atom_with_ids_and_newest_article_as_updated(demo):
    feeds = sorted(demo.rglob("feed.xml"))
    assert demo / "feed.xml" in feeds and demo / "companies/xiaomi-auto/feed.xml" in feeds
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.version == "atom10"
        root = ET.parse(path).getroot()
        assert root.tag == f"{ATOM}feed"
        for required in ("id", "title", "updated", "author"):
            assert root.find(f"{ATOM}{required}") is not None, (path, required)
        entries = root.findall(f"{ATOM}entry")
        assert entries, path
        ids = [e.find(f"{ATOM}id").text for e in entries]
        assert len(set(ids)) == len(ids) and all(i.startswith(BASE_URL + "articles/") for i in ids)
        updated = [e.find(f"{ATOM}updated").text for e in entries]
        assert root.find(f"{ATOM}updated").text == max(updated)
        assert updated == sorted(updated, reverse=True)
        assert all(e.find(f"{ATOM}link[@rel='alternate']").get("href") == e.find(f"{ATOM}id").text for e in entries)
        self_link = root.find(f"{ATOM}link[@rel='self']").get("href")
        assert self_link == BASE_URL + path.relative_to(demo).as_posix()


def test_site_feed_has_every_article_and_an_entity_feed_the_articles_that_mention_it(demo):
    site = feedparser.parse((demo / "feed.xml").read_bytes())
    listed = [a.get_text() for a in soup(demo / "articles/index.html").select("ol.articles > li > a")]
    assert [e.title for e in site.entries] == listed
    for sheet in ("companies/xiaomi-auto/", "people/lei-jun/", "sites/optics-valley/"):
        page = soup(demo / sheet / "index.html")
        mentioned = [a.get_text() for a in page.find(id="articles").select("ol.articles > li > a")]
        feed = feedparser.parse((demo / sheet / "feed.xml").read_bytes())
        assert [e.title for e in feed.entries] == mentioned
        assert feed.feed.link == BASE_URL + sheet


def test_pages_link_their_feeds_with_rel_alternate(demo):
    for page_path in html_pages(demo):
        page = soup(page_path)
        if page_path == demo / "404.html":
            assert page.find("link", type="application/atom+xml")["href"] == "/factsheet/feed.xml"
            continue
        feeds = [link["href"] for link in page.find_all("link", rel="alternate", type="application/atom+xml")]
        assert resolve(page_path, feeds[0]) == (demo / "feed.xml").resolve(), page_path
        folder = page_folder(demo, page_path)
        if folder.count("/") == 2 and not folder.startswith(("articles/", "tags/")):
            own = demo / folder / "feed.xml"
            assert own.is_file() and [resolve(page_path, f) for f in feeds[1:]] == [own.resolve()], page_path
            follow = page.find(class_="follow").find("a", type="application/atom+xml")
            assert resolve(page_path, follow["href"]) == own.resolve()


# ---------------------------------------------------------------- sitemap, robots, canonical

def test_sitemap_lists_every_page_and_robots_points_to_it(demo):
    locs = [loc.text for loc in ET.parse(demo / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")]
    pages = {BASE_URL + page_folder(demo, p) for p in html_pages(demo)} - {BASE_URL + "404.html", BASE_URL + "search/"}
    assert len(locs) == len(set(locs)) and set(locs) == pages
    assert len(pages) > 60
    assert f"Sitemap: {BASE_URL}sitemap.xml" in (demo / "robots.txt").read_text().splitlines()


def test_canonical_link_is_base_url_and_page_folder(demo):
    for page_path in html_pages(demo):
        canonical = soup(page_path).find("link", rel="canonical")
        folder = page_folder(demo, page_path)
        if folder in ("404.html", "search/"):
            assert canonical is None
        else:
            assert canonical["href"] == BASE_URL + folder, page_path


def test_without_base_url_a_warning_and_no_absolute_urls(plain, tmp_path, run_cli):
    run = run_cli("--content", SITE / "content", "--output", tmp_path / "out", "--config", SITE / "site.yaml")
    assert run.status == 0
    warnings = [line for line in run.err.splitlines() if "no base_url" in line]
    assert warnings == [f"{SITE / 'site.yaml'}:1: warning: no base_url: sitemap.xml, canonical links and absolute "
                        "URLs in feeds and structured data are left out; set base_url to the published address, "
                        "e.g. https://example.org/factsheet/"]
    assert not (plain / "sitemap.xml").exists()
    assert "Sitemap" not in (plain / "robots.txt").read_text()
    assert soup(plain / "companies/acme/index.html").find("link", rel="canonical") is None
    assert "url" not in jsonld(plain / "companies/acme/index.html")
    feed = feedparser.parse((plain / "companies/acme/feed.xml").read_bytes())
    assert not feed.bozo and feed.feed.id == "urn:factsheet:companies/acme/"
    assert {e.id for e in feed.entries} == {f"urn:factsheet:articles/{s}/" for s in
                                            ("plant-deal", "plant-update", "acme-founded")}


def test_feed_links_without_base_url_are_relative_to_the_feed(plain):
    root = ET.parse(plain / "companies/acme/feed.xml").getroot()
    for link in root.iter(f"{ATOM}link"):
        href = link.get("href")
        assert not href.startswith(("/", "http")), href
        assert resolve(plain / "companies/acme/feed.xml", href).is_file(), href


def test_base_url_with_a_path_and_no_slash(tmp_path, run_cli):
    config = write_files(tmp_path, {"site.yaml": "title: Repo\nbase_url: https://x.github.io/repo\n"}) / "site.yaml"
    out = tmp_path / "out"
    assert run_cli("--content", SITE / "content", "--output", out, "--config", config, "-q").status == 0
    locs = [loc.text for loc in ET.parse(out / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")]
    assert "https://x.github.io/repo/companies/acme/" in locs and all(
        loc.startswith("https://x.github.io/repo/") for loc in locs)
    links = [a["href"] for a in soup(out / "404.html").find_all("a", href=True) if a["href"] != "#main"]
    assert "/repo/companies/index.html" in links and all(href.startswith("/repo/") for href in links)
    assert soup(out / "404.html").find("link", rel="stylesheet")["href"] == "/repo/static/style.css"


@pytest.mark.parametrize("value, message", [
    ("/repo/", "'base_url' must be an absolute http(s) URL such as https://example.org/; got '/repo/'"),
    ("https://x.org/?a=1", "'base_url' must not have a ?query or #fragment; got 'https://x.org/?a=1'"),
])
def test_unusable_base_url_is_an_error_in_site_yaml(tmp_path, run_cli, value, message):
    config = write_files(tmp_path, {"site.yaml": f"title: T\nbase_url: '{value}'\n"}) / "site.yaml"
    run = run_cli("--content", SITE / "content", "--output", tmp_path / "out", "--config", config, "-q")
    assert run.status == 1 and f"{config}:2: {message}" in run.err.splitlines()
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- structured data

EXPECTED_TYPES = {"companies": "Organization", "sites": "Place", "people": "Person", "events": "BusinessEvent",
                  "articles": "NewsArticle"}
REQUIRED = {"Organization": {"name", "url"}, "Place": {"name", "url"}, "Person": {"name", "url"},
            "BusinessEvent": {"name", "url", "startDate"}, "NewsArticle": {"headline", "datePublished", "url"},
            "WebSite": {"name", "url"}, "CollectionPage": {"name", "url"}, "WebPage": {"name"}}


def expected_type(folder: str) -> str:
    parts = folder.rstrip("/").split("/")
    if folder == "":
        return "WebSite"
    if len(parts) == 2 and parts[0] in EXPECTED_TYPES:
        return EXPECTED_TYPES[parts[0]]
    return "WebPage" if folder in ("404.html", "search/") else "CollectionPage"


def test_json_ld_on_every_page_has_the_type_of_its_page(demo):
    seen = Counter()
    for page_path in html_pages(demo):
        data = jsonld(page_path)
        folder = page_folder(demo, page_path)
        assert data["@context"] == "https://schema.org"
        assert data["@type"] == expected_type(folder), page_path
        assert REQUIRED[data["@type"]] <= data.keys(), (page_path, data.keys())
        if "url" in data:
            assert data["url"] == BASE_URL + folder
        seen[data["@type"]] += 1
    assert set(seen) == set(REQUIRED)


def test_json_ld_of_an_article_is_about_and_mentions_what_it_names(demo):
    for page_path in sorted((demo / "articles").glob("*/index.html")):
        data = jsonld(page_path)
        named = {BASE_URL + page_folder(demo, resolve(page_path, a["href"]))
                 for a in soup(page_path).find(id="named").find_all("a")}
        about, mentions = data.get("about", []), data.get("mentions", [])
        assert {n["url"] for n in about} | {n["url"] for n in mentions} == named
        assert not {n["url"] for n in about} & {n["url"] for n in mentions}
        stated = {BASE_URL + page_folder(demo, resolve(page_path, a["href"]))
                  for a in soup(page_path).select("#facts tbody tr td:first-child a")}
        assert stated <= {n["url"] for n in about}
        for node in about + mentions:
            assert node["@type"] == EXPECTED_TYPES[node["url"][len(BASE_URL):].split("/")[0]]


def test_json_ld_of_an_entity_carries_aliases_and_links(demo):
    auto = jsonld(demo / "companies/xiaomi-auto/index.html")
    assert auto["alternateName"] == ["Xiaomi Motors", "Xiaomi EV", "Xiaomi Automobile"]
    assert auto["parentOrganization"][0]["url"] == BASE_URL + "companies/xiaomi/"
    for page_path in sorted((demo / "events").glob("*/index.html")):
        event = jsonld(page_path)
        shown = soup(page_path).find("dl", class_="event-summary").time
        assert event.get("startDate") == (shown["datetime"] if shown else None)


def test_json_ld_cannot_be_broken_out_of(tmp_path, run_cli):
    evil = "Acme </script><script>alert(1)</script> & <!-- deal"
    write_files(tmp_path / "content", {
        "articles/evil.md": f"---\ntitle: '{evil}'\ndate: 2024-01-02\ncompanies: ['{evil}']\n---\nText.\n"})
    out = tmp_path / "out"
    assert run_cli("--content", tmp_path / "content", "--output", out, "-q").status == 0
    company = soup(out / "articles/evil/index.html").find(id="named").a["href"]
    company_page = resolve(out / "articles/evil/index.html", company).relative_to(out.resolve()).as_posix()
    for rel in ("articles/evil/index.html", company_page):
        page = soup(out / rel)
        assert [s.get("type") for s in page.find_all("script")] == ["application/ld+json"], rel
        raw = (out / rel).read_text()
        block = raw.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
        assert "<" not in block and ">" not in block and "&" not in block
        assert evil in (json.loads(block).get("headline"), json.loads(block).get("name"))


# ---------------------------------------------------------------- data exports

def fact_key(graph, fact) -> tuple:
    """A fact as the exports should show it, worked out from the graph itself."""
    value, unit, comparator = fact.value, "", ""
    if isinstance(value, Quantity):
        shown, unit, comparator = value.magnitude.normalize(), value.unit, value.comparator
    elif isinstance(value, EntityValue):
        shown = value.entity_id
    elif isinstance(value, DateValue):
        shown = value.date.iso
    else:
        assert isinstance(value, TextValue)
        shown = value.text
    source = fact.source.key if fact.source.kind == "article" else ""
    return (fact.subject, graph.properties[fact.property].label, shown, unit, comparator,
            fact.as_of.iso if fact.as_of else "", fact.period.iso if fact.period else "", fact.status,
            fact.source.kind, source, fact.quote)


def row_key(row: dict) -> tuple:
    kind = row["value_type"]
    shown = Decimal(row["value"]).normalize() if kind == "quantity" else \
        row["value_id"] if kind == "entity" else row["value"]
    return (row["subject_id"], row["property"], shown, row["unit"], row["comparator"], row["as_of"], row["period"],
            row["status"], row["source_type"], row["source_article"], row["quote"])


def test_csv_and_json_exports_hold_every_fact_exactly_once(demo, graph):
    expected = Counter(fact_key(graph, fact) for fact in graph.facts)
    text = (demo / "data/facts.csv").read_bytes().decode("utf-8")
    assert "\r" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == COLUMNS
    records = json.loads((demo / "data/facts.json").read_text(encoding="utf-8"))
    assert len(rows) == len(records) == len(graph.facts) > 150
    assert Counter(row_key(r) for r in rows) == expected
    assert Counter(row_key(r) for r in records) == expected
    assert [dict(r, conflict=r["conflict"] == "true") for r in rows] == records


@pytest.mark.parametrize("site, conflicts", [("demo", 1), ("plain", 2)])
def test_conflict_flags_match_the_fact_sheets(request, site, conflicts):
    out = request.getfixturevalue(site)
    rows = json.loads((out / "data/facts.json").read_text(encoding="utf-8"))
    flagged = {(r["subject_id"], r["property"]) for r in rows if r["conflict"]}
    shown = set()
    for entity in json.loads((out / "data/entities.json").read_text(encoding="utf-8")):
        page = soup(out / entity["path"] / "index.html")
        for body in page.select("table.facts tbody.has-conflict"):
            shown.add((entity["id"], body.find("th", scope="row").get_text()))
    assert flagged == shown and len(flagged) == conflicts


def test_entities_json_and_per_sheet_facts_json(demo, graph):
    entities = json.loads((demo / "data/entities.json").read_text(encoding="utf-8"))
    assert [e["id"] for e in entities] == list(graph.entities)
    rows = json.loads((demo / "data/facts.json").read_text(encoding="utf-8"))
    for entity in entities:
        page = soup(demo / entity["path"] / "index.html")
        assert page.h1.get_text() == entity["name"]
        aliases = page.find(class_="aliases")
        assert all(alias in aliases.get_text() for alias in entity["aliases"]) if entity["aliases"] else aliases is None
        assert entity["url"] == BASE_URL + entity["path"]
        assert entity["articles"] == len(page.find(id="articles").select("ol.articles > li"))
        own = json.loads((demo / entity["data"]).read_text(encoding="utf-8"))
        assert own["entity"] == entity
        assert own["facts"] == [r for r in rows if r["subject_id"] == entity["id"]]
        assert entity["facts"] == len(own["facts"])
        link = page.find(class_="follow").find("a", type="application/json")
        assert resolve(demo / entity["path"] / "index.html", link["href"]) == (demo / entity["data"]).resolve()


@pytest.mark.parametrize("text, cell", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("-5", "-5"), ("+1.5e3", "+1.5e3"), ("Beijing", "Beijing"), ("a=b", "a=b"), ("", ""),
])
def test_csv_cells_that_would_run_as_formulas_are_defused(text, cell):
    assert defuse(text) == cell


def test_formula_like_text_is_defused_in_csv_and_exact_in_json(tmp_path, run_cli):
    write_files(tmp_path / "content", {"articles/f.md": """\
        ---
        title: Formula
        date: 2024-01-02
        companies: [Acme]
        facts:
          - {subject: Acme, property: motto, value: "=1+1"}
        ---
        Text.
        """})
    out = tmp_path / "out"
    assert run_cli("--content", tmp_path / "content", "--output", out, "-q").status == 0
    row = next(csv.DictReader(io.StringIO((out / "data/facts.csv").read_text(encoding="utf-8"))))
    assert row["value"] == "'=1+1"
    assert json.loads((out / "data/facts.json").read_text(encoding="utf-8"))[0]["value"] == "=1+1"


# ---------------------------------------------------------------- search files, determinism, pretty URLs

def test_search_form_on_every_page_and_an_index_of_sheets_and_articles(demo):
    for page_path in html_pages(demo):
        form = soup(page_path).find("form", role="search")
        assert form is not None and form.find("input", attrs={"name": "q"}) is not None, page_path
        if page_path != demo / "404.html":
            assert resolve(page_path, form["action"]) == (demo / "search/index.html").resolve()
    assert (demo / "pagefind/pagefind.js").is_file() and (demo / "pagefind/pagefind-entry.json").is_file()
    assert list((demo / "pagefind/fragment").iterdir())
    entry = json.loads((demo / "pagefind/pagefind-entry.json").read_text())
    pages = len(list((demo / "articles").glob("*/index.html"))) + len(json.loads(
        (demo / "data/entities.json").read_text(encoding="utf-8")))
    assert sum(language["page_count"] for language in entry["languages"].values()) == pages


def test_search_page_reads_without_javascript_or_index(demo):
    page = soup(demo / "search/index.html")
    browse = {resolve(demo / "search/index.html", a["href"]) for a in page.find(id="browse-title").parent.find_all("a")}
    assert (demo / "companies/index.html").resolve() in browse and (demo / "articles/index.html").resolve() in browse
    assert "JavaScript" in page.find(id="search-status").get_text()


def test_without_the_pagefind_binary_the_site_builds_with_a_warning(tmp_path, run_cli, monkeypatch):
    monkeypatch.setattr(search, "pagefind_binary", lambda: None)
    out = tmp_path / "out"
    run = run_cli("--content", SITE / "content", "--output", out, "--config", SITE / "site.yaml")
    assert run.status == 0
    assert "pagefind:1: warning: search index not built: the pagefind binary is missing" in run.err
    assert not (out / "pagefind").exists() and (out / "search/index.html").is_file()


def test_the_pagefind_binary_is_the_one_pagefind_bin_gives_without_importing_it():
    import subprocess
    script = ("import sys; from generator.pagefindrun import pagefind_binary; found = pagefind_binary(); "
              "print(found, 'pagefind_bin' in sys.modules, 'logging' in sys.modules)")
    found, imported, logging = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                                              check=True).stdout.split()
    from pagefind_bin import get_executable
    assert found == str(get_executable()) and imported == "False" and logging == "False"


def test_the_characters_feeds_leave_out_are_those_xml_forbids():
    from generator.feeds import _NOT_XML

    def allowed(code: int) -> bool:   # XML 1.0's Char production
        return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF
    wrong = [hex(code) for code in range(0x110000) if bool(_NOT_XML.match(chr(code))) == allowed(code)]
    assert wrong == []


def fragments(files: dict[str, bytes]) -> list[dict]:
    """What Pagefind stored for each indexed page (its URL, text and meta), from every part of a bundle."""
    found = []
    for path, data in files.items():
        if path.endswith(".pf_fragment"):
            text = gzip.decompress(data)
            assert text.startswith(b"pagefind_dcd")
            found.append(json.loads(text[len(b"pagefind_dcd"):]))
    return found


def test_search_documents_hold_names_aliases_titles_and_summaries_but_not_bodies_or_facts(graph):
    documents = {path: data.decode() for path, data in search_documents(graph, SiteConfig()).items()}
    assert set(documents) == {f"articles/{slug}/index.html" for slug in graph.articles} | {
        f"{folder}/{e.slug}/index.html" for e in graph.entities.values()
        for folder in [{"company": "companies", "site": "sites", "person": "people", "event": "events"}[e.kind]]}
    sheet = documents["companies/xiaomi-auto/index.html"]
    assert '<h1 data-pagefind-weight="10">Xiaomi Auto</h1>' in sheet
    assert '<span data-pagefind-weight="9">Xiaomi Automobile</span>' in sheet
    assert 'data-pagefind-meta="kind:Company"' in sheet and "Part of Xiaomi Group" in sheet
    article = graph.articles["xiaomi-auto-yizhuang-factory"]
    story = documents["articles/xiaomi-auto-yizhuang-factory/index.html"]
    for text in ("two-phase car plant", "27 November 2021", "Pandaily", "300,000-vehicle-a-year", "Lei Jun",
                 "Beijing E-Town Management Committee", "regional economy"):
        assert text in story, text
    body_text = re.sub(r"<[^>]+>", " ", article.body.html).casefold()
    body_only = [w for w in body_text.split() if w.isalpha() and len(w) > 6 and w not in story.casefold()]
    assert body_only, "the article's body has words the search document leaves out"
    assert "300000" not in story and "annual capacity" not in story.casefold()


def test_an_edit_that_changes_no_searched_text_reuses_the_index(graph):
    config = SiteConfig()
    first, problems = search.search_index(graph, config)
    assert first.key and not problems.warnings
    assert {page["url"] for page in fragments(first.files)} >= {"/companies/xiaomi-auto/index.html"}
    facts = tuple(f._replace(value=Quantity(Decimal(1), "", "1")) if f.property == "annual capacity"
                  else f for f in graph.facts)
    assert facts != graph.facts
    assert search.search_index(dataclasses.replace(graph, facts=facts), config, first)[0] is first
    article = graph.articles["xiaomi-auto-yizhuang-factory"]
    retitled = dataclasses.replace(graph, articles={**graph.articles, article.slug: dataclasses.replace(
        article, title="Xiaomi Auto picks Yizhuang")})
    second, _ = search.search_index(retitled, config, first)
    assert second.key != first.key
    assert "Xiaomi Auto picks Yizhuang" in [page["meta"]["title"] for page in fragments(second.files)]


def test_a_large_index_comes_in_parts_and_an_edit_reindexes_only_its_part(graph, monkeypatch):
    monkeypatch.setattr(search, "PART_SIZE", 20)
    runs = []
    command = pagefindrun.pagefind_command
    monkeypatch.setattr(pagefindrun, "pagefind_command", lambda *args: runs.append(args) or command(*args))
    index, problems = search.search_index(graph, SiteConfig(pretty_urls=True))
    parts = json.loads(index.files["pagefind/factsheet-parts.json"])["parts"]
    assert parts == ["part-1/", "part-2/"] and len(runs) == 3 and not problems.warnings
    for folder in ("", *parts):
        assert f"pagefind/{folder}pagefind.js" in index.files and f"pagefind/{folder}pagefind-entry.json" in index.files
    urls = sorted(page["url"] for page in fragments(index.files))
    assert len(urls) == len(graph.articles) + len(graph.entities) == len(set(urls))
    assert "/companies/xiaomi-auto/" in urls and not [u for u in urls if u.endswith("index.html")]
    article = graph.articles["xiaomi-auto-yizhuang-factory"]
    edited = dataclasses.replace(graph, articles={**graph.articles, article.slug: dataclasses.replace(
        article, summary="A new summary.")})
    again, _ = search.search_index(edited, SiteConfig(pretty_urls=True), index)
    assert len(runs) == 4 and again.key != index.key
    assert len(set(again.parts) & set(index.parts)) == 2


def test_a_failed_build_can_stop_the_search_it_started(graph, monkeypatch, tmp_path):
    slow = [sys.executable, "-c", "import time; time.sleep(30)"]   # stands in for a long Pagefind run
    monkeypatch.setattr(pagefindrun, "pagefind_command", lambda *args: slow)
    monkeypatch.setattr(pagefindrun, "MEMORY_FOLDER", tmp_path / "none")   # scratch folders go to the temporary folder
    monkeypatch.setattr(pagefindrun.tempfile, "tempdir", str(tmp_path))
    started = time.perf_counter()
    job = search.start_search(graph, SiteConfig())
    assert list(tmp_path.glob("factsheet-search-*"))
    job.cancel()
    assert job.result()[0] is search.NO_INDEX and not job.result()[1].warnings
    assert time.perf_counter() - started < 20
    assert not list(tmp_path.glob("factsheet-search-*"))


def test_the_search_thread_only_waits_on_pagefind_and_scratch_folders_are_removed(graph, monkeypatch, tmp_path):
    monkeypatch.setattr(pagefindrun, "MEMORY_FOLDER", tmp_path / "none")   # scratch folders go to the temporary folder
    monkeypatch.setattr(pagefindrun.tempfile, "tempdir", str(tmp_path))
    threads = []
    real_write = pagefindrun.write_documents
    monkeypatch.setattr(pagefindrun, "write_documents",
                        lambda *args: (threads.append(threading.current_thread()), real_write(*args)))
    index, problems = search.search_index(graph, SiteConfig())
    assert index.files and not problems.warnings
    assert threads and all(thread is threading.main_thread() for thread in threads)
    assert not list(tmp_path.glob("factsheet-search-*"))

def test_same_content_gives_identical_bytes_and_a_rebuild_writes_nothing(demo, tmp_path, run_cli):
    again = build_quietly(ROOT, tmp_path / "again")
    first, second = snapshot(demo), snapshot(again)
    assert {k: v[0] for k, v in first.items()} == {k: v[0] for k, v in second.items()}
    assert any(k.startswith("pagefind/") for k in first) and "sitemap.xml" in first
    rebuild = run_cli("--content", ROOT / "content", "--output", again, "--config", ROOT / "site.yaml", "-q")
    assert rebuild.status == 0 and " 0 written," in rebuild.out and " 0 removed" in rebuild.out
    assert snapshot(again) == second


def test_pretty_urls_drop_index_html(tmp_path, run_cli):
    content = tmp_path / "content"
    shutil.copytree(SITE / "content", content)
    config = write_files(tmp_path, {"site.yaml": "title: Pretty\npretty_urls: true\n"}) / "site.yaml"
    out = tmp_path / "out"
    assert run_cli("--content", content, "--output", out, "--config", config, "-q").status == 0
    page = soup(out / "companies/acme/index.html")
    hrefs = [a["href"] for a in page.find_all("a", href=True)]
    assert "../../sites/rivertown/" in hrefs and "../../index.html" not in hrefs
    assert not [h for h in hrefs if h.endswith("index.html")]
    assert page.find("a", class_="site-title")["href"] == "../../"


def test_feeds_stay_well_formed_xml_whatever_the_titles_hold(tmp_path, run_cli):
    write_files(tmp_path / "content", {"articles/odd.md": (
        '---\ntitle: "Acme \\x01 <b>bold</b> & \\u0007 co"\ndate: 2024-01-02\nsummary: "a \\x0b b"\n'
        "companies: [Acme]\n---\nText.\n")})
    out = tmp_path / "out"
    run = run_cli("--content", tmp_path / "content", "--output", out, "-q")
    assert run.status == 0, run.err
    for path in (out / "feed.xml", out / "companies/acme/feed.xml"):
        root = ET.parse(path).getroot()
        entry = root.find(f"{ATOM}entry")
        assert entry.find(f"{ATOM}title").text == "Acme  <b>bold</b> &  co"
        assert entry.find(f"{ATOM}summary").text == "a  b"
        assert not feedparser.parse(path.read_bytes()).bozo


def test_scratch_folders_that_killed_builds_left_are_removed_a_day_later(graph, monkeypatch, tmp_path):
    monkeypatch.setattr(pagefindrun, "MEMORY_FOLDER", tmp_path / "none")   # scratch folders go to the temporary folder
    monkeypatch.setattr(pagefindrun.tempfile, "tempdir", str(tmp_path))
    day_ago = time.time() - pagefindrun.STALE_SECONDS - 60
    old, recent, other = tmp_path / "factsheet-search-old", tmp_path / "factsheet-search-recent", tmp_path / "mine"
    for folder in (old, recent, other):
        (folder / "site").mkdir(parents=True)
    for folder in (old, other):
        os.utime(folder, (day_ago, day_ago))
    index, _ = search.search_index(graph, SiteConfig())
    assert index.files
    assert not old.exists() and recent.exists() and other.exists()


def test_each_part_of_the_index_is_staged_as_soon_as_pagefind_has_made_it(graph, monkeypatch, tmp_path):
    monkeypatch.setattr(search, "PART_SIZE", 20)
    stager = Stager(tmp_path / "out")
    stage = stager.stage
    ended_at_first_stage = []
    job = search.start_search(graph, SiteConfig())
    monkeypatch.setattr(stager, "stage", lambda path, data: (
        ended_at_first_stage or ended_at_first_stage.append(job._runs_ended), stage(path, data))[1])
    index, problems = job.result(stager)
    assert not problems.warnings and len(job._runs) == 3
    assert ended_at_first_stage[0] < 3   # the first part was staged while Pagefind still made another
    staged = job.staged()
    assert set(staged) == set(index.files) - {"pagefind/" + searchparts.PARTS_FILE}
    assert all(isinstance(data, Staged) for data in staged.values())
    for path, data in staged.items():
        assert (stager.folder / path).read_bytes() == index.files[path]


def test_given_the_stager_at_the_start_pagefind_makes_the_bundles_where_they_are_moved_into_place(graph, monkeypatch,
                                                                                                  tmp_path):
    monkeypatch.setattr(search, "PART_SIZE", 20)
    stager = Stager(tmp_path / "out")
    monkeypatch.setattr(stager, "stage", lambda path, data: pytest.fail(f"{path} written again"))
    job = search.start_search(graph, SiteConfig(), stager=stager)
    assert all(Path(run.bundle).is_relative_to(stager.scratch_folder()) for run in job._runs)
    index, problems = job.result(stager)
    assert not problems.warnings and len(job._runs) == 3
    staged = job.staged()
    assert set(staged) == set(index.files) - {"pagefind/" + searchparts.PARTS_FILE}
    for path, data in staged.items():
        assert isinstance(data, Staged) and (stager.folder / path).read_bytes() == index.files[path]
    assert os.listdir(stager.scratch_folder()) == []   # each part's folder went once its files were moved
    assert not [p for p in (stager.folder / "pagefind").rglob("*") if p.name.startswith(pagefindrun.UNUSED)]


@pytest.mark.parametrize("at_start", [False, True], ids=["stager at the end", "stager at the start"])
def test_a_part_pagefind_fails_on_leaves_nothing_staged(graph, monkeypatch, tmp_path, at_start):
    monkeypatch.setattr(search, "PART_SIZE", 20)
    commands = []
    command = pagefindrun.pagefind_command
    failing = [sys.executable, "-c", "import sys; sys.exit(3)"]
    monkeypatch.setattr(pagefindrun, "pagefind_command",
                        lambda *args: commands.append(args) or (failing if len(commands) == 3 else command(*args)))
    stager = Stager(tmp_path / "out")
    job = search.start_search(graph, SiteConfig(), stager=stager if at_start else None)
    index, problems = job.result(stager)
    assert index is search.NO_INDEX and "search index not built" in str(problems.warnings[0])
    assert job.staged() == {}
    assert not [p for p in stager.folder.rglob("*") if p.is_file()]   # the first two parts' files were staged, then removed


def test_pagefind_indexes_the_first_part_while_the_others_documents_are_written(graph, monkeypatch):
    monkeypatch.setattr(search, "PART_SIZE", 20)
    started, running_at_write = threading.Event(), []
    pagefind = search.SearchJob._pagefind
    monkeypatch.setattr(search.SearchJob, "_pagefind", lambda job, command: (started.set(), pagefind(job, command))[1])
    write = pagefindrun.write_documents
    monkeypatch.setattr(pagefindrun, "write_documents",
                        lambda *args: (running_at_write.append(started.wait(10) if running_at_write else started.is_set()),
                                       write(*args))[1])
    job = search.start_search(graph, SiteConfig())
    index, problems = job.result()
    assert index.files and not problems.warnings and len(job._runs) == 3
    assert running_at_write == [False, True, True]   # Pagefind had begun on the first part


def test_pagefind_indexes_two_parts_at_once_and_never_more(graph, monkeypatch):
    monkeypatch.setattr(search, "PART_SIZE", 10)
    lock, running, most, overlapped = threading.Lock(), [0], [0], threading.Event()
    pagefind = search.SearchJob._pagefind

    def counted(job, command):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
            if running[0] == searchjob.RUNS_AT_ONCE:
                overlapped.set()
        overlapped.wait(10)   # each run waits (a while at most) until another runs beside it
        try:
            pagefind(job, command)
        finally:
            with lock:
                running[0] -= 1
    monkeypatch.setattr(search.SearchJob, "_pagefind", counted)
    job = search.start_search(graph, SiteConfig())
    index, problems = job.result()
    assert index.files and not problems.warnings and len(job._runs) >= 4
    assert searchjob.RUNS_AT_ONCE == 2 and most[0] == 2 and overlapped.is_set()
    assert sorted(job._ended_runs) == list(range(len(job._runs)))


def test_the_two_runs_at_once_keep_to_their_own_share_of_the_cores(graph, monkeypatch, tmp_path):
    monkeypatch.setattr(search, "PART_SIZE", 10)
    cores, seen = sorted(os.sched_getaffinity(0)), []
    pagefind, probe = search.SearchJob._pagefind, "import os, sys; print(sorted(os.sched_getaffinity(0)))"

    both = threading.Barrier(2, timeout=10)

    def probed(job, command):   # what a process this thread starts may use
        seen.append((threading.current_thread().name, subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()))
        if len(cores) >= 2 and len(seen) <= 2:
            both.wait()   # each thread's first run waits for the other's: both take a part
        pagefind(job, command)
    monkeypatch.setattr(search.SearchJob, "_pagefind", probed)
    index, problems = search.start_search(graph, SiteConfig()).result()
    assert index.files and not problems.warnings and len(seen) >= 4
    shares = dict(seen)
    if len(cores) < 2:
        assert set(shares.values()) == {str(cores)}
    else:
        assert sorted(shares) == ["factsheet-search-0", "factsheet-search-1"] and len(set(seen)) == 2   # one each
        assert shares["factsheet-search-0"] == str(cores[0::2]) and shares["factsheet-search-1"] == str(cores[1::2])
    assert sorted(os.sched_getaffinity(0)) == cores   # the build's own thread still uses every core


def test_search_documents_are_written_whole_below_the_site_folder(tmp_path):
    site = tmp_path / "site"
    (site / "articles/old").mkdir(parents=True)
    (site / "articles/old/index.html").write_bytes(b"x" * 5000)   # a longer file in the way is replaced whole
    documents = {"articles/old/index.html": b"<h1>Old</h1>", "companies/acme/index.html": "<h1>Acmé</h1>".encode(),
                 "empty/index.html": b"", "people/deep/er/index.html": b"<p>" + b"w " * 100_000 + b"</p>"}
    pagefindrun.write_documents(site, documents)
    assert {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()} == documents


def test_a_runs_scratch_folders_go_each_document_removed_by_name(tmp_path, monkeypatch):
    documents = {"articles/a/index.html": b"a", "companies/x/index.html": b"x", "companies/x/deep/index.html": b"d",
                 "top.html": b"t"}
    run = pagefindrun.ScratchRun.prepare("key", "pagefind/", documents, Path("pagefind"), SiteConfig(),
                                         str(tmp_path), str(tmp_path))
    (run.bundle / "fragment").mkdir(parents=True)
    (run.bundle / "fragment/en_1.pf_fragment").write_bytes(b"left")
    unlinked, unlink = [], os.unlink
    monkeypatch.setattr(pagefindrun.os, "unlink", lambda path, *args, **kwargs: (   # by name, not as a walk does
        "dir_fd" in kwargs or unlinked.append(os.path.relpath(path, os.path.join(run.scratch.name, "site"))),
        unlink(path, *args, **kwargs))[1])
    run.cleanup()
    assert sorted(unlinked) == sorted(documents) and list(tmp_path.iterdir()) == []
    unlinked.clear()
    run.cleanup()   # again: nothing left to do
    assert unlinked == []


def test_a_bundle_is_read_back_whole_in_path_order_without_the_ui_files(tmp_path):
    bundle = tmp_path / "bundle"
    made = {"pagefind.js": b"js", "pagefind-ui.js": b"unused", "fragment/en_1.pf_fragment": b"\x00\x01",
            "fragment-entry.json": b"{}", "index/deep/en_2.pf_index": b"i" * 100_000, "wasm.en.pagefind": b"",
            "filter/en_3.pf_filter": b"f", "filter/pagefind-ui.css": b"unused"}
    for rel, data in made.items():
        (bundle / rel).parent.mkdir(parents=True, exist_ok=True)
        (bundle / rel).write_bytes(data)
    with tempfile.TemporaryDirectory() as scratch:
        run = pagefindrun.ScratchRun("key", "pagefind/part-1/", tempfile.TemporaryDirectory(dir=scratch), bundle, [])
        read = run.read_bundle()
    assert list(read.files) == ["pagefind/part-1/filter/en_3.pf_filter", "pagefind/part-1/fragment/en_1.pf_fragment",
                                "pagefind/part-1/fragment-entry.json", "pagefind/part-1/index/deep/en_2.pf_index",
                                "pagefind/part-1/pagefind.js", "pagefind/part-1/wasm.en.pagefind"]   # as Path sorts
    assert all(read.files["pagefind/part-1/" + rel] == made[rel] for rel in made if "pagefind-ui" not in rel)
    assert read.stamps == {path: (os.stat(run.bundle_file(path)).st_size, os.stat(run.bundle_file(path)).st_mtime_ns)
                           for path in read.files}
    assert read.folders == {"fragment", "index"}   # not `filter`, which holds a file left out


def test_a_file_that_grows_or_shrinks_while_the_bundle_is_read_is_read_to_its_end(tmp_path, monkeypatch):
    path = tmp_path / "grows"
    path.write_bytes(b"a" * 10)
    fstat = os.fstat
    for data in (b"a" * 10 + b"b" * 3_000_000, b"c" * 4):
        calls = []

        def stale_fstat(descriptor, data=data):
            info = fstat(descriptor)
            if not calls:   # the first look: then the file changes before it is read
                path.write_bytes(data)
            calls.append(1)
            return info
        monkeypatch.setattr(pagefindrun.os, "fstat", stale_fstat)
        read, stamp = pagefindrun._read_file(str(path))
        monkeypatch.setattr(pagefindrun.os, "fstat", fstat)
        assert read == data and stamp == (len(data), os.stat(path).st_mtime_ns)
        path.write_bytes(b"a" * 10)


def test_each_part_is_indexed_once_when_both_threads_wait_for_the_same_part(graph, monkeypatch):
    monkeypatch.setattr(search, "PART_SIZE", 10)
    writes, write = [], pagefindrun.write_documents
    monkeypatch.setattr(pagefindrun, "write_documents", lambda *args: (
        writes.append(1), time.sleep(0.5 if len(writes) == 2 else 0), write(*args))[2])   # the second part comes late
    commands = []
    pagefind = search.SearchJob._pagefind
    monkeypatch.setattr(search.SearchJob, "_pagefind", lambda job, command: (commands.append(tuple(command)),
                                                                           pagefind(job, command))[1])
    job = search.start_search(graph, SiteConfig())
    index, problems = job.result()
    assert index.files and not problems.warnings and len(job._runs) >= 4
    assert sorted(commands) == sorted(tuple(run.command) for run in job._runs)   # each once: none twice, none left out


def test_a_failed_part_stops_the_other_thread_from_taking_more(graph, monkeypatch):
    monkeypatch.setattr(search, "PART_SIZE", 10)
    taken = []
    pagefind = search.SearchJob._pagefind

    def failing(job, command):
        taken.append(command)
        if len(taken) == 1:   # the first run fails once every part is prepared, while the other thread runs one
            while not job._prepared:
                time.sleep(0.01)
            raise subprocess.SubprocessError("pagefind exited with 3")
        time.sleep(0.3)
        pagefind(job, command)
    monkeypatch.setattr(search.SearchJob, "_pagefind", failing)
    job = search.start_search(graph, SiteConfig())
    index, problems = job.result()
    assert index is search.NO_INDEX and "exited with 3" in str(problems.warnings[0])
    assert len(job._runs) >= 4 and len(taken) <= 2   # the other thread finished the part it had, and took no other


def test_a_part_whose_documents_cannot_be_written_after_pagefind_began_gives_a_warning(graph, monkeypatch, tmp_path):
    monkeypatch.setattr(search, "PART_SIZE", 20)
    monkeypatch.setattr(pagefindrun, "MEMORY_FOLDER", tmp_path / "none")   # scratch folders go to the temporary folder
    monkeypatch.setattr(pagefindrun.tempfile, "tempdir", str(tmp_path))
    calls, write = [], pagefindrun.write_documents
    monkeypatch.setattr(pagefindrun, "write_documents", lambda *args: (
        calls.append(1), write(*args) if len(calls) == 1 else (_ for _ in ()).throw(OSError(28, "No space left")))[1])
    job = search.start_search(graph, SiteConfig())
    index, problems = job.result(Stager(tmp_path / "out"))
    assert index is search.NO_INDEX and "No space left" in str(problems.warnings[0])
    assert len(calls) == 2 and not any(thread.is_alive() for thread in job._threads) and job.staged() == {}
    assert not list(tmp_path.glob("factsheet-search-*"))


def test_documents_that_cannot_be_written_for_pagefind_give_a_warning_not_a_failure(graph, monkeypatch):
    monkeypatch.setattr(pagefindrun, "write_documents", lambda *args: (_ for _ in ()).throw(OSError(28, "No space left")))
    index, problems = search.start_search(graph, SiteConfig()).result()
    assert index is search.NO_INDEX and "No space left" in str(problems.warnings[0])


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_search_thread_that_dies_of_an_unforeseen_error_ends_the_wait(graph, monkeypatch, tmp_path):
    monkeypatch.setattr(search.SearchJob, "_pagefind", lambda job, command: 1 / 0)
    index, problems = search.start_search(graph, SiteConfig()).result(Stager(tmp_path / "out"))
    assert index is search.NO_INDEX and "search thread stopped" in str(problems.warnings[0])


def test_a_build_that_fails_while_pagefind_indexes_leaves_no_scratch_folder(graph, monkeypatch, tmp_path):
    from generator import derived
    monkeypatch.setattr(pagefindrun, "MEMORY_FOLDER", tmp_path / "none")   # scratch folders go to the temporary folder
    monkeypatch.setattr(pagefindrun.tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(derived, "export_files", lambda *args: (_ for _ in ()).throw(OSError(28, "No space left")))
    with pytest.raises(OSError):
        derived.derive_files(graph, SiteConfig(), None)
    assert not list(tmp_path.glob("factsheet-search-*"))


def test_the_search_job_calls_meanwhile_while_it_waits_and_frees_each_part_once_read(graph, monkeypatch, tmp_path):
    """`meanwhile` runs once, while a part is still being indexed; each part's scratch folder goes when it is read."""
    monkeypatch.setattr(search, "PART_SIZE", 20)
    monkeypatch.setattr(pagefindrun, "MEMORY_FOLDER", tmp_path / "none")   # scratch folders go to the temporary folder
    monkeypatch.setattr(pagefindrun.tempfile, "tempdir", str(tmp_path))
    job = search.start_search(graph, SiteConfig())
    seen = []

    def meanwhile():
        seen.append((job._runs_ended, len(list(tmp_path.glob("factsheet-search-*")))))
    read_bundle = pagefindrun.ScratchRun.read_bundle
    monkeypatch.setattr(pagefindrun.ScratchRun, "read_bundle", lambda run: (
        seen.append(("read", len(list(tmp_path.glob("factsheet-search-*"))))), read_bundle(run))[1])
    index, problems = job.result(Stager(tmp_path / "out"), meanwhile)
    assert index.files and not problems.warnings and len(job._runs) == 3
    calls = [s for s in seen if s[0] != "read"]
    assert len(calls) == 1 and calls[0][0] < 3   # once, while Pagefind still indexed a part
    assert [s[1] for s in seen if s[0] == "read"] == [3, 2, 1]   # the parts read before are gone already
    assert not list(tmp_path.glob("factsheet-search-*"))


def test_an_error_of_meanwhile_is_raised_once_the_search_job_is_done_not_taken_for_pagefinds(graph, monkeypatch, tmp_path):
    monkeypatch.setattr(search, "PART_SIZE", 20)
    job = search.start_search(graph, SiteConfig())
    with pytest.raises(OSError, match="the cache's own"):
        job.result(Stager(tmp_path / "out"), lambda: (_ for _ in ()).throw(OSError(5, "the cache's own")))
    assert not any(thread.is_alive() for thread in job._threads)
    index, problems = job.result()
    assert index.files and not problems.warnings   # the index was made all the same
    done = []
    assert search.start_search(graph, SiteConfig(), index).result(None, lambda: done.append(1))[0] is index
    assert done == [1]   # a reused index has nothing to wait for: meanwhile is called all the same
