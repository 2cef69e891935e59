"""Which pages the site has and what each shows: graph -> `Page` (path, template, context)."""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .dates import PartialDate
from .lookups import Lookups, make_lookups, update_lookups
from .model import KINDS, DateValue, EntityValue, Fact, Graph, TextValue
from .properties import BUILTIN
from .sheets import build_rows
from .urls import ARTICLES, HOME, TAGS, article_path, entity_path, index_path, tag_path
from .views import KIND_LABELS, Link, ViewMaker

if TYPE_CHECKING:
    from .edits import Change

LATEST = 10
RELATED_PER_KIND = 12


@dataclass(frozen=True, slots=True)
class Page:
    """One page to render: where it goes, which template, and the read-only context."""

    path: str
    template: str
    context: dict


@dataclass(frozen=True, slots=True)
class EventItem:
    """An event on a timeline."""

    name: str
    path: str
    date: str
    date_iso: str
    year: str
    type: str
    status: str
    sort_key: tuple


PageKey = tuple[str, str]   # (what kind of page, which one): ("entity", id), ("article", slug), ("home", "")...
_LIST_PATHS = {"home": HOME, "events": index_path("event"), "articles": ARTICLES, "tags": TAGS}   # and ("index", kind)


def plan_pages(graph: Graph) -> list[Page]:
    """Every page of the site, in a stable order."""
    planner = PagePlanner(graph)
    return [planner.plan(key) for key in planner.keys()]


class PagePlanner:
    """Plans any one page of a graph; what every page needs is computed once, up front."""

    def __init__(self, graph: Graph, look: Lookups | None = None, events: dict[str, EventItem] | None = None) -> None:
        self.graph = graph
        self.views = ViewMaker(graph)
        self.look = make_lookups(graph) if look is None else look
        self.events = {eid: _event_item(graph, eid, self.look.facts_of.get(eid, []))
                       for eid, e in graph.entities.items() if e.kind == "event"} if events is None else events

    def after_edit(self, graph: Graph, change: Change) -> PagePlanner:
        """The planner of `graph`, made from this one, the planner of the graph before an edit that kept every name."""
        look = update_lookups(self.look, graph, change)
        subjects = change.subjects()
        return PagePlanner(graph, look, {eid: _event_item(graph, eid, look.facts_of.get(eid, [])) if eid in subjects
                                         else item for eid, item in self.events.items()})

    def keys(self) -> list[PageKey]:
        """The key of every page, in the site's stable order."""
        graph = self.graph
        return [("home", ""), *(("index", kind) for kind in KINDS if kind != "event"), ("events", ""),
                *(("entity", entity_id) for entity_id in graph.entities), ("articles", ""),
                *(("article", slug) for slug in graph.articles), ("tags", ""), *(("tag", slug) for slug in graph.tags)]

    def path(self, key: PageKey) -> str:
        """Where the page of a key goes, without planning it (for sheets, articles and tags)."""
        what, which = key
        if what == "entity":
            entity = self.graph.entities[which]
            return entity_path(entity.kind, entity.slug)
        if what == "article":
            return article_path(which)
        if what == "tag":
            return tag_path(which)
        return _LIST_PATHS[what] if what in _LIST_PATHS else index_path(which)

    def plan(self, key: PageKey) -> Page:
        """The page of one key."""
        what, which = key
        graph, views, look = self.graph, self.views, self.look
        if what == "entity":
            return _entity(graph, views, look, self.events, which)
        if what == "article":
            return _article(graph, views, look, which)
        if what == "tag":
            tag = graph.tags[which]
            return Page(tag_path(tag.slug), "tag.html", {"title": tag.label, "tag": tag, "articles": tuple(
                views.article_item(graph.articles[s]) for s in tag.articles)})
        if what == "index":
            return _entity_index(graph, look, which)
        if what == "home":
            return _home(graph, views, self.events)
        if what == "events":
            return _events_index(self.events)
        if what == "articles":
            return Page(ARTICLES, "articles.html", {"title": "Articles", "articles": tuple(
                views.article_item(a) for a in graph.articles.values())})
        return Page(TAGS, "tags.html", {"title": "Tags", "tags": tuple(
            Link(t.label, tag_path(t.slug), str(len(t.articles))) for t in graph.tags.values())})


def _entity(graph: Graph, views: ViewMaker, look: Lookups, events: dict[str, EventItem], entity_id: str) -> Page:
    entity = graph.entities[entity_id]
    timeline = sorted({events[e] for e in look.events_of.get(entity_id, ()) if e in events}, key=_when)
    rows = build_rows(look.facts_of.get(entity_id, []), graph.properties)
    return Page(entity_path(entity.kind, entity.slug), "entity.html", {
        "event": _event_summary(views, events[entity_id], look.facts_of.get(entity_id, []))
        if entity.kind == "event" else None,
        "entity": entity, "kind_label": KIND_LABELS[entity.kind][0], "title": entity.name,
        "description": entity.profile.body.html if entity.profile else "",
        "rows": tuple(views.row(row) for row in rows), "timeline": tuple(timeline),
        "related": _related_links(graph, views, look.related.get(entity_id, Counter())),
        "articles": tuple(views.article_item(graph.articles[s]) for s in graph.mentions.get(entity_id, ())),
    })


