"""The built site in a real browser (Debian's Chromium through Playwright): at a domain root, under a
sub-path and from disk, following links across fact sheets and searching by an alias."""

from __future__ import annotations

import functools
import json
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from browser import chromium
from conftest import ROOT, build_quietly, write_files
from generator import search

SUB_PATH = "/some/sub/path/"


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves the output at the root and under SUB_PATH; a missing page gets 404.html, as static hosts do."""

    def translate_path(self, path: str) -> str:
        route = urlsplit(path).path
        if route.startswith(SUB_PATH):
            route = "/" + route[len(SUB_PATH):]
        return super().translate_path(route)

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The demo built for publishing under SUB_PATH (base_url's path is where the 404 page's links start)."""
    folder = tmp_path_factory.mktemp("browser")
    write_files(folder, {"site.yaml": (ROOT / "site.yaml").read_text(encoding="utf-8").replace(
        "https://example.org/factsheet/", "https://example.org" + SUB_PATH)})
    (folder / "content").symlink_to(ROOT / "content")
    return build_quietly(folder, folder / "output")


@contextmanager
def serving(folder: Path):
    """A threaded HTTP server of `folder` on 127.0.0.1 and a free port, stopped on leaving."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SiteHandler, directory=str(folder)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.fixture(scope="module")
def server(site):
    """The sub-path build, served for the module."""
    with serving(site) as address:
        yield address


@pytest.fixture(scope="module")
def parted_server(tmp_path_factory):
    """The demo built with its search index in three parts (as a large site's is), served for the module."""
    folder = tmp_path_factory.mktemp("parted")
    (folder / "content").symlink_to(ROOT / "content")
    write_files(folder, {"site.yaml": "title: Parted\npretty_urls: true\n"})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "PART_SIZE", 20)
        build_quietly(folder, folder / "output")
    assert json.loads((folder / "output/pagefind/factsheet-parts.json").read_text())["parts"] == ["part-1/", "part-2/"]
    with serving(folder / "output") as address:
        yield address


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser):
    """A fresh page that refuses, and records, every request that leaves this machine."""
    context = browser.new_context()
    page = context.new_page()
    page.outside = []

    def guard(route):
        url = route.request.url
        if url.startswith(("file://", "http://127.0.0.1:", "data:", "blob:")):
            return route.continue_()
        page.outside.append(url)
        return route.abort()

    context.route("**/*", guard)
    yield page
    assert page.outside == [], "requests left the machine"
    context.close()


def follow(page, name: str) -> None:
    """Click the first link with exactly this text and wait for the next page."""
    with page.expect_navigation():
        page.get_by_role("link", name=name, exact=True).first.click()


def walk_across_sheets(page, start: str) -> list[str]:
    """Home -> Companies -> Xiaomi Auto -> its parent -> a site it names -> an article; the URLs visited."""
    page.goto(start + "index.html")
    assert page.locator("h1").inner_text() == "Factsheet demo"
    visited = [page.url]
    for name, heading in (("Companies", "Companies"), ("Xiaomi Auto", "Xiaomi Auto"),
                          ("Xiaomi Group", "Xiaomi Group"), ("Lei Jun", "Lei Jun"), ("Events", "Events")):
        follow(page, name)
        assert page.locator("h1").inner_text() == heading, page.url
        assert page.locator("link[rel=stylesheet]").count() == 1
        assert page.evaluate("getComputedStyle(document.body).maxWidth") != "none"   # the stylesheet loaded
        visited.append(page.url)
    return visited


@pytest.mark.parametrize("where", ["root", "sub-path", "file"])
def test_links_work_at_a_domain_root_under_a_sub_path_and_from_disk(page, server, site, where):
    start = {"root": server + "/", "sub-path": server + SUB_PATH, "file": site.resolve().as_uri() + "/"}[where]
    visited = walk_across_sheets(page, start)
    assert all(url.startswith(start) and url.endswith("index.html") for url in visited), visited
    if where == "file":
        assert all(Path(unquote(urlsplit(url).path)).is_file() for url in visited)


def test_search_finds_an_entity_by_an_alias_under_a_sub_path(page, server):
    page.goto(server + SUB_PATH + "sites/optics-valley/index.html")
    page.get_by_role("searchbox", name="Search").fill("Xiaomi Automobile")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == SUB_PATH + "search/index.html"
    results = page.locator("#search-results li a")
    results.first.wait_for()
    hrefs = [urlsplit(results.nth(i).get_attribute("href")).path for i in range(results.count())]
    assert SUB_PATH + "companies/xiaomi-auto/index.html" in hrefs, hrefs
    assert "result" in page.locator("#search-status").inner_text()
    with page.expect_navigation():
        page.locator(f"#search-results a[href='{SUB_PATH}companies/xiaomi-auto/index.html']").click()
    assert page.locator("h1").inner_text() == "Xiaomi Auto"



def search_for(page, start: str, query: str) -> list[str]:
    """Search from a page's box; the paths of the results, best first."""
    page.goto(start)
    page.get_by_role("searchbox", name="Search").fill(query)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_function("!document.getElementById('search-status').textContent.startsWith('Searching')")
    results = page.locator("#search-results li a")
    return [urlsplit(results.nth(i).get_attribute("href")).path for i in range(results.count())]


@pytest.mark.parametrize("query, expected", [
    ("Lei Jun", "people/lei-jun/index.html"),                                  # a name, its sheet first
    ("Xiaomi EV", "companies/xiaomi-auto/index.html"),                         # an alias
    ("two-phase car plant", "articles/xiaomi-auto-yizhuang-factory/index.html"),   # words of a title
    ("300,000-vehicle-a-year", "articles/xiaomi-auto-yizhuang-factory/index.html"),   # a word of a summary
    ("Pandaily", "articles/xiaomi-auto-yizhuang-factory/index.html"),          # an outlet
])
def test_search_finds_names_aliases_titles_and_summaries(page, server, query, expected):
    hrefs = search_for(page, server + SUB_PATH + "index.html", query)
    assert SUB_PATH + expected in hrefs[:3], hrefs
    if query == "Lei Jun":
        assert hrefs[0] == SUB_PATH + expected
        assert len(hrefs) > 1   # and the articles that name him
    assert not page.outside


def test_search_merges_the_parts_of_a_large_index(page, parted_server):
    hrefs = search_for(page, parted_server + "/", "Xiaomi")
    assert len(hrefs) >= 20, hrefs   # more than one part holds Xiaomi pages
    assert "/companies/xiaomi-auto/" in hrefs and "/articles/xiaomi-auto-yizhuang-factory/" in hrefs
    with page.expect_navigation():
        page.locator("#search-results a[href='/companies/xiaomi-auto/']").click()
    assert page.locator("h1").inner_text() == "Xiaomi Auto"
    assert not page.outside

def test_search_opened_from_disk_says_it_needs_a_server(page, site):
    page.goto((site / "search/index.html").resolve().as_uri() + "?q=Xiaomi")
    status = page.locator("#search-status")
    assert "web server" in status.inner_text()
    assert page.locator("#search-results li").count() == 0
    assert page.locator("input[name=q]").first.input_value() == "Xiaomi"


def test_missing_page_under_a_sub_path_shows_the_404_page_with_working_links(page, server):
    response = page.goto(server + SUB_PATH + "no/such/page/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    follow(page, "Companies")
    assert page.url == server + SUB_PATH + "companies/index.html"
    assert page.locator("h1").inner_text() == "Companies"
