"""Stage 3, resolve: names -> entities, facts -> graph. Errors name both files on a clash."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from .errors import ContentError, Problems
from .facts import resolve_facts
from .model import LIST_KINDS, Entity, EntityValue, Fact, Graph
from .names import NameIndex, fold_name
from .parallel import collector_paused
from .parse import Parsed
from .properties import property_table
from .records import Article, Name, Profile
from .slugs import slugify_name
from .tags import collect_tags
from .urls import entity_path

KIND_FOLDER = {kind: folder for folder, kind in LIST_KINDS.items()}


@dataclass(frozen=True, slots=True)
class Resolution:
    """A resolved graph and the names that reach its entities (edits.py resolves an edit that keeps every name with them)."""

    graph: Graph
    index: NameIndex    # every name and alias, folded -> entity id
    named: Mapping[str, Mapping[str, None]]   # article path -> the entities its lists and events name, in order
    warnings: tuple[ContentError, ...]        # what resolving warned of (an edit that keeps every name warns the same)


def resolve_graph(parsed: Parsed) -> tuple[Graph, Problems]:
    """Resolve every name to an entity and every fact to typed values; collect all clashes."""
    resolution, problems = resolve_site(parsed)
    return resolution.graph, problems


def resolve_site(parsed: Parsed) -> tuple[Resolution, Problems]:
    """The graph of the parsed content, with the names that resolved it; collect all clashes."""
    with collector_paused():
        problems = Problems()
        registry = _Registry(problems)
        for profile in parsed.profiles:
            registry.add_profile(profile)
        for profile in parsed.profiles:
            registry.add_profile_links(profile)
        for article in parsed.articles:
            registry.add_article(article)
        registry.check_entities()
        properties = property_table(parsed)
        facts = resolve_facts(parsed, registry.index, registry.entities, properties, problems)
        articles = _unique_articles(parsed.articles, problems)
        named_in = named_in_articles(articles, registry.named, facts)
        tags, tags_of = collect_tags(articles, problems)
        graph = Graph(
            entities=dict(sorted(registry.entities.items())), articles=articles, facts=facts,
            properties=properties, mentions=mentions_of(articles, named_in), named_in=named_in,
            tags=tags, tags_of=tags_of)
    return Resolution(graph, registry.index, registry.named, tuple(problems.warnings)), problems


class _Registry:
    """The resolve stage's working set of entities and the names that reach them."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        self.index = NameIndex()
        self.entities: dict[str, Entity] = {}
        self.named: dict[str, dict[str, None]] = {}   # article path -> the entities its lists and events name

    def add_profile(self, profile: Profile) -> None:
        """An entity with its canonical name and aliases, from a profile."""
        origin = f"{profile.path}:{profile.name.line}"
        entity_id = f"{profile.kind}:{fold_name(profile.name.text)}"
        other = self.entities[entity_id].origin if entity_id in self.entities else \
            self.index.claim(profile.name.text, entity_id, origin)
        if other:
            self.problems.error(profile.path, profile.name.line,
                                f"'{profile.name.text}' would name two entities: it is already used at {other}")
            return
        folded = fold_name(profile.name.text)
        aliases = tuple(dict.fromkeys(a.text for a in profile.aliases if fold_name(a.text) != folded))
        self.entities[entity_id] = Entity(entity_id, profile.kind, profile.name.text, profile.slug,
                                          aliases, profile, profile.path, profile.name.line)
        for alias in profile.aliases:
            other = self.index.claim(alias.text, entity_id, f"{profile.path}:{alias.line}")
            if other:
                self.problems.error(profile.path, alias.line,
                                    f"'{alias.text}' would name two entities: it is already used at {other}")

    def add_profile_links(self, profile: Profile) -> None:
        """Names a profile links to: its parent or place, an event's participants."""
        for prop, name in profile.relations:
            self.name(profile.path, name, "company" if prop == "parent company" else "site", prop)
        if profile.event is not None:
            self.add_event_names(profile.path, profile.event)

    def add_event_names(self, path: str, event, named: dict[str, None] | None = None) -> None:
        """An event's participants, typed by their lists (and added to `named`, if given)."""
        named = {} if named is None else named
        for key, kind, names in (("companies", "company", event.companies), ("sites", "site", event.sites),
                                 ("people", "person", event.people)):
            for name in names:
                named[self.name(path, name, kind, key)] = None

    def add_article(self, article: Article) -> None:
        """Every name an article lists, typed by its list; remembers the entities it names, in order."""
        named: dict[str, None] = {}
        path, lookup, entities = article.path, self.index.lookup, self.entities
        for key, kind, names in (("companies", "company", article.companies), ("sites", "site", article.sites),
                                 ("people", "person", article.people), ("events", "event", article.event_refs)):
            for name in names:
                entity_id = lookup(name.text)   # the common case inline: a known name of the right kind
                if entity_id is None or entities[entity_id].kind != kind:
                    entity_id = self.name(path, name, kind, key)
                named[entity_id] = None
        for event in article.events:
            named[self.name(path, event.name, "event", "events")] = None
            self.add_event_names(path, event, named)
        self.named[path] = named

    def name(self, path: str, name: Name, kind: str, listed_as: str) -> str:
        """The entity a listed name reaches, creating it (typed by the list) when new."""
        entity_id = self.index.lookup(name.text)
        if entity_id is None:
            entity_id = f"{kind}:{fold_name(name.text)}"
            origin = f"{path}:{name.line}"
            self.entities[entity_id] = Entity(entity_id, kind, name.text, slugify_name(name.text), (), None,
                                              path, name.line)
            self.index.claim(name.text, entity_id, origin)
        elif self.entities[entity_id].kind != kind:
            entity = self.entities[entity_id]
            self.problems.warn(path, name.line, f"'{name.text}' is listed under {listed_as} but is a "
                               f"{entity.kind} (first named at {entity.origin})")
        return entity_id

    def check_entities(self) -> None:
        """Every entity needs its own URL; names without profiles get a gentle warning."""
        owners: dict[str, Entity] = {}
        for entity in self.entities.values():
            path, line = entity.path, entity.line
            if not entity.slug:
                self.problems.error(path, line, f"cannot make a URL from the name '{entity.name}'; give it a profile with a slug")
                continue
            url = entity_path(entity.kind, entity.slug)
            if url in owners:
                self.problems.error(path, line, f"two pages want {url}: '{entity.name}' here and "
                                    f"'{owners[url].name}' at {owners[url].origin}")
            owners[url] = entity
            if entity.profile is None:
                self._warn_unprofiled(entity, path, line)
        self.index.forget_index()

    def _warn_unprofiled(self, entity: Entity, path: str, line: int) -> None:
        lookalike = self.index.lookalike(entity.name, lambda other: self.entities[other].kind == entity.kind)
        if lookalike:
            self.problems.warn(path, line, f"'{entity.name}' looks like a typo of '{lookalike}'; fix the "
                               "spelling or add it as an alias in a profile")
        self.problems.warn(path, line, f"{entity.kind} '{entity.name}' has no profile "
                           f"({KIND_FOLDER[entity.kind]}/{entity.slug}.md)", category="no-profile")


