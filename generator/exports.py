"""Data exports for analysts: every fact as CSV and JSON, every entity as JSON, and each sheet's facts.

One row per fact, sorted by subject, property and the order the content states them. CSV
cells that a spreadsheet would run as a formula (text starting with = + - @, a tab or a
carriage return, unless it is a plain number) get a leading apostrophe; the JSON files hold
the exact text.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter

from .config import SiteConfig
from .model import DateValue, EntityValue, Fact, Graph, TextValue
from .quantities import Quantity
from .sheets import build_rows
from .urls import DATA, absolute, article_path, data_path, entity_path

COLUMNS = ("subject", "subject_id", "subject_type", "property", "value", "value_type", "value_id", "unit",
           "comparator", "as_of", "period", "status", "source_type", "source_article", "source_title",
           "source_page", "source_url", "quote", "conflict")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?([eE][+-]?\d+)?")


def export_files(graph: Graph, config: SiteConfig) -> dict[str, bytes]:
    """data/facts.csv, data/facts.json, data/entities.json and a facts.json beside every fact sheet."""
    conflicts = _conflicting(graph)
    order = sorted(range(len(graph.facts)), key=lambda i: (graph.facts[i].subject, graph.facts[i].property, i))
    rows = [fact_row(graph, graph.facts[i], i in conflicts) for i in order]
    counts = Counter(fact.subject for fact in graph.facts)
    entities = [entity_record(graph, config, entity_id, counts[entity_id]) for entity_id in graph.entities]
    files = {f"{DATA}facts.csv": to_csv(rows), f"{DATA}facts.json": to_json(rows),
             f"{DATA}entities.json": to_json(entities)}
    by_subject: dict[str, list[dict]] = {}
    for row in rows:
        by_subject.setdefault(row["subject_id"], []).append(row)
    for record in entities:
        files[data_path(record["path"])] = to_json({"entity": record, "facts": by_subject.get(record["id"], [])})
    return files


def fact_row(graph: Graph, fact: Fact, conflict: bool) -> dict:
    """One fact as a flat record with the columns of COLUMNS."""
    subject = graph.entities[fact.subject]
    row = {"subject": subject.name, "subject_id": subject.id, "subject_type": subject.kind,
           "property": graph.properties[fact.property].label, **_value(graph, fact.value),
           "as_of": fact.as_of.iso if fact.as_of else "", "period": fact.period.iso if fact.period else "",
           "status": fact.status, "source_type": fact.source.kind, **_source(graph, fact),
           "quote": fact.quote, "conflict": conflict}
    return {column: row[column] for column in COLUMNS}


def entity_record(graph: Graph, config: SiteConfig, entity_id: str, facts: int) -> dict:
    """An entity with its names, where its sheet is, and how many facts and articles it has."""
    entity = graph.entities[entity_id]
    path = entity_path(entity.kind, entity.slug)
    return {"id": entity.id, "type": entity.kind, "name": entity.name, "slug": entity.slug,
            "aliases": list(entity.aliases), "path": path, "url": absolute(config.base_url, path),
            "data": data_path(path), "facts": facts,
            "articles": len(graph.mentions.get(entity_id, ()))}


def to_csv(rows: list[dict]) -> bytes:
    """UTF-8 CSV with a header row and \\n line endings; formula-like text is defused."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(value) for key, value in row.items()})
    return buffer.getvalue().encode("utf-8")


def to_json(data: list | dict) -> bytes:
    """UTF-8 JSON with one record per line inside lists: readable, diff-friendly and fast to write."""
    return (_json(data) + "\n").encode("utf-8")


def _json(data) -> str:
    if isinstance(data, list):
        return "[\n" + ",\n".join(_json(item) for item in data) + "\n]" if data else "[]"
    if isinstance(data, dict) and any(isinstance(value, list) and value and isinstance(value[0], dict)
                                      for value in data.values()):
        return "{\n" + ",\n".join(f"{json.dumps(key)}: {_json(value)}" for key, value in data.items()) + "\n}"
    return json.dumps(data, ensure_ascii=False)


def defuse(text: str) -> str:
    """A CSV cell a spreadsheet will show as text: formula-like text gets a leading apostrophe."""
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def _cell(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return defuse(str(value))


def _value(graph: Graph, value) -> dict:
    """value, value_type, value_id, unit and comparator of a fact's value."""
    fields = {"value": "", "value_type": "", "value_id": "", "unit": "", "comparator": ""}
    if isinstance(value, Quantity):
        fields.update(value=format(value.magnitude.normalize(), "f"), value_type="quantity",
                      unit=value.unit, comparator=value.comparator)
    elif isinstance(value, DateValue):
        fields.update(value=value.date.iso, value_type="date")
    elif isinstance(value, EntityValue):
        fields.update(value=graph.entities[value.entity_id].name, value_type="entity", value_id=value.entity_id)
    elif isinstance(value, TextValue):
        fields.update(value=value.text, value_type="text")
    return fields


def _source(graph: Graph, fact: Fact) -> dict:
    """source_article, source_title, source_page and source_url of a fact."""
    if fact.source.kind == "profile":
        entity = graph.entities[fact.source.key]
        return {"source_article": "", "source_title": f"Profile of {entity.name}",
                "source_page": entity_path(entity.kind, entity.slug), "source_url": ""}
    article = graph.articles[fact.source.key]
    return {"source_article": article.slug, "source_title": article.title,
            "source_page": article_path(article.slug), "source_url": article.source.url if article.source else ""}


def _conflicting(graph: Graph) -> set[int]:
    """Indexes (into graph.facts) of facts in a reading where sources disagree, as on the fact sheets."""
    index = {id(fact): i for i, fact in enumerate(graph.facts)}
    facts_of: dict[str, list[Fact]] = {}
    for fact in graph.facts:
        facts_of.setdefault(fact.subject, []).append(fact)
    found = set()
    for facts in facts_of.values():
        for row in build_rows(facts, graph.properties):
            for reading in (r for r in row.readings if r.conflict):
                found.update(index[id(f)] for claim in reading.claims for f in claim.facts)
    return found
