"""Read-only views for templates: plain text and root-relative paths, nothing to compute.

Templates prefix every `path` with the page's `root` (`../../`), so links stay relative.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import DateValue, EntityValue, Fact, Graph, TextValue, Value
from .quantities import Quantity
from .records import Article
from .sheets import PropertyRow, Reading
from .urls import article_path, entity_path, text_fragment

KIND_LABELS = {"company": ("Company", "Companies"), "site": ("Site", "Sites"),
               "person": ("Person", "People"), "event": ("Event", "Events")}


@dataclass(frozen=True, slots=True)
class Link:
    """Text, linked when `path` is set; `note` is a quiet detail shown beside it."""

    text: str
    path: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a fact comes from: title, outlet and date, linked to the quote in the article."""

    title: str
    outlet: str
    date: str
    date_iso: str
    path: str
    quote: str


@dataclass(frozen=True, slots=True)
class ClaimView:
    """One stated value and the sources that state it."""

    value: Link
    status: str       # "" for actual
    sources: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class ReadingView:
    """The value(s) of a property at one date; several claims mean the sources disagree."""

    as_of: str
    period: str
    claims: tuple[ClaimView, ...]
    conflict: bool


@dataclass(frozen=True, slots=True)
class RowView:
    """A property on a fact sheet: its current reading(s), then its history, newest first."""

    label: str
    current: tuple[ReadingView, ...]
    history: tuple[ReadingView, ...]
    conflict: bool


@dataclass(frozen=True, slots=True)
class ArticleItem:
    """An article in a list."""

    title: str
    path: str
    date: str
    date_iso: str
    outlet: str
    summary: str


class ViewMaker:
    """Turns graph values into views; one per build, shared by every page it renders."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._links: dict[str, Link] = {}            # entity id -> its link, made once per build
        self._items: dict[str, ArticleItem] = {}     # article slug -> its list item, made once per build
        self._citations: dict[int, Citation] = {}    # id of a fact -> its citation, made once per build
        self._values: dict[Value, Link] = {}         # a date, quantity or text -> how it reads, made once per build

    def entity_link(self, entity_id: str, note: str = "") -> Link:
        """A link to an entity's fact sheet."""
        link = self._links.get(entity_id)
        if link is None:
            entity = self.graph.entities[entity_id]
            link = self._links[entity_id] = Link(entity.name, entity_path(entity.kind, entity.slug))
        return Link(link.text, link.path, note) if note else link

    def value(self, value: Value) -> Link:
        """A value as people read it; entities link to their sheets."""
        if isinstance(value, EntityValue):
            return self.entity_link(value.entity_id)
        link = self._values.get(value)
        if link is None:
            link = self._values[value] = self._plain(value)
        return link

    @staticmethod
    def _plain(value: Value) -> Link:
        if isinstance(value, DateValue):
            return Link(value.date.human)
        if isinstance(value, Quantity):
            return Link(value.human)
        return Link(value.text if isinstance(value, TextValue) else str(value))

    def citation(self, fact: Fact) -> Citation:
        """The source of a fact, linked to its article with the quote highlighted."""
        made = self._citations.get(id(fact))   # the graph keeps every fact alive, so ids are stable
        if made is None:
            made = self._citations[id(fact)] = self._cite(fact)
        return made

    def _cite(self, fact: Fact) -> Citation:
        if fact.source.kind == "profile":
            entity = self.graph.entities[fact.source.key]
            return Citation(f"Profile of {entity.name}", "", "", "", entity_path(entity.kind, entity.slug), "")
        article = self.graph.articles[fact.source.key]
        fragment = text_fragment(fact.quote) if fact.quote else ""
        return Citation(article.title, article.source.name if article.source else "", article.date.human,
                        article.date.iso, article_path(article.slug) + fragment, fact.quote)

    def row(self, row: PropertyRow) -> RowView:
        """A property row: for single properties the newest reading per period is current."""
        readings = [self.reading(r) for r in row.readings]
        if not row.spec.single:
            return RowView(row.spec.label, tuple(readings), (), False)
        current, history, seen = [], [], set()
        for raw, view in zip(row.readings, readings):
            (history if raw.period in seen else current).append(view)
            seen.add(raw.period)
        return RowView(row.spec.label, tuple(current), tuple(history), row.conflict)

    def reading(self, reading: Reading) -> ReadingView:
        """One dated reading and its claims."""
        claims = tuple([ClaimView(self.value(c.value), "" if c.status in ("actual", "happened") else c.status,
                                  tuple([self.citation(f) for f in c.facts])) for c in reading.claims])
        as_of = reading.as_of.human if reading.as_of else ""
        if reading.since:
            as_of = f"{reading.since.human} – {as_of}"
        return ReadingView(as_of, reading.period.human if reading.period else "", claims, reading.conflict)

    def article_item(self, article: Article) -> ArticleItem:
        """An article as a line in a list."""
        item = self._items.get(article.slug)
        if item is None:
            item = self._items[article.slug] = ArticleItem(
                article.title, article_path(article.slug), article.date.human, article.date.iso,
                article.source.name if article.source else "", article.summary)
        return item
