"""The last resolved graph, kept in the cache (`resolved.pickle`) so that an edit from the command
line need not resolve and plan the whole site again.

A build that resolves the site from scratch keeps its resolution and its page planner's lookups
here, with the parse-cache key of every content file it was made from: the base. A later build
whose content differs from the base's only by edits that kept every name (edits.py) resolves those
edits from the base, as `serve` does from its last build, and updates the base's planner.

The pickle holds no article or profile record: each stands as its content path, and the records
are taken back from the parse cache (they are most of the graph, and pickled there already). When
the parse cache no longer holds one of them, the base is not used, and the build resolves afresh.
The related entities' counts are kept as plain dicts: a Counter unpickles half as fast, and an edit
copies the ones it changes into Counters (lookups.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Mapping

from .cachestore import load, save
from .edits import Edit, find_edit
from .model import Graph
from .pages import PagePlanner
from .parse import ParsedFile
from .records import Article, Profile
from .resolve import Resolution

NAME = "resolved"


@dataclass(frozen=True, slots=True)
class Base:
    """A resolution and its page planner that an edit can be resolved from, and that edit."""

    resolution: Resolution
    planner: PagePlanner
    edit: Edit            # what changed since, every name kept


def save_base(folder: Path, version: str, keys: Mapping[str, tuple], resolution: Resolution,
              planner: PagePlanner) -> None:
    """Keep a resolution made from scratch, its planner's lookups and the parse-cache `keys` (content path ->
    key) of the files it was made from."""
    graph = resolution.graph
    stripped = replace(graph, articles={slug: article.path for slug, article in graph.articles.items()},
                       entities={key: replace(entity, profile=entity.profile.path) if entity.profile else entity
                                 for key, entity in graph.entities.items()})
    look = replace(planner.look, related={entity_id: dict(counts) for entity_id, counts in planner.look.related.items()})
    save(folder, NAME, version, (dict(keys), replace(resolution, graph=stripped), look, planner.events))


def load_base(folder: Path, version: str, parse_of: Callable[[tuple], ParsedFile | None],
              after: Mapping[str, ParsedFile]) -> Base | None:
    """The base kept in `folder`, with the edit from it to the parses `after` (by content path); None if
    there is none, the parse cache (`parse_of`, by key) lacks one of its files, or the content changed more."""
    stored = load(folder, NAME, version)
    if not (isinstance(stored, tuple) and len(stored) == 4):
        return None
    keys, resolution, look, events = stored
    if keys.keys() != after.keys():
        return None
    before = {rel: parse_of(key) for rel, key in keys.items()}
    if any(parse is None for parse in before.values()):
        return None
    edit = find_edit(before, after)
    if edit is None:
        return None
    records = {parse.record.path: parse.record for parse in before.values() if isinstance(parse.record, (Article, Profile))}
    try:
        graph = _attached(resolution.graph, records)
    except KeyError:   # a base that does not match its own keys: written by hand, not by a build
        return None
    return Base(replace(resolution, graph=graph), PagePlanner(graph, look, events), edit)


def _attached(graph: Graph, records: Mapping[str, Article | Profile]) -> Graph:
    """The graph with each content path standing for a record replaced by the record."""
    return replace(graph, articles={slug: records[path] for slug, path in graph.articles.items()},
                   entities={key: replace(entity, profile=records[entity.profile]) if entity.profile else entity
                             for key, entity in graph.entities.items()})
