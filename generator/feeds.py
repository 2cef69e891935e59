"""Atom feeds: one of every article, and one per entity ("follow this company"), as pages to render.

`updated` is the newest article's date, never the build time, and entries are newest first
(then by slug), so the same content always gives the same bytes. With `base_url` every id
and link is absolute; without it ids are `urn:factsheet:` names and links are relative to
the feed file, which Atom allows but some readers handle poorly (the build warns).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .config import SiteConfig
from .model import Graph
from .pages import Page
from .records import Article
from .urls import HOME, absolute, article_path, entity_path, feed_path, relative, root_prefix

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")   # what XML 1.0 forbids (a
# negated class of what it allows, alike, takes a hundredth of a second to compile at every build)


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One article in a feed."""

    id: str             # the article's address, or a urn: name without base_url
    title: str
    link: str           # absolute with base_url, else relative to the feed file
    published: str      # the article's day, RFC 3339
    summary: str        # the article's summary; may be empty
    author: str         # the story's author or outlet, else the site's author or title


@dataclass(frozen=True, slots=True)
class Feed:
    """An Atom feed: its identity, links and entries, newest first."""

    id: str             # the address of the page it follows, or a urn: name
    title: str
    self_link: str      # where the feed itself is
    page_link: str      # the page it follows (home or a fact sheet)
    updated: str        # the newest entry's date, never the build time
    subtitle: str       # the site's description
    author: str         # the site's author, else its title
    entries: tuple[FeedEntry, ...]   # newest first


class FeedPlanner:
    """Plans any one feed of a graph by its key: ("feed", "") for the site, ("feed", entity id) for a sheet."""

    def __init__(self, graph: Graph, config: SiteConfig) -> None:
        self.graph = graph
        self.config = config
        self.entries: dict[tuple[str, str], FeedEntry] = {}   # (article, way to the root) -> entry, made once

    def keys(self) -> list[tuple[str, str]]:
        """The site feed's key (if there are articles), then each entity's that some article mentions."""
        site = [("feed", "")] if self.graph.articles else []
        return [*site, *(("feed", entity_id) for entity_id in self.graph.entities if self.graph.mentions.get(entity_id))]

    def path(self, key: tuple[str, str]) -> str:
        """Where a feed goes, without planning it."""
        return feed_path(self._page(key[1]))

    def plan(self, key: tuple[str, str]) -> Page:
        """The feed of a key."""
        graph, config, which = self.graph, self.config, key[1]
        if not which:
            return _feed(graph, config, HOME, f"{config.title}: all articles", tuple(graph.articles), self.entries)
        entity = graph.entities[which]
        return _feed(graph, config, self._page(which), f"{entity.name} · {config.title}", graph.mentions[which],
                     self.entries)

    def _page(self, entity_id: str) -> str:
        if not entity_id:
            return HOME
        entity = self.graph.entities[entity_id]
        return entity_path(entity.kind, entity.slug)


def has_feed(graph: Graph, entity_id: str) -> bool:
    """True when an entity has a feed of its own (some article mentions it)."""
    return bool(graph.mentions.get(entity_id))


def _feed(graph: Graph, config: SiteConfig, page_path: str, title: str, slugs: tuple[str, ...],
          made: dict[tuple[str, str], FeedEntry]) -> Page:
    path = feed_path(page_path)
    link = _linker(config, path)
    way = "" if config.base_url else root_prefix(path)   # relative links differ only by the way to the root
    entries = []
    for slug in slugs:
        entry = made.get((slug, way))
        if entry is None:
            entry = made[slug, way] = _entry(config, graph.articles[slug], link)
        entries.append(entry)
    entries = tuple(entries)
    feed = Feed(id=_id(config, page_path), title=xml_text(title), self_link=link(path), page_link=link(page_path),
                updated=max(entry.published for entry in entries), subtitle=xml_text(config.description),
                author=xml_text(config.author or config.title), entries=entries)
    return Page(path, "feed.xml", {"title": title, "feed": feed})


def _entry(config: SiteConfig, article: Article, link) -> FeedEntry:
    path = article_path(article.slug)
    source = article.source
    author = (source.author or source.name) if source else ""
    return FeedEntry(_id(config, path), xml_text(article.title), link(path), _timestamp(article),
                     xml_text(article.summary), xml_text(author or config.author or config.title))


def xml_text(text: str) -> str:
    """Text without the characters XML 1.0 cannot hold (control characters, lone surrogates)."""
    return _NOT_XML.sub("", text)


def _linker(config: SiteConfig, from_path: str):
    """Links from a feed: absolute with base_url, else relative to the feed file."""
    if config.base_url:
        return lambda path: absolute(config.base_url, path)
    return lambda path: relative(from_path, path, config.pretty_urls)


def _id(config: SiteConfig, path: str) -> str:
    """A permanent id: the page's address with base_url, else a stable `urn:factsheet:` name."""
    return absolute(config.base_url, path) if config.base_url else f"urn:factsheet:{path or 'home'}"


def _timestamp(article: Article) -> str:
    """An article's day as an Atom date-time (midnight UTC)."""
    return f"{article.date.iso}T00:00:00Z"
