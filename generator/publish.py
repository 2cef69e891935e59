"""What each page adds for the web beyond its content: canonical URL, feed links, JSON-LD, link root."""

from __future__ import annotations

from .config import SiteConfig
from .feeds import has_feed
from .jsonld import StructuredData
from .lookups import Lookups
from .model import Graph
from .pages import Page
from .urls import FEED, absolute, data_path, feed_path
from .webfiles import NOT_LISTED, page_root


class Publisher:
    """Computes the web extras of every page of one build."""

    def __init__(self, graph: Graph, config: SiteConfig, look: Lookups) -> None:
        self.graph = graph
        self.config = config
        self.structured = StructuredData(graph, config, look)

    def extras(self, page: Page) -> dict:
        """Template variables: root for every page; canonical, feeds, jsonld for HTML; feed and data on sheets."""
        if not page.template.endswith(".html"):
            return {"root": page_root(page, self.config)}
        feeds = [(f"{self.config.title}: all articles", FEED)]
        extras = {"canonical": "" if page.path in NOT_LISTED else absolute(self.config.base_url, page.path),
                  "jsonld": self.structured.script_for(page), "root": page_root(page, self.config)}
        entity = page.context.get("entity") if page.template == "entity.html" else None
        if entity is not None:
            own = feed_path(page.path) if has_feed(self.graph, entity.id) else ""
            if own:
                feeds.append((f"{entity.name} · {self.config.title}", own))
            extras.update(feed=own, data=data_path(page.path))
        extras["feeds"] = tuple(feeds)
        return extras
