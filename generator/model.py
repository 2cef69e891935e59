"""The resolved graph: entities, facts with typed values and their sources."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from .dates import PartialDate, Period
from .quantities import Quantity
from .records import Article, Profile, PropertySpec

KINDS = ("company", "site", "person", "event")
LIST_KINDS = {"companies": "company", "sites": "site", "people": "person", "events": "event"}


@dataclass(frozen=True, slots=True)
class Entity:
    """A company, site, person or event: one fact sheet."""

    id: str                       # "<kind>:<slug>", unique
    kind: str
    name: str                     # canonical name
    slug: str
    aliases: tuple[str, ...]      # other names it goes by (from its profile)
    profile: Profile | None
    path: str                     # the file that first defined it (its profile, or an article)
    line: int                     # and the line there

    @property
    def origin(self) -> str:
        """Where it was first defined, as `path:line`."""
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class TextValue:
    """Free text."""

    text: str

    def key(self) -> tuple:
        """What makes two values the same."""
        return ("text", " ".join(self.text.casefold().split()))


@dataclass(frozen=True, slots=True)
class DateValue:
    """A date with its precision."""

    date: PartialDate

    def key(self) -> tuple:
        """What makes two values the same."""
        return ("date", self.date)


@dataclass(frozen=True, slots=True)
class EntityValue:
    """A link to another entity."""

    entity_id: str

    def key(self) -> tuple:
        """What makes two values the same."""
        return ("entity", self.entity_id)


Value = TextValue | DateValue | EntityValue | Quantity


def values_agree(a: Value, b: Value) -> bool:
    """True when two stated values do not contradict each other (2024-05 agrees with 2024-05-19)."""
    if isinstance(a, DateValue) and isinstance(b, DateValue):
        return a.date.agrees_with(b.date)
    return a.key() == b.key()


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a fact is stated: an article (by slug) or an entity's profile (by entity id)."""

    kind: str     # "article" or "profile"
    key: str


class Fact(NamedTuple):
    """One sourced statement: subject, property, value, with its date, status and quote.

    A named tuple rather than a frozen dataclass like the other records: it is the most numerous
    one (four or five per article), and a tuple is made in C when unpickled (pickling.py), which
    halves the time of loading the cache's base after an edit.
    """

    subject: str                  # entity id
    property: str                 # property key (folded label)
    value: Value
    status: str                   # actual, planned or estimate (events: happened, planned, cancelled)
    as_of: PartialDate | None     # None: timeless or undated
    period: Period | None
    quote: str
    source: SourceRef
    path: str                     # the file and line that state it
    line: int


@dataclass(frozen=True, slots=True)
class Tag:
    """A tag and the articles that carry it."""

    slug: str
    label: str
    articles: tuple[str, ...]     # article slugs, newest first


@dataclass(frozen=True)
class Graph:
    """Everything the site shows: the resolve stage's result, read-only from here on."""

    entities: dict[str, Entity]              # by id
    articles: dict[str, Article]             # by slug, newest first
    facts: tuple[Fact, ...]
    properties: dict[str, PropertySpec]      # by key
    mentions: dict[str, tuple[str, ...]]     # entity id -> article slugs, newest first
    named_in: dict[str, tuple[str, ...]]     # article slug -> entity ids it names
    tags: dict[str, Tag]                     # by slug
    tags_of: dict[str, tuple[str, ...]]      # article slug -> its tag slugs, in the article's order
