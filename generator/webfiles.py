"""Files the web expects of a site: sitemap.xml, robots.txt, 404.html and the search page.

The sitemap needs absolute URLs, so it is only made when `base_url` is set. Hosts serve the
404 page at any depth (`/repo/no/such/page`), where relative links would lead nowhere, so its
links start from base_url's path (`/repo/`), or from `/` without base_url.
"""

from __future__ import annotations

from typing import Iterable

from .config import SiteConfig
from .pages import Page
from .urls import NOT_FOUND, ROBOTS, SEARCH, SITEMAP, absolute, base_path, output_file, root_prefix

NOT_LISTED = (NOT_FOUND, SEARCH)   # pages that are no destination of their own


def site_pages() -> list[Page]:
    """The search page and the 404 page."""
    return [Page(SEARCH, "search.html", {"title": "Search"}),
            Page(NOT_FOUND, "404.html", {"title": "Page not found"})]


def web_file_paths(config: SiteConfig) -> list[str]:
    """The paths of the files `plan_web_files` plans."""
    return [ROBOTS, SITEMAP] if config.base_url else [ROBOTS]


def plan_web_files(paths: Iterable[str], config: SiteConfig) -> list[Page]:
    """robots.txt, and sitemap.xml listing every HTML page (of these page paths, sorted) when base_url is known."""
    planned = [Page(ROBOTS, "robots.txt", {"title": "", "sitemap": absolute(config.base_url, SITEMAP)})]
    if config.base_url:
        urls = tuple(absolute(config.base_url, path) for path in sorted(paths)
                     if path not in NOT_LISTED and output_file(path).endswith(".html"))
        planned.append(Page(SITEMAP, "sitemap.xml", {"title": "", "urls": urls}))
    return planned


def page_root(page: Page, config: SiteConfig) -> str:
    """The prefix of a page's links: relative (`../../`), except on the 404 page (`/repo/`)."""
    return base_path(config.base_url) if page.path == NOT_FOUND else root_prefix(page.path)
