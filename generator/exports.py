"""Data exports for analysts: every fact as CSV and JSON, every entity as JSON, and each sheet's facts.

One row per fact, sorted by subject, property and the order the content states them (the
columns and how a row is written are in rowformat.py). Each row and entity is serialised once
and shared by the files that list it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from .config import SiteConfig
from .model import DateValue, EntityValue, Fact, Graph, TextValue
from .quantities import Quantity
from .records import PropertySpec
from .rowformat import fact_csv, json_lines, row_json
from .sheets import build_rows
from .staging import KEEP
from .urls import DATA, absolute, article_path, data_path, entity_path

_ENCODER = json.JSONEncoder(ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class SubjectRows:
    """One subject's facts as the exports write them: reused by the next build while its key holds."""

    key: str      # the digest of the subject's sheet inputs (inputs.py), which cover every cell of its rows and
                  # every field of its entity record but the URL, and the site's base_url
    csv: bytes    # its lines of facts.csv
    json: bytes   # its objects of facts.json, joined by ",\n"
    count: int    # how many facts it has (0: an entity without facts, kept for its sheet's facts.json)
    entity: str   # its entity record as JSON, for entities.json and its sheet's facts.json


def export_files(graph: Graph, config: SiteConfig, sink: Callable[[str, Iterable[bytes]], Any] | None = None,
                 keys: Mapping[str, str] | None = None, previous: Mapping[str, SubjectRows] | None = None,
                 intact: Callable[[str], bool] | None = None) -> tuple[dict[str, Any], dict[str, SubjectRows]]:
    """data/facts.csv, data/facts.json, data/entities.json and a facts.json beside every fact sheet,
    and the rows of each entity that has a key, for the next build.

    Each file is handed to `sink` (the writer's `Stager.stage`) as soon as it is made, as chunks
    of bytes, and what it gives back stands in for the file; without one, the file's bytes do.
    `keys` gives each entity the digest of its sheet's inputs: an entity whose key is that of
    its rows in `previous` is not made again. If moreover `intact` says that its sheet's facts.json
    is as the build that made `previous` wrote it (with the same settings), that file is KEEP.
    """
    keep = sink or _joined
    previous = previous or {}
    made = _subject_rows(graph, config, keys or {}, previous)
    stating = [rows for rows in made.values() if rows.count]
    as_before = intact is not None and _rows_as_before(made, previous)   # then the files the rows make are too
    files = {f"{DATA}facts.csv": KEEP if as_before and intact(f"{DATA}facts.csv") else
             keep(f"{DATA}facts.csv", [fact_csv([], header=True), *(r.csv for r in stating)])}
    entity_texts = [made[entity_id].entity if entity_id in made else _entity_text(graph, config, entity_id, 0)
                    for entity_id in graph.entities]
    if as_before and intact(f"{DATA}facts.json"):
        files[f"{DATA}facts.json"] = KEEP
    else:
        whole = [b"[\n", b",\n".join(r.json for r in stating), b"\n]\n"] if stating else [b"[]\n"]
        files[f"{DATA}facts.json"] = keep(f"{DATA}facts.json", whole)
        del whole
    del stating
    files[f"{DATA}entities.json"] = keep(f"{DATA}entities.json", [json_lines(entity_texts)])
    for (entity_id, entity), text in zip(graph.entities.items(), entity_texts):
        rel, rows = data_path(entity_path(entity.kind, entity.slug)), made.get(entity_id)
        if intact is not None and rows is not None and rows is previous.get(entity_id) and intact(rel):
            files[rel] = KEEP   # its entity's sheet inputs cover every field of the file
            continue
        chunks = [f'{{\n"entity": {text},\n"facts": [\n'.encode("utf-8"), rows.json, b"\n]\n}\n"] \
            if rows is not None and rows.count else [f'{{"entity": {text}, "facts": []}}\n'.encode("utf-8")]
        files[rel] = keep(rel, chunks)
    return files, {subject: rows for subject, rows in made.items() if rows.key}


def _subject_rows(graph: Graph, config: SiteConfig, keys: Mapping[str, str], previous: Mapping[str, SubjectRows],
                  ) -> dict[str, SubjectRows]:
    """The rows of each subject (and empty ones for the other entities with a key), in subject order, sorted
    by property and then as the content states them, with its entity record."""
    by_subject: dict[str, list[Fact]] = {entity_id: [] for entity_id in keys if entity_id in graph.entities}
    for fact in graph.facts:
        by_subject.setdefault(fact.subject, []).append(fact)
    rows = _Rows(graph)
    made: dict[str, SubjectRows] = {}
    for subject in sorted(by_subject):
        key = f"{keys[subject]} {config.base_url}" if subject in keys else ""
        before = previous.get(subject)
        if key and before is not None and before.key == key:
            made[subject] = before
            continue
        facts = sorted(by_subject[subject], key=lambda fact: fact.property)   # stable: then content order
        conflicts = _conflicting(facts, graph.properties)
        values = [rows.values(fact, id(fact) in conflicts) for fact in facts]
        made[subject] = SubjectRows(key, fact_csv(values), ",\n".join(map(row_json, values)).encode("utf-8"),
                                    len(values),
                                    _entity_text(graph, config, subject, len(values)) if subject in graph.entities else "")
    return made


