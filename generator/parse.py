"""Stage 2, parse: `Source` texts -> typed records; every problem collected with its line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Mapping, NamedTuple

from markdown_it_pyrs import MarkdownIt

from .cachestore import text_digest
from .dates import PartialDate
from .errors import ContentError, Problems
from .factfields import EVENT_KEYS, read_event_fields, read_events, read_facts
from .fields import FieldReader
from .frontmatter import load_meta, split_document
from .markdown import render_body
from .parallel import balanced_runs, run_shards, shard_count
from .progress import NO_PROGRESS, NoProgress
from .properties import parse_properties
from .records import Article, Body, Name, Profile, PropertySpec, SourceInfo
from .slugs import slugify_name
from .sources import Source
from .yamlsafe import Map, Scalar

ARTICLE_KEYS = ("title", "date", "slug", "summary", "source", "tags", "companies", "sites",
                "people", "events", "facts")
PROFILE_KEYS = {
    "company": ("name", "aliases", "slug", "facts", "parent"),
    "site": ("name", "aliases", "slug", "facts", "in"),
    "person": ("name", "aliases", "slug", "facts"),
    "event": ("name", "aliases", "slug", "facts") + EVENT_KEYS[1:],
}
RELATIONS = {"parent": "parent company", "in": "located in"}
_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*")
MAX_SLUG = 100
PARALLEL_FROM = 200   # fewer files than this are parsed in this process: forking would cost more than it saves
FILE_COST = 2000      # what parsing a file costs beside its text, in characters' worth: for runs of equal cost
_NO_DATE = PartialDate(1, 1, 1)   # stands in for a missing date; the build fails on that error anyway


@dataclass(frozen=True, slots=True)
class Parsed:
    """Everything the content says, file by file, before names are resolved."""

    articles: tuple[Article, ...]
    profiles: tuple[Profile, ...]
    properties: tuple[PropertySpec, ...]


class ParsedFile(NamedTuple):
    """What one source file yields, kept so an unchanged file need not be parsed again.

    A named tuple, like model.Fact: one per content file, all read back from the parse cache at
    every build, and a tuple is made in C when unpickled.
    """

    record: Article | Profile | tuple[PropertySpec, ...] | None   # None when the file could not be read at all
    errors: tuple[ContentError, ...]
    warnings: tuple[ContentError, ...]


def parse_sources(sources: tuple[Source, ...], md: MarkdownIt, known: Mapping[Source, ParsedFile] | None = None,
                  workers: int = 1, progress: NoProgress = NO_PROGRESS) -> tuple[Parsed, Problems, dict[Source, ParsedFile]]:
    """Parse every source (reusing `known` results for unchanged ones); a file with problems still yields what could be read.

    With several workers, the files to parse are shared out among forked processes.
    """
    problems = Problems()
    known = known or {}
    todo = tuple(source for source in sources if source not in known)
    if any(source.digest is not None for source in todo):
        raise ValueError("a content file left unread has no parse to reuse")
    shards = shard_count(workers) if len(todo) >= PARALLEL_FROM else 1
    runs = balanced_runs(todo, (FILE_COST + len(source.text) for source in todo), shards)
    progress.stage("parse", len(todo))
    fresh = []
    for shard in run_shards(_parse_shard, (runs, md), len(runs), workers):
        fresh += shard
        progress.advance(len(shard))
    made = dict(zip(todo, fresh))
    articles, profiles, properties = [], [], ()
    results = {}
    for source in sources:
        result = results[source] = known.get(source) or made[source]
        problems.errors.extend(result.errors)
        problems.warnings.extend(result.warnings)
        if source.kind == "properties":
            properties = result.record or ()
        elif source.kind == "article" and result.record is not None:
            articles.append(result.record)
        elif result.record is not None:
            profiles.append(result.record)
    return Parsed(tuple(articles), tuple(profiles), properties), problems, results


def _parse_shard(shared: tuple[list[tuple[Source, ...]], MarkdownIt], shard: int, shards: int) -> list[ParsedFile]:
    """The files of the `shard`-th run, parsed."""
    runs, md = shared
    return [parse_file(source, md) for source in runs[shard]]


def parse_file(source: Source, md: MarkdownIt) -> ParsedFile:
    """Parse one source file of any kind."""
    problems = Problems()
    record = None
    try:
        if source.kind == "properties":
            record = parse_properties(source.path, load_meta(source.path, source.text, what="properties.yaml",
                                                             problems=problems), problems)
        elif source.kind == "article":
            record = parse_article(source, md, problems)
        else:
            record = parse_profile(source, md, problems)
    except ContentError as error:
        problems.errors.append(error)
    return ParsedFile(record, tuple(problems.errors), tuple(problems.warnings))


def parse_article(source: Source, md: MarkdownIt, problems: Problems) -> Article:
    """Read one article's front matter and body."""
    doc = split_document(source.path, source.text, problems)
    read = FieldReader(source.path, doc.meta, problems)
    read.check_keys(ARTICLE_KEYS, "an article")
    body = render_body(md, doc.body, source.path, doc.body_line)
    date = read.date("date", required=True)
    if date is not None and not date.day:
        read.error("date", f"'date' must be a full day (YYYY-MM-DD); got '{date.iso}'")
    events, refs = read_events(read)
    return Article(
        path=source.path, slug=_slug(read, source), slug_line=read.line("slug"),
        title=read.text("title", required=True) or PurePosixPath(source.rel).stem,
        date=date or _NO_DATE, summary=read.text("summary") or "", source=_source_info(read),
        tags=read.names("tags"), companies=read.names("companies"), sites=read.names("sites"),
        people=read.names("people"), events=events, event_refs=refs,
        facts=read_facts(read, body.text, subject_required=True), body=Body(body.html), digest=text_digest(source.text))


