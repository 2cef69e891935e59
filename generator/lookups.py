"""The maps pages are planned from: facts by subject and by article, events by participant, tag
links and related entities. Made once per build, or updated from the last build's after an edit
that kept every name (edits.py), which is far quicker than pairing every entity again."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Mapping

from .model import EntityValue, Fact, Graph
from .urls import tag_path
from .views import Link

if TYPE_CHECKING:
    from .edits import Change


@dataclass(frozen=True)
class Lookups:
    """Maps computed once per build so that no page scans the whole graph."""

    facts_of: dict[str, list[Fact]]      # entity id -> facts about it
    stated_in: dict[str, list[Fact]]     # article slug -> facts it states
    events_of: dict[str, list[str]]      # entity id -> events it takes part in
    tags_of: dict[str, list[Link]]       # article slug -> its tag links
    related: dict[str, Mapping[str, int]]   # entity id -> entities it shares articles or facts with (a Counter, or
                                            # a dict as the cache's base keeps it), and how often


def make_lookups(graph: Graph) -> Lookups:
    """The lookups of a graph, from scratch."""
    links = {slug: Link(tag.label, tag_path(slug)) for slug, tag in graph.tags.items()}   # one each, shared
    tags_of = {slug: [links[s] for s in tag_slugs] for slug, tag_slugs in graph.tags_of.items()}
    return Lookups(*_by_fact(graph.facts), tags_of, _related(graph))


def update_lookups(look: Lookups, graph: Graph, change: Change) -> Lookups:
    """The lookups of `graph`, from `look`, those of the graph before an edit that kept every name."""
    related = dict(look.related)
    copied: set[str] = set()
    for named, facts, sign in ((change.named_before, change.facts_before, -1), (change.named_after, change.facts_after, 1)):
        for ids in named.values():
            for a in ids:
                _own(related, copied, a).update({b: sign for b in ids if b != a})
        for subject, value in _links(facts):
            _own(related, copied, subject)[value] += sign
            _own(related, copied, value)[subject] += sign
    for entity_id in copied:
        related[entity_id] = +related[entity_id]   # drops the pairs the edit undid
    edited = (*change.facts_before, *change.facts_after)
    if any(fact.property in ("participant", "place") for fact in edited):
        return Lookups(*_by_fact(graph.facts), look.tags_of, related)
    return Lookups(_patched(look.facts_of, change, lambda fact: fact.subject),
                   _patched(look.stated_in, change, lambda fact: fact.source.key if fact.source.kind == "article" else None),
                   look.events_of, look.tags_of, related)


def _patched(facts_by: dict[str, list[Fact]], change: Change, key) -> dict[str, list[Fact]]:
    """A map of facts by `key` with the edited files' facts replaced, each list still in the graph's order
    (articles' facts by path, then profiles' by path: the order files are parsed and facts resolved in)."""
    paths = {fact.path for fact in change.facts_before} | {fact.path for fact in change.facts_after}
    keys = {key(fact) for fact in (*change.facts_before, *change.facts_after)} - {None}
    patched = dict(facts_by)
    for k in keys:
        kept = [fact for fact in facts_by.get(k, ()) if fact.path not in paths]
        facts = sorted([*kept, *(fact for fact in change.facts_after if key(fact) == k)], key=_file_order)
        if facts:
            patched[k] = facts
        else:
            patched.pop(k, None)
    return patched


def _file_order(fact: Fact) -> tuple[bool, str]:
    return fact.source.kind == "profile", fact.path


def _own(related: dict[str, Mapping[str, int]], copied: set[str], entity_id: str) -> Counter:
    """The entity's counter, copied before its first change (the last build's lookups are left as they were)."""
    if entity_id not in copied:
        copied.add(entity_id)
        related[entity_id] = Counter(related.get(entity_id, ()))
    return related[entity_id]


def _by_fact(facts: Iterable[Fact]) -> tuple[dict, dict, dict]:
    """Facts by subject, facts by the article stating them, and events by participant or place."""
    facts_of: dict[str, list[Fact]] = {}
    stated_in: dict[str, list[Fact]] = {}
    events_of: dict[str, list[str]] = {}
    for fact in facts:
        facts_of.setdefault(fact.subject, []).append(fact)
        if fact.source.kind == "article":
            stated_in.setdefault(fact.source.key, []).append(fact)
        if fact.property in ("participant", "place") and isinstance(fact.value, EntityValue):
            events_of.setdefault(fact.value.entity_id, []).append(fact.subject)
    return facts_of, stated_in, events_of


def _links(facts: Iterable[Fact]) -> Iterable[tuple[str, str]]:
    """(subject, entity) of each fact whose value is another entity."""
    for fact in facts:
        if isinstance(fact.value, EntityValue) and fact.value.entity_id != fact.subject:
            yield fact.subject, fact.value.entity_id


def _related(graph: Graph) -> dict[str, Counter]:
    """Entity id -> other entities it shares articles or fact links with, and how often."""
    related: dict[str, Counter] = {}
    for ids in graph.named_in.values():
        for a in ids:
            counter = related.setdefault(a, Counter())
            counter.update(b for b in ids if b != a)
    for subject, value in _links(graph.facts):
        related.setdefault(subject, Counter())[value] += 1
        related.setdefault(value, Counter())[subject] += 1
    return related