def _rows_as_before(made: Mapping[str, SubjectRows], previous: Mapping[str, SubjectRows]) -> bool:
    """Whether every subject's rows are the very bytes of `previous`, which holds no other subject."""
    if len(made) != len(previous):
        return False
    for subject, rows in made.items():
        before = previous.get(subject)
        if before is not rows and (before is None or not rows.key or before.count != rows.count
                                   or before.csv != rows.csv or before.json != rows.json):
            return False
    return True


def _joined(rel: str, chunks: Iterable[bytes]) -> bytes:
    return b"".join(chunks)


class _Rows:
    """Fact rows as tuples in the order of COLUMNS, with each subject and source looked up once."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.subjects: dict[str, tuple] = {}
        self.sources: dict[tuple[str, str], tuple] = {}

    def values(self, fact: Fact, conflict: bool) -> tuple:
        """The cells of one fact's row."""
        subject = self.subjects.get(fact.subject)
        if subject is None:
            entity = self.graph.entities[fact.subject]
            subject = self.subjects[fact.subject] = (entity.name, entity.id, entity.kind)
        source = self.sources.get((fact.source.kind, fact.source.key))
        if source is None:
            source = self.sources[fact.source.kind, fact.source.key] = (fact.source.kind, *_source(self.graph, fact))
        return (*subject, self.graph.properties[fact.property].label, *_value(self.graph, fact.value),
                fact.as_of.iso if fact.as_of else "", fact.period.iso if fact.period else "", fact.status,
                *source, fact.quote, conflict)


def entity_record(graph: Graph, config: SiteConfig, entity_id: str, facts: int) -> dict:
    """An entity with its names, where its sheet is, and how many facts and articles it has."""
    entity = graph.entities[entity_id]
    path = entity_path(entity.kind, entity.slug)
    return {"id": entity.id, "type": entity.kind, "name": entity.name, "slug": entity.slug,
            "aliases": list(entity.aliases), "path": path, "url": absolute(config.base_url, path),
            "data": data_path(path), "facts": facts,
            "articles": len(graph.mentions.get(entity_id, ()))}


def _entity_text(graph: Graph, config: SiteConfig, entity_id: str, facts: int) -> str:
    return _ENCODER.encode(entity_record(graph, config, entity_id, facts))


def _value(graph: Graph, value) -> tuple:
    """value, value_type, value_id, unit and comparator of a fact's value."""
    if isinstance(value, Quantity):
        return format(value.magnitude.normalize(), "f"), "quantity", "", value.unit, value.comparator
    if isinstance(value, DateValue):
        return value.date.iso, "date", "", "", ""
    if isinstance(value, EntityValue):
        return graph.entities[value.entity_id].name, "entity", value.entity_id, "", ""
    if isinstance(value, TextValue):
        return value.text, "text", "", "", ""
    return "", "", "", "", ""


def _source(graph: Graph, fact: Fact) -> tuple:
    """source_article, source_title, source_page and source_url of a fact."""
    if fact.source.kind == "profile":
        entity = graph.entities[fact.source.key]
        return "", f"Profile of {entity.name}", entity_path(entity.kind, entity.slug), ""
    article = graph.articles[fact.source.key]
    return article.slug, article.title, article_path(article.slug), article.source.url if article.source else ""


def _conflicting(facts: list[Fact], properties: Mapping[str, PropertySpec]) -> set[int]:
    """ids of the facts (of one subject) in a reading where sources disagree, as on the fact sheets.

    Only a single-valued property can have such a reading, and only when two of its facts
    share a status but not a value; the sheets' own grouping decides for those.
    """
    groups: dict[str, list[Fact]] = {}
    for fact in facts:
        if properties[fact.property].single:
            groups.setdefault(fact.property, []).append(fact)
    found = set()
    for group in groups.values():
        if len(group) > 1 and _may_conflict(group):
            for row in build_rows(group, properties):
                for reading in (r for r in row.readings if r.conflict):
                    found.update(id(fact) for claim in reading.claims for fact in claim.facts)
    return found


def _may_conflict(facts: list[Fact]) -> bool:
    """True when two facts could land in one reading (same period, and the same as-of date or
    one undated) with the same status but different values."""
    dated: dict[tuple, set] = {}
    undated: dict[tuple, set] = {}
    for fact in facts:
        group = undated if fact.as_of is None else dated
        group.setdefault((fact.status, fact.period, fact.as_of), set()).add(fact.value.key())
    if any(len(keys) > 1 for keys in (*dated.values(), *undated.values())):
        return True
    return any(dated_keys != keys for (status, period, _), dated_keys in dated.items()
               for keys in [undated.get((status, period, None))] if keys)