def _unique_articles(articles: tuple[Article, ...], problems: Problems) -> dict[str, Article]:
    """Articles by slug, newest first; two articles wanting one URL is an error naming both."""
    by_slug: dict[str, Article] = {}
    for article in articles:
        if article.slug in by_slug:
            problems.error(article.path, article.slug_line, f"two pages want articles/{article.slug}/: "
                           f"this article and {by_slug[article.slug].path}")
        else:
            by_slug[article.slug] = article
    ordered = sorted(by_slug.values(), key=lambda a: (a.date.year, a.date.month, a.date.day, a.slug), reverse=True)
    return {article.slug: article for article in ordered}


def named_in_articles(articles: dict[str, Article], named_by_path: dict[str, dict[str, None]],
              facts: tuple[Fact, ...]) -> dict[str, tuple[str, ...]]:
    """Article slug -> every entity it names: lists, events (as the registry found them), fact subjects and linked values."""
    named = {slug: dict(named_by_path.get(article.path, ())) for slug, article in articles.items()}
    for fact in facts:
        if fact.source.kind == "article":
            own = named.get(fact.source.key)
            if own is not None:
                own[fact.subject] = None
                if isinstance(fact.value, EntityValue):
                    own[fact.value.entity_id] = None
    return {slug: tuple(ids) for slug, ids in named.items()}


def mentions_of(articles: dict[str, Article], named_in: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Entity id -> slugs of the articles naming it, newest first (articles are already ordered)."""
    mentions: dict[str, list[str]] = {}
    for slug in articles:
        for entity_id in named_in[slug]:
            mentions.setdefault(entity_id, []).append(slug)
    return {entity_id: tuple(slugs) for entity_id, slugs in mentions.items()}
