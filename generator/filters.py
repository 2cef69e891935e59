"""The theme's own Jinja2 filters: `url`, and `cached` / `cached_each`, which make a macro's HTML
for an item once per build and page depth instead of once per page.

Most of a page is links, article lines and feed entries that many other pages show too, and
only the way back to the site root (`root`) differs between them. A macro passed to `cached`
must therefore depend on its item and `root` (through `|url`) alone, like the theme's
`link`, `link_item`, `article_item`, `event_item`, `feed_entry`, `site_header` and `site_footer`
(with the settings and globals, fixed for an environment): its HTML is remembered by
(macro, item, root), items compared by value, for as long as the environment lives (one
build, or a `serve` session while templates and settings are unchanged).
"""

from __future__ import annotations

from typing import Any, Iterable

import jinja2
from markupsafe import Markup

from .urls import href

MAX_REMEMBERED = 1 << 18   # links or fragments kept per environment before starting afresh (a long `serve` session)


def add_filters(env: jinja2.Environment, pretty: bool) -> None:
    """Register `url`, `cached` and `cached_each` on an environment, each with memos of its own."""
    links = _Tables()   # root -> root-relative path -> link from there
    made = _Tables()    # (macro's code, root) -> item -> its HTML

    @jinja2.pass_context
    def url(context, path: str) -> str:
        """A link from the page being rendered to a root-relative `path`: `{{ item.path|url }}`."""
        root = context["root"]
        known = links.table(root)
        link = known.get(path)
        if link is None:
            link = links.add(known, path, (root + href(path, pretty)) or "./")
        return link

    def memo(context, macro) -> dict[Any, Markup]:
        """The HTML this macro has made for each item at the depth of this page."""
        func = getattr(macro, "_func", None)
        if func is None:
            raise jinja2.TemplateRuntimeError(f"cached: {macro!r} is not a macro")
        return made.table((func.__code__, context["root"]))   # a macro is made anew for every page, its code once

    @jinja2.pass_context
    def cached(context, item: Any, macro: jinja2.runtime.Macro) -> Markup:
        """`macro(item)`, made once per build and page depth: `{{ item|cached(link) }}`."""
        known = memo(context, macro)
        html = known.get(item)
        if html is None:
            html = made.add(known, item, macro(item))
        return html

    @jinja2.pass_context
    def cached_each(context, items: Iterable[Any], macro: jinja2.runtime.Macro) -> Markup:
        """`macro(item)` for each item, joined; each made once per build and page depth: `{{ articles|cached_each(article_item) }}`."""
        known = memo(context, macro)
        parts = []
        for item in items:
            html = known.get(item)
            if html is None:
                html = made.add(known, item, macro(item))
            parts.append(html)
        return Markup("".join(parts))

    env.filters.update(url=url, cached=cached, cached_each=cached_each)


class _Tables:
    """Memo tables by key, all let go at once when they hold MAX_REMEMBERED entries together."""

    def __init__(self) -> None:
        self.tables: dict[Any, dict] = {}
        self.size = 0

    def table(self, key: Any) -> dict:
        """The table of a key (a new, empty one the first time)."""
        known = self.tables.get(key)
        if known is None:
            known = self.tables[key] = {}
        return known

    def add(self, table: dict, item: Any, value: Any) -> Any:
        """Remember `value` for `item` in one of the tables, unless they are full: then all are let go. Returns it."""
        if self.size >= MAX_REMEMBERED:
            self.tables.clear()
            self.size = 0
        else:
            table[item] = value
            self.size += 1
        return value
