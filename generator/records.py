"""Stage 2's output: typed records of what each file says, names not yet resolved."""

from __future__ import annotations

from dataclasses import dataclass

from .dates import PartialDate, Period


@dataclass(frozen=True, slots=True)
class Name:
    """A name as written in the content, with its line."""

    text: str   # white space collapsed, case kept
    line: int   # line of the name in its file


@dataclass(frozen=True, slots=True)
class RawValue:
    """A fact's value as written; the resolve stage decides its type."""

    text: str
    line: int
    plain: bool   # False when the user quoted it


@dataclass(frozen=True, slots=True)
class FactRecord:
    """One fact as stated in one file."""

    subject: Name | None          # None in a profile: the profile's own entity
    property: str                 # label as written
    value: RawValue
    unit: str
    status: str                   # planned, estimate or actual
    as_of: PartialDate | None     # None: the source's date
    period: Period | None
    quote: str
    line: int                     # line of the fact's first key


@dataclass(frozen=True, slots=True)
class EventRecord:
    """An event's fields as one source states them."""

    name: Name
    date: PartialDate | None
    type: str
    status: str                   # planned, happened or cancelled; "" when not stated
    companies: tuple[Name, ...]
    sites: tuple[Name, ...]
    people: tuple[Name, ...]
    summary: str
    line: int


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """Where an article's story came from."""

    name: str
    url: str
    author: str


@dataclass(frozen=True, slots=True)
class Body:
    """A Markdown body, rendered once (its plain text served the quote checks while parsing, and is not kept)."""

    html: str


@dataclass(frozen=True, slots=True)
class Article:
    """A news article: its metadata, the names it lists and the facts it states."""

    path: str
    slug: str
    slug_line: int
    title: str
    date: PartialDate
    summary: str
    source: SourceInfo | None
    tags: tuple[Name, ...]
    companies: tuple[Name, ...]
    sites: tuple[Name, ...]
    people: tuple[Name, ...]
    events: tuple[EventRecord, ...]   # defined inline
    event_refs: tuple[Name, ...]      # bare names of events defined elsewhere
    facts: tuple[FactRecord, ...]
    body: Body
    digest: str                       # text_digest() of the file's text: the same text at the same path parses alike


@dataclass(frozen=True, slots=True)
class Profile:
    """A curated page for one entity: its names, description and facts."""

    path: str
    kind: str                          # company, site, event or person
    name: Name
    aliases: tuple[Name, ...]
    slug: str
    slug_line: int
    relations: tuple[tuple[str, Name], ...]   # (property, entity name): parent, located in, ...
    event: EventRecord | None          # an event profile's own fields
    facts: tuple[FactRecord, ...]
    body: Body


@dataclass(frozen=True, slots=True)
class PropertySpec:
    """How a property is typed, labelled and ordered (from properties.yaml or inferred)."""

    key: str          # folded label, the lookup key
    label: str
    type: str         # quantity, text, date, entity or "" (inferred per value)
    unit: str
    single: bool
    order: int
