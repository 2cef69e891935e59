"""Structured data: one JSON-LD object per page, built as dicts and serialised safely for <script>.

Companies are schema.org Organizations, sites Places, people Persons, events BusinessEvents,
articles NewsArticles (`about` the entities they state facts about, `mentions` the others
they name); lists are CollectionPages and the home page a WebSite. URLs are absolute and
only present when `base_url` is set.
"""

from __future__ import annotations

import json

from .config import SiteConfig
from .lookups import Lookups
from .model import DateValue, EntityValue, Fact, Graph, TextValue
from .pages import Page
from .urls import absolute, article_path, entity_path

SCHEMA_TYPES = {"company": "Organization", "site": "Place", "person": "Person", "event": "BusinessEvent"}
LINKS = {"parent company": "parentOrganization", "located in": "containedInPlace",
         "place": "location", "participant": "attendee"}
EVENT_STATUS = {"planned": "https://schema.org/EventScheduled", "happened": "https://schema.org/EventScheduled",
                "cancelled": "https://schema.org/EventCancelled"}
LIST_TEMPLATES = frozenset({"index.html", "events.html", "articles.html", "tags.html", "tag.html"})


_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def to_script(data: dict, known: dict[int, str] | None = None) -> str:
    """JSON for inside <script type="application/ld+json">: `<`, `>` and `&` escaped so nothing breaks out.

    `known` holds the JSON of shared nodes (by id of the dict) that are encoded already.
    """
    text = _encode(data, known) if known else _ENCODER.encode(data)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _encode(data: dict, known: dict[int, str]) -> str:
    """The same text as the encoder's, with lists of shared nodes taken from `known`."""
    fields = []
    for key in sorted(data):
        value = data[key]
        if type(value) is list and value and id(value[0]) in known:
            text = "[" + ",".join([known.get(id(v)) or _ENCODER.encode(v) for v in value]) + "]"
        else:
            text = _ENCODER.encode(value)
        fields.append(f"{_ENCODER.encode(key)}:{text}")
    return "{" + ",".join(fields) + "}"


class StructuredData:
    """Makes the JSON-LD of each page; one per build."""

    def __init__(self, graph: Graph, config: SiteConfig, look: Lookups) -> None:
        self.graph = graph
        self.config = config
        self.facts_of = look.facts_of     # entity id -> the facts about it
        self.stated_in = look.stated_in   # article slug -> the facts it states
        self.refs: dict[str, dict] = {}   # entity id -> its short node, shared by every page that names it
        self.ref_texts: dict[int, str] = {}   # id of a short node -> its JSON, encoded once

    def for_page(self, page: Page) -> dict:
        """The JSON-LD object of one HTML page."""
        if page.template == "entity.html":
            data = self.entity(page.context["entity"].id)
        elif page.template == "article.html":
            data = self.article(page.context["article"].slug)
        else:
            kind = "WebSite" if page.template == "home.html" else \
                "CollectionPage" if page.template in LIST_TEMPLATES else "WebPage"
            data = self._node(kind, page.context.get("title") or self.config.title, page.path)
            if kind == "WebSite" and self.config.description:
                data["description"] = self.config.description
        return {"@context": "https://schema.org", **data}

    def script_for(self, page: Page) -> str:
        """The JSON-LD of one HTML page, as text for its <script>."""
        return to_script(self.for_page(page), self.ref_texts)

    def entity(self, entity_id: str) -> dict:
        """A company, site, person or event with its names and the links schema.org knows."""
        entity = self.graph.entities[entity_id]
        data = dict(self.ref(entity_id))
        if entity.aliases:
            data["alternateName"] = list(entity.aliases)
        facts = self.facts_of.get(entity_id, [])
        for fact in facts:
            key = LINKS.get(fact.property)
            if key and isinstance(fact.value, EntityValue) and self.ref(fact.value.entity_id) not in data.get(key, ()):
                data.setdefault(key, []).append(self.ref(fact.value.entity_id))
        if entity.kind == "event":
            data.update(_event_fields(facts))
        return data

    def article(self, slug: str) -> dict:
        """A NewsArticle: headline, date, source and the entities it is about or mentions."""
        article = self.graph.articles[slug]
        data = self._node("NewsArticle", article.title, article_path(slug))
        data["headline"] = article.title
        data["datePublished"] = article.date.iso
        if article.summary:
            data["description"] = article.summary
        if article.source:
            if article.source.author:
                data["author"] = {"@type": "Person", "name": article.source.author}
            if article.source.name:
                data["publisher"] = {"@type": "Organization", "name": article.source.name}
            if article.source.url:
                data["isBasedOn"] = article.source.url
        about = {fact.subject for fact in self.stated_in.get(slug, ())}
        named = sorted(self.graph.named_in.get(slug, ()))
        if about:
            data["about"] = [self.ref(i) for i in named if i in about]
        if set(named) - about:
            data["mentions"] = [self.ref(i) for i in named if i not in about]
        return data

    def ref(self, entity_id: str) -> dict:
        """A short node for an entity: its type, name and address (one shared dict: do not change it)."""
        ref = self.refs.get(entity_id)
        if ref is None:
            entity = self.graph.entities[entity_id]
            ref = self.refs[entity_id] = self._node(SCHEMA_TYPES[entity.kind], entity.name,
                                                    entity_path(entity.kind, entity.slug))
            self.ref_texts[id(ref)] = _ENCODER.encode(ref)   # the node lives as long as self.refs
        return ref

    def _node(self, kind: str, name: str, path: str) -> dict:
        data = {"@type": kind, "name": name}
        url = absolute(self.config.base_url, path)
        if url:
            data["@id"] = url
            data["url"] = url
        return data


def _event_fields(facts: list[Fact]) -> dict:
    """An event's date, latest status and summary as schema.org Event properties."""
    fields: dict = {}
    dated = sorted((f for f in facts if f.property == "status" and isinstance(f.value, TextValue)),
                   key=lambda f: (f.as_of is not None, f.as_of))
    if dated and dated[-1].value.text in EVENT_STATUS:
        fields["eventStatus"] = EVENT_STATUS[dated[-1].value.text]
    for fact in facts:
        if fact.property == "date" and isinstance(fact.value, DateValue):
            fields.setdefault("startDate", fact.value.date.iso)
        elif fact.property == "summary" and isinstance(fact.value, TextValue):
            fields.setdefault("description", fact.value.text)
    return fields