def _home(graph: Graph, views: ViewMaker, events: dict[str, EventItem]) -> Page:
    counts = Counter(entity.kind for entity in graph.entities.values())
    dated = sorted((e for e in events.values() if e.date), key=_when)
    return Page(HOME, "home.html", {
        "title": "", "counts": tuple((KIND_LABELS[k][1], index_path(k), counts[k]) for k in KINDS),
        "article_count": len(graph.articles), "fact_count": len(graph.facts), "articles_path": ARTICLES,
        "latest": tuple(views.article_item(a) for a in list(graph.articles.values())[:LATEST]),
        "recent": tuple(reversed([e for e in dated if e.status == "happened"][-LATEST:])),
        "planned": tuple(e for e in dated if e.status == "planned")[:LATEST],
    })


def _entity_index(graph: Graph, look: Lookups, kind: str) -> Page:
    entries = sorted((e for e in graph.entities.values() if e.kind == kind), key=lambda e: (e.name.casefold(), e.id))
    groups: dict[str, list[tuple]] = {}
    for entity in entries:
        letter = entity.slug[:1].upper() if entity.slug[:1].isalpha() else "#"
        groups.setdefault(letter, []).append(
            (Link(entity.name, entity_path(kind, entity.slug)), len(look.facts_of.get(entity.id, ())), len(graph.mentions.get(entity.id, ()))))
    return Page(index_path(kind), "index.html", {
        "title": KIND_LABELS[kind][1], "kind": kind, "total": len(entries),
        "groups": tuple(sorted(groups.items()))})


def _events_index(events: dict[str, EventItem]) -> Page:
    years: dict[str, list[EventItem]] = {}
    for item in sorted(events.values(), key=_when):
        years.setdefault(item.year or "Date unknown", []).append(item)
    return Page(index_path("event"), "events.html", {"title": "Events", "years": tuple(years.items())})


def _article(graph: Graph, views: ViewMaker, look: Lookups, slug: str) -> Page:
    article = graph.articles[slug]
    named: dict[str, list[Link]] = {}
    for entity_id in sorted(graph.named_in[slug], key=lambda i: graph.entities[i].name.casefold()):
        entity = graph.entities[entity_id]
        named.setdefault(entity.kind, []).append(views.entity_link(entity_id))
    facts = tuple((views.entity_link(f.subject), graph.properties[f.property].label, views.value(f.value),
                   f.status, f.as_of.human if f.as_of else "", f.period.human if f.period else "", f.quote)
                  for f in look.stated_in.get(slug, ()) if f.property not in _EVENT_FIELDS)
    tags = tuple(look.tags_of.get(slug, ()))
    return Page(article_path(slug), "article.html", {
        "title": article.title, "article": article, "facts": facts, "tags": tags,
        "named": tuple((KIND_LABELS[k][1], tuple(named[k])) for k in KINDS if k in named)})


_EVENT_FIELDS = frozenset(spec.key for spec in BUILTIN[:6])


def _event_item(graph: Graph, event_id: str, facts: list[Fact]) -> EventItem:
    entity = graph.entities[event_id]
    dates = sorted((f.value.date for f in facts if f.property == "date" and isinstance(f.value, DateValue)),
                   key=lambda d: (-d.day, -d.month))
    statuses = sorted((f for f in facts if f.property == "status" and isinstance(f.value, TextValue)),
                      key=lambda f: f.as_of or PartialDate(1))
    types = [f.value.text for f in facts if f.property == "type" and isinstance(f.value, TextValue)]
    date = dates[0] if dates else None
    return EventItem(entity.name, entity_path("event", entity.slug), date.human if date else "",
                     date.iso if date else "", str(date.year) if date else "", types[0] if types else "",
                     statuses[-1].value.text if statuses else "happened",
                     (date is None, date or PartialDate(0), entity.name.casefold()))


def _event_summary(views: ViewMaker, item: EventItem, facts: list[Fact]) -> dict:
    """The short answer to when, what, who and where, above an event's sourced facts."""
    def linked(prop: str) -> tuple[Link, ...]:
        ids = dict.fromkeys(f.value.entity_id for f in facts if f.property == prop and isinstance(f.value, EntityValue))
        return tuple(sorted((views.entity_link(i) for i in ids), key=lambda link: link.text.casefold()))
    summaries = dict.fromkeys(f.value.text for f in facts if f.property == "summary" and isinstance(f.value, TextValue))
    return {"item": item, "participants": linked("participant"), "places": linked("place"),
            "summary": next(iter(summaries), "")}


def _when(item: EventItem) -> tuple:
    return item.sort_key


def _related_links(graph: Graph, views: ViewMaker, counts: Counter) -> tuple:
    by_kind: dict[str, list] = {}
    for kind, ids in _group_by_kind(graph, counts).items():
        best = heapq.nsmallest(RELATED_PER_KIND, ids, key=lambda i: (-counts[i], graph.entities[i].name.casefold(), i))
        by_kind[kind] = [views.entity_link(entity_id) for entity_id in best]
    return tuple((KIND_LABELS[k][1], tuple(by_kind[k])) for k in KINDS if k in by_kind)


def _group_by_kind(graph: Graph, ids) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for entity_id in ids:
        groups.setdefault(graph.entities[entity_id].kind, []).append(entity_id)
    return groups
