"""End to end: build the fixture site and check page structure with BeautifulSoup."""

from __future__ import annotations

import shutil
from urllib.parse import unquote

import pytest

from conftest import FIXTURES, build_quietly, snapshot, soup

SITE = FIXTURES / "site"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The fixture site, built once for this module."""
    return build_quietly(SITE, tmp_path_factory.mktemp("site") / "output")


def rows(page, label):
    """The rows of the facts table that belong to one property."""
    table = page.find("table", class_="facts")
    header = table.find("th", scope="row", string=label)
    assert header is not None, f"no row for {label}"
    return header.find_parent("tbody").find_all("tr")


def test_every_page_of_the_spec_exists(built):
    for path in ("index.html", "companies/index.html", "companies/acme/index.html", "sites/index.html",
                 "sites/rivertown/index.html", "people/jane-roe/index.html", "events/index.html",
                 "events/acme-plant-agreement/index.html", "articles/index.html",
                 "articles/plant-deal/index.html", "articles/acme-founded/index.html",
                 "tags/index.html", "tags/manufacturing/index.html", "static/style.css"):
        assert (built / path).is_file(), path


def test_company_sheet_has_names_description_and_linked_facts(built):
    page = soup(built / "companies/acme/index.html")
    assert page.h1.get_text() == "Acme Motors"
    assert page.title.get_text() == "Acme Motors · Fixture Gazette"
    assert "ACME Corp" in page.find(class_="aliases").get_text()
    assert page.find(class_="description").strong.get_text() == "electric vans"
    hq = rows(page, "headquarters")[0]
    assert hq.find("td", class_="value").a["href"] == "../../sites/rivertown/index.html"
    assert rows(page, "founded")[0].find("td", class_="value").get_text(strip=True) == "6 April 2010"


def test_history_is_newest_first_and_marked_earlier(built):
    page = soup(built / "companies/acme/index.html")
    values = [r.find("td", class_="value").get_text(" ", strip=True) for r in rows(page, "headcount")]
    assert values == ["650 people", "Earlier: over 500 people"]
    as_of = [r.find("td", class_="as-of").get_text(strip=True) for r in rows(page, "headcount")]
    assert as_of == ["1 December 2021", "23 November 2021"]


def test_conflict_is_marked_in_words_with_every_source(built):
    page = soup(built / "sites/acme-rivertown-plant/index.html")
    conflict = rows(page, "Annual capacity")
    assert all("conflict" in r["class"] for r in conflict)
    assert "Sources disagree" in conflict[0].get_text()
    values = sorted(r.find("td", class_="value").get_text(" ", strip=True).replace("Sources disagree: ", "")
                    for r in conflict)
    assert values == ["250,000 vehicles PLANNED", "300,000 vehicles PLANNED"] or \
        values == ["250,000 vehicles planned", "300,000 vehicles planned"]
    titles = {r.find("td", class_="sources").a.get_text() for r in conflict}
    assert titles == {"Acme signs a plant deal in Rivertown", "Acme's Rivertown plan, an update"}


def test_citation_names_title_outlet_date_and_links_the_quote(built):
    page = soup(built / "sites/rivertown/index.html")
    source = rows(page, "output")[0].find("td", class_="sources").li
    link = source.a
    assert link["href"].startswith("../../articles/plant-deal/index.html#:~:text=")
    assert unquote(link["href"].split("#:~:text=")[1]) == "193.48 billion yuan"
    assert source.find(class_="outlet").get_text() == "Daily Wire"
    assert source.time["datetime"] == "2021-11-27"
    assert "193.48 billion CNY" in rows(page, "output")[0].get_text()
    assert "January–September 2021" in rows(page, "output")[0].get_text()


def test_event_defined_in_two_articles_shows_both_dates(built):
    page = soup(built / "events/acme-plant-agreement/index.html")
    dates = rows(page, "Date")
    assert "Sources disagree" in dates[0].get_text()
    assert {r.find("td", class_="value").get_text(" ", strip=True).replace("Sources disagree: ", "")
            for r in dates} == {"27 November 2021", "28 November 2021"}
    participants = {a.get_text() for r in rows(page, "Participants") for a in r.find("td", class_="value").find_all("a")}
    assert participants == {"Acme Motors", "Rivertown Council", "Jane Roe"}
    summary = page.find("dl", class_="event-summary")
    terms = [dt.get_text() for dt in summary.find_all("dt")]
    assert terms == ["When", "What", "Who", "Where"]
    who = summary.find_all("dd")[2]
    assert [a.get_text() for a in who.find_all("a")] == ["Acme Motors", "Jane Roe", "Rivertown Council"]
    assert who.a["href"] == "../../companies/acme/index.html"


def test_timeline_and_articles_on_a_sheet(built):
    page = soup(built / "companies/acme/index.html")
    timeline = page.find(id="timeline").find_all("li")
    assert [li.a.get_text() for li in timeline] == ["Acme plant agreement", "Acme plant opening"]
    assert "planned" in timeline[1]["class"]
    articles = [a.get_text() for a in page.find(id="articles").select("ol.articles > li > a")]
    assert articles == ["Acme's Rivertown plan, an update", "Acme signs a plant deal in Rivertown", "Acme is founded"]
    related = {a.get_text() for a in page.find(id="related").find_all("a")}
    assert {"Rivertown", "Jane Roe", "Acme plant agreement"} <= related


def test_article_page_body_facts_names_and_tags(built):
    page = soup(built / "articles/plant-deal/index.html")
    body = page.find(class_="body")
    assert body.find("table") is not None
    assert body.find("script") is None and 'alert("x")' in body.get_text()
    stated = page.find(id="facts").find("tbody").find_all("tr")
    assert len(stated) == 4
    named = {a.get_text() for a in page.find(id="named").find_all("a")}
    assert {"Acme Motors", "Rivertown", "Acme Rivertown plant", "Jane Roe", "Acme plant agreement",
            "Acme plant opening", "Rivertown Council"} <= named
    assert [a.get_text() for a in page.find(id="tags").find_all("a")] == ["Manufacturing", "electric vans"]
    assert page.find(class_="meta").a["href"] == "https://example.com/plant"


def test_indexes_count_and_order(built):
    companies = soup(built / "companies/index.html")
    names = [th.a.get_text() for th in companies.select("table.index th[scope=row]")]
    assert names == ["Acme Motors", "Rivertown Council"]
    acme = companies.select("table.index tbody tr")[0].find_all("td")
    assert [td.get_text() for td in acme] == ["5", "3"]
    articles = [a.get_text() for a in soup(built / "articles/index.html").select("ol.articles > li > a")]
    assert articles == ["Acme's Rivertown plan, an update", "Acme signs a plant deal in Rivertown", "Acme is founded"]
    events = soup(built / "events/index.html")
    assert [h2.get_text() for h2 in events.find_all("h2")] == ["2021", "2024"]
    assert events.find("li", class_="planned").a.get_text() == "Acme plant opening"
    tag = soup(built / "tags/manufacturing/index.html")
    assert tag.h1.get_text() == "Manufacturing" and len(tag.select("ol.articles > li")) == 2


def test_every_link_is_relative(built):
    for page_path in built.rglob("*.html"):
        if page_path == built / "404.html":
            continue   # served at any depth, so its links start at the site's path (test_publish.py)
        page = soup(page_path)
        for tag in page.find_all(["a", "link"], href=True):
            href = tag["href"]
            external = tag.get("rel") and "external" in tag["rel"]
            assert external or not href.startswith(("/", "http:", "https:", "//")), (page_path, href)


def test_same_input_gives_identical_bytes(built, tmp_path):
    again = build_quietly(SITE, tmp_path / "again")
    first = {k: v[0] for k, v in snapshot(built).items()}
    second = {k: v[0] for k, v in snapshot(again).items()}
    assert first == second


def test_rebuild_writes_nothing_and_removes_what_no_longer_belongs(tmp_path, run_cli):
    content = tmp_path / "content"
    shutil.copytree(SITE / "content", content)
    out = tmp_path / "out"
    assert run_cli("--content", content, "--output", out, "-q").status == 0
    before = snapshot(out)
    second = run_cli("--content", content, "--output", out, "-q")
    assert "0 written" in second.out and snapshot(out) == before
    (content / "articles/old-news.md").unlink()
    third = run_cli("--content", content, "--output", out, "-q")
    gone = set(before) - set(snapshot(out))
    assert third.status == 0 and f"{len(gone)} removed" in third.out
    assert "articles/acme-founded/index.html" in gone
    assert not (out / "articles/acme-founded").exists()


def test_user_templates_override_the_theme(tmp_path, run_cli):
    theme = tmp_path / "theme"
    (theme / "static").mkdir(parents=True)
    (theme / "tag.html").write_text("<p>custom {{ tag.label }}</p>\n", encoding="utf-8")
    (theme / "static/style.css").write_text("body{}\n", encoding="utf-8")
    config = tmp_path / "site.yaml"
    config.write_text("title: Mine\ntemplates: theme\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run_cli("--content", SITE / "content", "--output", out, "--config", config, "-q").status == 0
    assert (out / "tags/manufacturing/index.html").read_text() == "<p>custom Manufacturing</p>\n"
    assert (out / "static/style.css").read_text() == "body{}\n"
    assert soup(out / "index.html").title.get_text() == "Mine"


def test_check_validates_without_writing(tmp_path, run_cli):
    out = tmp_path / "out"
    result = run_cli("check", "--content", SITE / "content", "--output", out, "-q")
    assert result.status == 0 and "no errors" in result.out
    assert not out.exists()
