"""The only module that decides URLs: page paths, links, feeds, data files and absolute addresses.

A page path is relative to the output root and names a folder (`companies/xiaomi/`); the
page itself is written to `<path>index.html`. Links between pages are always relative and,
unless the site asks for pretty URLs, end in `index.html`, so the same output works at a
domain root, under any sub-path, and opened straight from disk (`file://`). Absolute URLs
(`base_url` + page folder) are used only where the web requires them: sitemap, feeds,
canonical links and structured data.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote, urlsplit

FOLDERS = {"company": "companies", "site": "sites", "person": "people", "event": "events"}
HOME = ""
ARTICLES = "articles/"
TAGS = "tags/"
SEARCH = "search/"
STYLESHEET = "static/style.css"
SEARCH_SCRIPT = "static/search.js"
PAGEFIND = "pagefind/"
FEED = "feed.xml"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
NOT_FOUND = "404.html"
DATA = "data/"
ENTITY_DATA = "facts.json"


def index_path(kind: str) -> str:
    """The A-Z index of one kind of entity (`companies/`)."""
    return f"{FOLDERS[kind]}/"


def entity_path(kind: str, slug: str) -> str:
    """An entity's fact sheet (`companies/xiaomi/`)."""
    return f"{FOLDERS[kind]}/{slug}/"


def article_path(slug: str) -> str:
    """An article's page (`articles/xiaomi-auto-yizhuang/`)."""
    return f"{ARTICLES}{slug}/"


def tag_path(slug: str) -> str:
    """A tag's list of articles (`tags/electric-vehicles/`)."""
    return f"{TAGS}{slug}/"


def feed_path(page_path: str) -> str:
    """The Atom feed of a page's folder: `feed.xml` for the site, `companies/xiaomi/feed.xml` per entity."""
    return f"{page_path}{FEED}"


def data_path(page_path: str) -> str:
    """The per-entity data export beside its fact sheet (`companies/xiaomi/facts.json`)."""
    return f"{page_path}{ENTITY_DATA}"


def output_file(path: str) -> str:
    """The file a page path is written to."""
    return f"{path}index.html" if path == HOME or path.endswith("/") else path


def root_prefix(path: str) -> str:
    """The relative way from a page back to the site root (`../../`)."""
    return "../" * output_file(path).count("/")


def href(path: str, pretty: bool = False) -> str:
    """A root-relative link target: folders end in `index.html` unless `pretty`; a #fragment is kept."""
    target, hash_, fragment = path.partition("#")
    if not pretty:
        target = output_file(target)
    return target + hash_ + fragment


def relative(from_path: str, to_path: str, pretty: bool = False) -> str:
    """A relative link from one page to another page or file."""
    return (root_prefix(from_path) + href(to_path, pretty)) or "./"


@lru_cache(maxsize=1 << 17)   # a pure function, asked for the same pages in every rebuild of `serve`
def absolute(base_url: str, path: str) -> str:
    """The published address of a page or file (`https://example.org/repo/companies/xiaomi/`); '' without base_url."""
    if not base_url:
        return ""
    return base_url.rstrip("/") + "/" + quote(path, safe="/#:~=%")


def base_path(base_url: str) -> str:
    """The path part of base_url, always ending in '/' (`/repo/`), for pages served at any depth (404)."""
    return (urlsplit(base_url).path.rstrip("/") + "/") if base_url else "/"


@lru_cache(maxsize=1 << 16)   # a pure function; every rebuild of `serve` cites the same quotes
def text_fragment(text: str) -> str:
    """A URL fragment that makes browsers highlight `text` (`#:~:text=...`), safely encoded."""
    words = " ".join(text.split())
    return "#:~:text=" + quote(words, safe="").replace("-", "%2D")
