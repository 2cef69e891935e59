"""Facts: typed values from what was written, every one tied to the file that states it."""

from __future__ import annotations

import re

from .dates import PartialDate, looks_like_date, parse_date
from .errors import Problems
from .model import DateValue, Entity, EntityValue, Fact, SourceRef, TextValue, Value
from .names import NameIndex, did_you_mean, fold_name
from .quantities import parse_quantity
from .records import Article, EventRecord, FactRecord, Profile, PropertySpec, RawValue

_YEAR = re.compile(r"[12]\d{3}")
_TYPE_HINTS = {"quantity": "a number such as 300000, over 500 or 1.5 billion",
               "date": "a date: YYYY, YYYY-MM or YYYY-MM-DD"}


def resolve_facts(parsed, index: NameIndex, entities: dict[str, Entity],
                  properties: dict[str, PropertySpec], problems: Problems) -> tuple[Fact, ...]:
    """Every stated fact, event field and profile link as a typed, sourced Fact."""
    resolver = FactResolver(index, properties, problems)
    facts: list[Fact] = []
    for article in parsed.articles:
        facts += resolver.of_article(article)
    for profile in parsed.profiles:
        own = index.lookup(profile.name.text)
        if own is not None and entities[own].profile is profile:   # else its name clashed: already an error
            facts += resolver.of_profile(profile, own)
    return tuple(facts)


class FactResolver:
    """Turns fact records into Facts against one name index and property table."""

    def __init__(self, index: NameIndex, properties: dict[str, PropertySpec], problems: Problems) -> None:
        self.index = index
        self.properties = properties
        self.problems = problems
        self._values: dict = {}   # each distinct value, date and period once: shared by the facts that state it

    def _shared(self, value):
        """The one copy of an equal value (or date, or period) this resolver has made, or this one."""
        return self._values.setdefault(value, value)

    def of_article(self, article: Article) -> list[Fact]:
        """The facts an article states, its events' fields among them."""
        source = SourceRef("article", article.slug)
        facts = self.facts(article.path, article.facts, None, article.date, source)
        for event in article.events:
            facts += self.event_facts(article.path, event, article.date, source)
        return facts

    def of_profile(self, profile: Profile, own: str) -> list[Fact]:
        """The facts a profile states about its entity `own`: its facts, links and event fields."""
        source = SourceRef("profile", own)
        facts = self.facts(profile.path, profile.facts, own, None, source)
        for prop, name in profile.relations:
            facts.append(Fact(own, prop, self._shared(EntityValue(self.index.lookup(name.text))), "actual", None, None,
                              "", source, profile.path, name.line))
        if profile.event is not None:
            facts += self.event_facts(profile.path, profile.event, None, source)
        return facts

    def facts(self, path: str, records, own: str | None, as_of: PartialDate | None,
              source: SourceRef) -> list[Fact]:
        """The facts one file states; `own` is the default subject (a profile's entity)."""
        facts = []
        lookup, properties, shared = self.index.lookup, self.properties, self._shared
        for record in records:
            subject = own if record.subject is None else lookup(record.subject.text)
            if subject is None:
                self.problems.error(path, record.subject.line, f"unknown subject '{record.subject.text}': list it "
                                    f"under companies, sites, people or events, or give it a profile"
                                    f"{did_you_mean(self.index, record.subject.text)}")
                continue
            spec = properties[fold_name(record.property)]
            value = self.value(path, record, spec)
            if value is not None:
                facts.append(Fact(subject, spec.key, shared(value), record.status, shared(record.as_of or as_of),
                                  shared(record.period), record.quote, source, path, record.line))
        return facts

    def value(self, path: str, record: FactRecord, spec: PropertySpec) -> Value | None:
        """The typed value: as properties.yaml declares it, else inferred from the text."""
        raw: RawValue = record.value
        unit = record.unit or spec.unit
        kind = spec.type
        if kind in ("quantity", ""):
            quantity = parse_quantity(raw.text, unit)
            if quantity is not None and (kind or record.unit or not _YEAR.fullmatch(raw.text)):
                return quantity
        if kind in ("date", "") and (kind or looks_like_date(raw.text)):
            try:
                return DateValue(parse_date(raw.text))
            except ValueError as reason:
                return self._bad(path, raw, f"value of '{spec.label}': {reason}")
        if kind in ("entity", ""):
            entity_id = self.index.lookup(raw.text)
            if entity_id is not None:
                return EntityValue(entity_id)
            if kind:
                return self._bad(path, raw, f"value of '{spec.label}' must name a known entity; "
                                 f"'{raw.text}' is not one{did_you_mean(self.index, raw.text)}")
        if kind == "quantity":
            return self._bad(path, raw, f"value of '{spec.label}' must be {_TYPE_HINTS['quantity']}; got '{raw.text}'")
        return TextValue(raw.text)

    def _bad(self, path: str, raw: RawValue, message: str) -> None:
        self.problems.error(path, raw.line, message)
        return None

    def event_facts(self, path: str, event: EventRecord, as_of: PartialDate | None,
                    source: SourceRef) -> list[Fact]:
        """An event's fields as facts about the event: its date and type are timeless."""
        own = self.index.lookup(event.name.text)
        fields: list[tuple[str, Value, PartialDate | None, int]] = []
        if event.date:
            fields.append(("date", DateValue(event.date), None, event.line))
        if event.type:
            fields.append(("type", TextValue(event.type), None, event.line))
        if event.status:
            fields.append(("status", TextValue(event.status), as_of, event.line))
        if event.summary:
            fields.append(("summary", TextValue(event.summary), as_of, event.line))
        for name in (*event.companies, *event.people):
            fields.append(("participant", EntityValue(self.index.lookup(name.text)), as_of, name.line))
        for name in event.sites:
            fields.append(("place", EntityValue(self.index.lookup(name.text)), as_of, name.line))
        return [Fact(own, prop, self._shared(value), "actual", self._shared(when), None, "", source, path, line)
                for prop, value, when, line in fields]
