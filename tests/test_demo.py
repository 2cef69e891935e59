"""The demo site: it builds cleanly, every relative link resolves, and it shows the stories' facts."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import ROOT, build_quietly, soup


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo content built with the repository's site.yaml."""
    return build_quietly(ROOT, tmp_path_factory.mktemp("demo") / "output")


SITE_PATH = "/factsheet/"   # the path of base_url in site.yaml: where the 404 page's links start


def resolve_link(page: Path, href: str, root: Path) -> tuple[Path, str]:
    """The file a relative link (or, on the 404 page, a link from the site's path) points at, and its #fragment."""
    parts = urlsplit(href)
    if page == root / "404.html" and parts.path:
        assert parts.path.startswith(SITE_PATH), f"404.html: {href} does not start at {SITE_PATH}"
        return (root / unquote(parts.path[len(SITE_PATH):])).resolve(), parts.fragment
    target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
    if target.is_dir():
        target = target / "index.html"
    assert root.resolve() in target.parents or target == root.resolve(), f"{page}: {href} leaves the site"
    return target, parts.fragment


def test_every_relative_link_and_anchor_resolves(demo):
    ids: dict[Path, set[str]] = {}
    checked = 0
    for page in sorted(demo.rglob("*.html")):
        for tag in soup(page).find_all(["a", "link", "img", "script"]):
            href = tag.get("href") or tag.get("src")
            if not href or urlsplit(href).scheme or href.startswith("//"):
                continue
            target, fragment = resolve_link(page, href, demo)
            assert target.is_file(), f"{page.relative_to(demo)}: broken link {href}"
            if fragment and not fragment.startswith(":~:"):
                if target not in ids:
                    ids[target] = {t["id"] for t in soup(target).find_all(id=True)}
                assert fragment in ids[target], f"{page.relative_to(demo)}: no #{fragment} in {href}"
            checked += 1
    assert checked > 500


def test_demo_has_a_sheet_for_each_kind(demo):
    xiaomi = soup(demo / "companies/xiaomi/index.html")
    assert xiaomi.h1.get_text() == "Xiaomi Group"
    assert "小米集团" in xiaomi.find(class_="aliases").get_text()
    assert "Xiaomi Motors" in soup(demo / "companies/xiaomi-auto/index.html").find(class_="aliases").get_text()
    assert soup(demo / "people/lei-jun/index.html").h1.get_text() == "Lei Jun"
    assert soup(demo / "sites/optics-valley/index.html").h1.get_text() == "Optics Valley"
    assert (demo / "events/index.html").is_file() and (demo / "tags/index.html").is_file()


def fact_rows(page, label):
    header = page.find("table", class_="facts").find("th", scope="row", string=label)
    assert header is not None, label
    return [" ".join(tr.find("td", class_="value").get_text(" ", strip=True).split())
            for tr in header.find_parent("tbody").find_all("tr")]


def test_team_size_history_and_gdp_conflict(demo):
    auto = soup(demo / "companies/xiaomi-auto/index.html")
    assert fact_rows(auto, "Team size") == ["453 people", "Earlier: over 500 people"]
    zone = soup(demo / "sites/beijing-etown/index.html")
    usd = fact_rows(zone, "Regional GDP (USD)")
    assert len(usd) == 2 and "Sources disagree" in usd[0]
    assert fact_rows(zone, "Regional GDP") == ["193.48 billion CNY January–September 2021"]


def test_candidate_cities_link_to_their_sheets(demo):
    auto = soup(demo / "companies/xiaomi-auto/index.html")
    header = auto.find("th", scope="row", string="Candidate location")
    links = {a.get_text(): a["href"] for tr in header.find_parent("tbody").find_all("tr")
             for a in tr.find("td", class_="value").find_all("a")}
    assert set(links) == {"Beijing", "Shanghai", "Wuhan", "Xi'an"}
    assert links["Xi'an"] == "../../sites/xi-an/index.html"


def test_events_timeline_marks_the_planned_production(demo):
    events = soup(demo / "events/index.html")
    years = [h2.get_text() for h2 in events.find_all("h2")]
    assert years == sorted(years) and {"2019", "2021", "2024"} <= set(years)
    planned = [li.a.get_text() for li in events.find_all("li", class_="planned")]
    assert any("mass production" in name.lower() for name in planned)
