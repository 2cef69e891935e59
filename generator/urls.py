"""The only module that decides URLs: page paths, relative links and quote fragments.

A page path is relative to the output root and names a folder (`companies/xiaomi/`); the
page itself is written to `<path>index.html`. Links between pages are always relative,
so the site works from any sub-path of any host.
"""

from __future__ import annotations

from urllib.parse import quote

FOLDERS = {"company": "companies", "site": "sites", "person": "people", "event": "events"}
HOME = ""
ARTICLES = "articles/"
TAGS = "tags/"
STYLESHEET = "static/style.css"


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


def output_file(path: str) -> str:
    """The file a page path is written to."""
    return f"{path}index.html" if path == HOME or path.endswith("/") else path


def root_prefix(path: str) -> str:
    """The relative way from a page back to the site root (`../../`)."""
    return "../" * output_file(path).count("/")


def relative(from_path: str, to_path: str) -> str:
    """A relative link from one page to another page or file."""
    return (root_prefix(from_path) + to_path) or "./"


def text_fragment(text: str) -> str:
    """A URL fragment that makes browsers highlight `text` (`#:~:text=...`), safely encoded."""
    words = " ".join(text.split())
    return "#:~:text=" + quote(words, safe="").replace("-", "%2D")