def parse_profile(source: Source, md: MarkdownIt, problems: Problems) -> Profile:
    """Read one profile of a company, site, event or person."""
    doc = split_document(source.path, source.text, problems)
    read = FieldReader(source.path, doc.meta, problems)
    read.check_keys(PROFILE_KEYS[source.kind], f"a {source.kind} profile")
    body = render_body(md, doc.body, source.path, doc.body_line)
    name = Name(read.text("name", required=True) or PurePosixPath(source.rel).stem, read.line("name"))
    relations = tuple((RELATIONS[key], target) for key in ("parent", "in")
                      if key in PROFILE_KEYS[source.kind] for target in read.names(key))
    event = read_event_fields(read, name) if source.kind == "event" else None
    return Profile(
        path=source.path, kind=source.kind, name=name, aliases=read.names("aliases"),
        slug=_slug(read, source), slug_line=read.line("slug"), relations=relations, event=event,
        facts=read_facts(read, body.text, subject_required=False), body=Body(body.html))


def _slug(read: FieldReader, source: Source) -> str:
    given = read.text("slug")
    if given is None:
        return slugify_name(PurePosixPath(source.rel).stem) or "untitled"
    if len(given) > MAX_SLUG:
        read.error("slug", f"slug is longer than {MAX_SLUG} characters")
        return given[:MAX_SLUG]
    if not _SLUG.fullmatch(given):
        read.error("slug", f"slug '{given}' must be lower-case letters, digits, '-' and '_' (one URL segment)")
        return slugify_name(given) or "untitled"
    return given


def _source_info(read: FieldReader) -> SourceInfo | None:
    node = read.node("source")
    if node is None:
        return None
    if isinstance(node, Scalar):
        return SourceInfo(read.text("source") or "", "", "")
    if not isinstance(node, Map):
        read.error("source", "'source' must be a name or a mapping with name, url and author")
        return None
    sub = FieldReader(read.path, node, read.problems)
    sub.check_keys(("name", "url", "author"), "'source'")
    return SourceInfo(sub.text("name") or "", sub.url("url") or "", sub.text("author") or "")
