"""What each fact sheet and article page is made from, as a digest: a page whose inputs are
unchanged since its file was written need not even be planned.

A page's inputs are the graph data its planner and its web extras read: for a fact sheet, the
entity, its facts, the articles that mention it or state those facts (as list items), the
entities it links to or is related to (as name, kind and slug), and the events on its
timeline (with their facts); for an article, the article (as its path and the digest of its
file's text, which parse to one article), the facts it states and the entities it names. Every
page also depends on the property table. The digest covers more than the page shows (a change
in a related entity's facts re-plans the page), never less. A tag page's inputs are the tag and
its articles (as list items), an entity's feed's the entity's name and the articles that
mention it. Pages that summarise the whole site (home, indexes, the site's feed) have no inputs
digest and are always planned and rendered: the writer keeps their files if the bytes are
unchanged.
"""

from __future__ import annotations

import functools
import hashlib
import io
import pickle
from typing import Any

import jinja2

from .model import EntityValue, Fact
from .pages import PageKey, PagePlanner
from .templating import referenced_templates


UNDIGESTED = ""   # what the cache keeps for a page without inputs digest: its file is kept only while no edit touches it


class TemplateDigests:
    """The digest of each template with every template it extends, includes or imports."""

    def __init__(self, env: jinja2.Environment) -> None:
        self.env = env
        self.known: dict[str, str] = {}

    def of(self, name: str, seen: frozenset[str] = frozenset()) -> str:
        """The digest of a template and those it uses; a name chosen at render time counts every template."""
        if name not in self.known:
            self.known[name] = self._digest(name, seen | {name})
        return self.known[name]

    def _digest(self, name: str, seen: frozenset[str]) -> str:
        try:
            source = self.env.loader.get_source(self.env, name)[0]
            used = referenced_templates(self.env, name, source)
        except jinja2.TemplateError:
            return digest((name, "unreadable"))   # rendering it reports the error
        if None in used:
            used = self.env.loader.list_templates()
        return digest((name, source, tuple(self.of(u, seen) for u in sorted(set(used)) if u not in seen)))


@functools.lru_cache(maxsize=4)
def template_digests(env: jinja2.Environment) -> TemplateDigests:
    """The template digests of an environment, kept while it is in use (a changed template makes a new one)."""
    return TemplateDigests(env)


class PageInputs:
    """Digests of the inputs of the pages of one graph."""

    def __init__(self, planner: PagePlanner, templates: TemplateDigests) -> None:
        self.graph = planner.graph
        self.look = planner.look
        self.templates = templates
        self.properties = digest(sorted(self.graph.properties.items()))
        self._items: dict[str, str] = {}   # article slug -> the digest of its list item, worked out once
        names = {e.id: (e.id, e.name, e.kind, e.slug) for e in self.graph.entities.values()}
        self._name = names.__getitem__   # entity id -> what a page shows of an entity it names or links to

    def fingerprint_all(self) -> None:
        """Fingerprint every fact and entity at once: before the pages are shared out to forked workers,
        which would each fingerprint again those their pages show."""
        for fact in self.graph.facts:
            fingerprint(fact)
        for entity in self.graph.entities.values():
            fingerprint(entity)

    def of(self, key: PageKey) -> str | None:
        """The digest of a page's inputs, its template's included, or None for a page that is always planned."""
        what, which = key
        if what == "entity":
            return digest((self.templates.of("entity.html"), self.properties, self._entity(which)))
        if what == "article":
            return digest((self.templates.of("article.html"), self.properties, self._article(which)))
        if what == "tag":
            tag = self.graph.tags[which]
            return digest((self.templates.of("tag.html"), tag, tuple(self._item(s) for s in tag.articles)))
        if what == "feed" and which:
            return digest((self.templates.of("feed.xml"), self._name(which),
                           tuple(self._item(s) for s in self.graph.mentions[which])))
        return None

    def _entity(self, entity_id: str) -> tuple:
        graph, look = self.graph, self.look
        facts = look.facts_of.get(entity_id, [])
        mentions = graph.mentions.get(entity_id, ())
        sources = sorted({f.source.key for f in facts if f.source.kind == "article"} | set(mentions))
        related = sorted(look.related.get(entity_id, {}).items())
        events = sorted(set(look.events_of.get(entity_id, ())))
        return (fingerprint(graph.entities[entity_id]), tuple(map(fingerprint, facts)), mentions,
                tuple(self._item(s) for s in sources), tuple((self._name(i), n) for i, n in related), self._names(facts),
                tuple((self._name(e), tuple(map(fingerprint, look.facts_of.get(e, ())))) for e in events))

    def _article(self, slug: str) -> tuple:
        graph, look = self.graph, self.look
        facts = look.stated_in.get(slug, [])
        named = graph.named_in.get(slug, ())
        article = graph.articles[slug]
        return (article.path, article.digest, tuple(map(fingerprint, facts)), tuple(self._name(i) for i in named),
                self._names(facts),
                tuple((graph.tags[t].slug, graph.tags[t].label) for t in graph.tags_of.get(slug, ())))

    def _names(self, facts: list[Fact]) -> tuple:
        """Names of the entities these facts are about, point to, or come from (profiles)."""
        ids = {f.subject for f in facts} | {f.value.entity_id for f in facts if isinstance(f.value, EntityValue)}
        ids |= {f.source.key for f in facts if f.source.kind == "profile"}
        return tuple(self._name(i) for i in sorted(ids))

    def _item(self, slug: str) -> str:
        """The digest of an article as a list item (many pages list the same one)."""
        item = self._items.get(slug)
        if item is None:
            article = self.graph.articles[slug]
            item = self._items[slug] = digest((slug, article.title, article.date, article.source, article.summary))
        return item


def digest(value: Any) -> str:
    """A hash of a value that depends on its contents only (the pickler's memo is off)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    pickler.dump(value)
    return hashlib.blake2b(buffer.getbuffer(), digest_size=20).hexdigest()


def fingerprint(record: Any) -> str:
    """The digest of a profile, entity or fact, worked out once per record object: pages share them.

    It hashes the record's repr, which names its class and shows every field's value, nested
    records' included: about half the time of pickling it (these records have no lazy fields).
    """
    known = _FINGERPRINTS.get(id(record))
    if known is None or known[0] is not record:
        if len(_FINGERPRINTS) > MAX_FINGERPRINTS:
            _FINGERPRINTS.clear()
        known = _FINGERPRINTS[id(record)] = (record, hashlib.blake2b(repr(record).encode(), digest_size=20).hexdigest())
    return known[1]


MAX_FINGERPRINTS = 500_000
_FINGERPRINTS: dict[int, tuple[Any, str]] = {}   # id of a record -> (the record, kept alive so the id stays its own; digest)
