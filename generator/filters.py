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
    links: dict[str, dict[str, str]] = {}               # root -> root-relative path -> link from there
    made: dict[tuple[Any, str], dict[Any, Markup]] = {}  # (macro's code, root) -> item -> its HTML
    sizes = [0, 0]                                        # entries in links, in made

    @jinja2.pass_context
    def url(context, path: str) -> str:
        """A link from the page being rendered to a root-relative `path`: `{{ item.path|url }}`."""
        root = context["root"]
        known = links.get(root)
        if known is None:
            known = links[root] = {}
        link = known.get(path)
        if link is None:
            if sizes[0] >= MAX_REMEMBERED:
                links.clear()
                sizes[0] = 0
                known = links[root] = {}
            link = known[path] = (root + href(path, pretty)) or "./"
            sizes[0] += 1
        return link

    def memo(context, macro) -> dict[Any, Markup]:
        """The HTML this macro has made for each item at the depth of this page."""
        func = getattr(macro, "_func", None)
        if func is None:
            raise jinja2.TemplateRuntimeError(f"cached: {macro!r} is not a macro")
        key = (func.__code__, context["root"])   # a macro is made anew for every page, its code once
        known = made.get(key)
        if known is None:
            if sizes[1] >= MAX_REMEMBERED:
                made.clear()
                sizes[1] = 0
            known = made[key] = {}
        return known

    @jinja2.pass_context
    def cached(context, item: Any, macro: jinja2.runtime.Macro) -> Markup:
        """`macro(item)`, made once per build and page depth: `{{ item|cached(link) }}`."""
        known = memo(context, macro)
        html = known.get(item)
        if html is None:
            html = known[item] = macro(item)
            sizes[1] += 1
        return html

    @jinja2.pass_context
    def cached_each(context, items: Iterable[Any], macro: jinja2.runtime.Macro) -> Markup:
        """`macro(item)` for each item, joined; each made once per build and page depth: `{{ articles|cached_each(article_item) }}`."""
        known = memo(context, macro)
        parts = []
        for item in items:
            html = known.get(item)
            if html is None:
                html = known[item] = macro(item)
                sizes[1] += 1
            parts.append(html)
        return Markup("".join(parts))

    env.filters.update(url=url, cached=cached, cached_each=cached_each)
