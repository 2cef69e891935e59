"""The search documents: one small HTML page per fact sheet and article, made from the graph.

search.py explains what each holds and why. Each document sits at the output path of the page
it stands for, so Pagefind's result URLs are the pages' own; its first heading is the result's
title, `kind` (set in the head, so not searched) and `date` are shown beside it, and the text is
what the excerpt is cut from.
"""

from __future__ import annotations

import re
from html import escape, unescape

from typing import Collection, Mapping

from .config import SiteConfig
from .model import DateValue, Entity, EntityValue, Graph, TextValue, Value
from .records import Article
from .urls import article_path, entity_path, output_file
from .views import KIND_LABELS

DESCRIPTION_WORDS = 40
NAME_WEIGHT, ALIAS_WEIGHT = 10, 9   # Pagefind weighs a plain word 1 and a first heading 7
FIELDS = {   # property -> how a sheet's document introduces its first value
    "date": "", "type": "", "place": "in ", "parent company": "part of ", "located in": "in ", "summary": "",
}
_TAG = re.compile(r"<[^>]*>")


def search_documents(graph: Graph, config: SiteConfig, previous: Mapping[str, bytes] | None = None,
                     redo: Collection[tuple[str, str]] | None = None) -> dict[str, bytes]:
    """Output path of each fact sheet and article -> its search document, sorted by path.

    Given the last build's documents and `redo`, the keys of the pages an edit that kept every name
    touched (edits.touched_pages), only the documents of those sheets and articles are made again:
    the others hold nothing such an edit can change.
    """
    start = f'<!DOCTYPE html>\n<html lang="{escape(config.language)}"><head><meta charset="utf-8">'
    if previous is None or redo is None or len(previous) != len(graph.entities) + len(graph.articles):
        entities, articles, documents = graph.entities.values(), graph.articles.values(), {}
    else:
        entities = [graph.entities[which] for what, which in sorted(redo) if what == "entity"]
        articles = [graph.articles[which] for what, which in sorted(redo) if what == "article"]
        documents = dict(previous)
    fields = _fields(graph, {entity.id for entity in entities})
    for entity in entities:
        head = f'{start}<meta data-pagefind-meta="kind:{KIND_LABELS[entity.kind][0]}"></head><body>\n'
        body = _entity_body(entity, fields.get(entity.id, {}))
        documents[output_file(entity_path(entity.kind, entity.slug))] = (head + body + "</body></html>\n").encode()
    head = f'{start}<meta data-pagefind-meta="kind:Article"></head><body>\n'
    for article in articles:
        documents[output_file(article_path(article.slug))] = (head + _article_body(graph, article) + "</body></html>\n").encode()
    return dict(sorted(documents.items()))


def _entity_body(entity: Entity, fields: dict[str, str]) -> str:
    lines = [f'<h1 data-pagefind-weight="{NAME_WEIGHT}">{escape(entity.name)}</h1>']
    if entity.aliases:
        names = ", ".join(f'<span data-pagefind-weight="{ALIAS_WEIGHT}">{escape(a)}</span>' for a in entity.aliases)
        lines.append(f"<p>Also known as {names}.</p>")
    about = " · ".join(prefix + fields[key] for key, prefix in FIELDS.items() if fields.get(key) and key != "summary")
    if about:
        lines.append(f"<p>{escape(about[:1].upper() + about[1:])}</p>")
    if fields.get("summary"):
        lines.append(f"<p>{escape(fields['summary'])}</p>")
    if entity.profile and (description := _first_words(entity.profile.body.html)):
        lines.append(f"<p>{escape(description)}</p>")
    return "\n".join(lines) + "\n"


def _article_body(graph: Graph, article: Article) -> str:
    byline = [f'<span data-pagefind-meta="date">{escape(article.date.human)}</span>']
    if article.source and article.source.name:
        byline.append(escape(article.source.name))
    if article.source and article.source.author:
        byline.append("by " + escape(article.source.author))
    lines = [f"<h1>{escape(article.title)}</h1>", f"<p>{' · '.join(byline)}</p>"]
    if article.summary:
        lines.append(f"<p>{escape(article.summary)}</p>")
    names = sorted((graph.entities[i].name for i in graph.named_in.get(article.slug, ())), key=str.casefold)
    if names:
        lines.append(f"<p>Names: {escape(', '.join(names))}.</p>")
    tags = [graph.tags[slug].label for slug in graph.tags_of.get(article.slug, ())]
    if tags:
        lines.append(f"<p>Tags: {escape(', '.join(tags))}.</p>")
    return "\n".join(lines) + "\n"


def _fields(graph: Graph, subjects: Collection[str]) -> dict[str, dict[str, str]]:
    """Entity id -> the first value of each of its FIELDS, as text, in the graph's order of facts, for these entities."""
    found: dict[str, dict[str, str]] = {}
    for fact in graph.facts:
        if fact.property in FIELDS and fact.subject in subjects:
            mine = found.setdefault(fact.subject, {})
            if fact.property not in mine:
                mine[fact.property] = _text(graph, fact.value)
    return found


def _text(graph: Graph, value: Value) -> str:
    if isinstance(value, EntityValue):
        entity = graph.entities.get(value.entity_id)
        return entity.name if entity else ""
    if isinstance(value, DateValue):
        return value.date.human
    if isinstance(value, TextValue):
        return value.text
    return str(value)


def _first_words(html: str) -> str:
    """The first DESCRIPTION_WORDS words of a rendered profile, as plain text."""
    words = unescape(_TAG.sub(" ", html)).split()
    return " ".join(words[:DESCRIPTION_WORDS]) + (" …" if len(words) > DESCRIPTION_WORDS else "")
