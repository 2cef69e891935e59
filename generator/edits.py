"""Edits that keep every name: only the facts or the bodies of some articles and profiles changed.

Most saves are such edits: a figure corrected, a fact added, a sentence reworded. Every other
field of the changed files (slug, title, date, summary, source, tags, the names they list, their
inline events, a profile's names and links) is as it was, and so is the property table. Then
the entities, names, tags and the order of articles are the last build's, and:
- `resolve_edit` resolves only the changed files' facts against the last build's names (serve);
- `change_of` says what the edit changed, after a resolve from scratch (the command line);
- `touched_pages` names the only pages whose inputs (inputs.py) can differ: the edited
  articles, the sheets of the entities their facts are about, point to or stop pointing to, of
  the entities their articles name when those names changed, of the participants of an edited
  event, the lists of entities whose counts of facts or mentions changed, and those that show events.
  Every other page is as it was.
Any other change (a file added or removed, a name, title, date or tag changed, a new property,
properties.yaml) returns None here, and the build resolves and plans every page.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, replace
from itertools import chain
from operator import attrgetter
from typing import Mapping

from .errors import Problems
from .facts import FactResolver
from .lookups import Lookups
from .model import EntityValue, Fact, Graph
from .names import NameIndex
from .parse import Parsed, ParsedFile
from .properties import property_table
from .records import Article, Body, Profile
from .resolve import Resolution, mentions_of, named_in_articles

_NO_BODY = Body("")


@dataclass(frozen=True, slots=True)
class Edit:
    """The content files an edit changed, each only in its facts or body."""

    files: tuple[tuple[Article | Profile, Article | Profile], ...]   # (before, after) record of each changed file


@dataclass(frozen=True, slots=True)
class Change:
    """What an edit that kept every name changed in the graph."""

    articles: frozenset[str]                      # slugs of the edited articles
    profiles: frozenset[str]                      # ids of the entities whose profiles were edited
    facts_before: tuple[Fact, ...]                # what the edited files stated before
    facts_after: tuple[Fact, ...]                 # and what they state now
    named_before: Mapping[str, tuple[str, ...]]   # edited article slug -> the entities it named before
    named_after: Mapping[str, tuple[str, ...]]    # and now (fact subjects and values count as named)

    def subjects(self) -> set[str]:
        """The entities whose facts the edit changed."""
        return {fact.subject for fact in (*self.facts_before, *self.facts_after)}


def find_edit(before: Mapping[str, ParsedFile | None], after: Mapping[str, ParsedFile]) -> Edit | None:
    """The edit from one build's parses to the next's (by content path), if it kept every name; else None."""
    if before.keys() != after.keys():
        return None
    files = []
    for rel, new in after.items():
        old = before[rel]
        if old is new or (old is not None and old.record == new.record):   # unchanged, or saved again as it was
            continue
        if old is None or not _names_kept(old.record, new.record):
            return None
        files.append((old.record, new.record))
    return Edit(tuple(files))


def _names_kept(old, new) -> bool:
    """Whether two records of one file differ at most in their facts and body (an article may be a StoredArticle)."""
    same_kind = any(isinstance(old, kind) and isinstance(new, kind) for kind in (Article, Profile))
    return same_kind and _unstated(old) == _unstated(new)


def _unstated(record: Article | Profile) -> Article | Profile:
    """The record without its facts and body (and, for an article, the digest of its text, which they change)."""
    if isinstance(record, Article):
        return replace(record, facts=(), body=_NO_BODY, digest="")
    return replace(record, facts=(), body=_NO_BODY)


def _same_labels(edit: Edit) -> bool:
    """Whether every edited file states facts of the same property labels as before (as written, each
    counted once, in order). Then the property table (properties.property_table) is unchanged, and no
    other file need be read to see so."""
    return all(_labels(old) == _labels(new) for old, new in edit.files)


def _labels(record: Article | Profile) -> tuple[str, ...]:
    return tuple(dict.fromkeys(fact.property for fact in record.facts))


def resolve_edit(last: Resolution, parsed: Parsed, edit: Edit) -> tuple[Resolution, Change, Problems] | None:
    """The resolution of `parsed`, made from `last` by resolving only the edited files' facts (None if the
    edit adds or drops a property, which retypes facts everywhere)."""
    graph = last.graph
    if not _same_labels(edit) and list(property_table(parsed).items()) != list(graph.properties.items()):
        return None
    problems = Problems()
    resolver = FactResolver(last.index, graph.properties, problems)
    entities = dict(graph.entities)
    edited: dict[str, list[Fact]] = {}
    for old, new in edit.files:
        if isinstance(new, Profile):
            own = last.index.lookup(new.name.text)
            if own is None or entities[own].profile != old:
                return None   # its name clashed
            entities[own] = replace(entities[own], profile=new)
            edited[new.path] = resolver.of_profile(new, own)
        else:
            edited[new.path] = resolver.of_article(new)
    try:
        facts, runs = _spliced(graph.facts, (*parsed.articles, *parsed.profiles), edited)
    except KeyError:   # a fact from a file that is not there: not an edit of this graph's content
        return None
    before = tuple(f for old, new in edit.files for f in runs[new.path])
    after = tuple(f for path in edited for f in edited[path])
    articles = {new.slug: new for old, new in edit.files if isinstance(new, Article)}
    named_in = dict(graph.named_in)
    named_in.update(named_in_articles(articles, last.named, after))
    all_articles = {slug: articles.get(slug, article) for slug, article in graph.articles.items()}
    same_names = all(named_in[slug] == graph.named_in[slug] for slug in articles)
    new_graph = replace(graph, entities=entities, articles=all_articles, facts=facts, named_in=named_in,
                        mentions=graph.mentions if same_names else mentions_of(all_articles, named_in))
    problems.warnings.extend(last.warnings)
    change = _change(edit, last.index, before, after, graph.named_in, named_in)
    return Resolution(new_graph, last.index, last.named, last.warnings), change, problems


def change_of(resolution: Resolution, parsed: Parsed, edit: Edit) -> Change | None:
    """What `edit` changed, given the resolution of the content after it (None if it adds or drops a property)."""
    graph = resolution.graph
    old_records = {old.path: old for old, new in edit.files}
    if not _same_labels(edit):
        before_parsed = replace(parsed, articles=tuple(old_records.get(a.path, a) for a in parsed.articles),
                                profiles=tuple(old_records.get(p.path, p) for p in parsed.profiles))
        if list(property_table(before_parsed).items()) != list(graph.properties.items()):
            return None
    resolver = FactResolver(resolution.index, graph.properties, Problems())
    before: list[Fact] = []
    for old, new in edit.files:
        if isinstance(old, Profile):
            before += resolver.of_profile(old, resolution.index.lookup(old.name.text))
        else:
            before += resolver.of_article(old)
    paths = set(old_records)
    after = tuple(fact for fact in graph.facts if fact.path in paths)
    old_articles = {old.slug: old for old, new in edit.files if isinstance(old, Article)}
    named_before = named_in_articles(old_articles, resolution.named, tuple(before))
    return _change(edit, resolution.index, tuple(before), after, named_before, graph.named_in)


def _change(edit: Edit, index: NameIndex, before: tuple[Fact, ...], after: tuple[Fact, ...],
            named_before: Mapping[str, tuple[str, ...]], named_after: Mapping[str, tuple[str, ...]]) -> Change:
    slugs = frozenset(new.slug for old, new in edit.files if isinstance(new, Article))
    profiles = frozenset(index.lookup(new.name.text) for old, new in edit.files if isinstance(new, Profile))
    return Change(slugs, profiles, before, after, {s: named_before[s] for s in slugs}, {s: named_after[s] for s in slugs})


def _spliced(facts: tuple[Fact, ...], files: tuple[Article | Profile, ...], edited: Mapping[str, list[Fact]],
             ) -> tuple[tuple[Fact, ...], dict[str, tuple[Fact, ...]]]:
    """The facts with the run of each edited file (by path) replaced by its new facts, and the runs replaced.

    A file's facts are next to each other, and the files' runs in the order of `files` (facts.py
    resolves them so, and so does this), so each run is found by bisection, without a Python loop over the facts."""
    position = {record.path: number for number, record in enumerate(files)}
    order = list(map(position.__getitem__, map(_PATH, facts)))   # each fact's file's place: never decreasing
    cuts = sorted((bisect_left(order, position[path]), bisect_right(order, position[path]), path) for path in edited)
    parts: list = []
    runs: dict[str, tuple[Fact, ...]] = {}
    done = 0
    for start, end, path in cuts:
        parts += (facts[done:start], edited[path])
        runs[path] = facts[start:end]
        done = end
    parts.append(facts[done:])
    return tuple(chain.from_iterable(parts)), runs


_PATH = attrgetter("path")


def _recounted(change: Change) -> set[str]:
    """The subjects that have another number of facts after the change."""
    before = Counter(fact.subject for fact in change.facts_before)
    after = Counter(fact.subject for fact in change.facts_after)
    return {subject for subject in before.keys() | after.keys() if before[subject] != after[subject]}


def touched_pages(graph: Graph, look: Lookups, change: Change) -> set[tuple[str, str]]:
    """The keys of the pages whose inputs the change can have changed (pages.PagePlanner's keys, feeds' keys)."""
    facts = (*change.facts_before, *change.facts_after)
    entities = change.subjects() | {f.value.entity_id for f in facts if isinstance(f.value, EntityValue)}
    keys: set[tuple[str, str]] = {("article", slug) for slug in change.articles}
    counted = _recounted(change)   # the entities whose counts of facts or mentions the indexes show changed
    for slug in change.articles:
        before, after = set(change.named_before[slug]), set(change.named_after[slug])
        if before != after:   # mentions and pairings changed
            entities |= before | after
            counted |= before ^ after
            keys |= {("feed", entity_id) for entity_id in before ^ after}
    events = {e for e in change.subjects() if graph.entities[e].kind == "event"}
    for event in events:   # their timelines show the event
        entities |= {f.value.entity_id for f in (*look.facts_of.get(event, ()), *change.facts_before)
                     if f.subject == event and f.property in ("participant", "place") and isinstance(f.value, EntityValue)}
    keys |= {("entity", e) for e in entities | change.profiles}
    kinds = {graph.entities[e].kind for e in counted}
    keys |= {("index", kind) for kind in kinds if kind != "event"}   # they show each entity's counts, no more
    if events or len(change.facts_before) != len(change.facts_after):
        keys |= {("events", ""), ("home", "")}
    return keys
