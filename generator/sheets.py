"""Fact sheets: an entity's facts grouped per property into current value, history and conflicts.

For a `single` property, facts with the same as-of date (and period) that state different
values are a conflict; facts with different dates are a history, newest first. A property
that is not single lists every value it has been given.
"""

from __future__ import annotations

from dataclasses import dataclass

from .dates import PartialDate, Period
from .model import Fact, Value, values_agree
from .records import PropertySpec

_UNDATED = PartialDate(0)


@dataclass(frozen=True, slots=True)
class Claim:
    """One value of a property as of one date, and every fact that states it."""

    value: Value
    status: str
    as_of: PartialDate | None
    period: Period | None
    facts: tuple[Fact, ...]       # sources in the order they were read


@dataclass(frozen=True, slots=True)
class Reading:
    """What the sources say a property was at one date; two or more claims that differ conflict."""

    as_of: PartialDate | None
    period: Period | None
    claims: tuple[Claim, ...]
    conflict: bool
    since: PartialDate | None = None   # earliest as-of of older readings that said the same


@dataclass(frozen=True, slots=True)
class PropertyRow:
    """One property of one entity: the newest reading first, then older ones (the history)."""

    spec: PropertySpec
    readings: tuple[Reading, ...]   # single: newest first per period; otherwise one reading per value

    @property
    def conflict(self) -> bool:
        """True when any reading of this property has sources that disagree."""
        return any(reading.conflict for reading in self.readings)


def build_rows(facts: list[Fact], properties: dict[str, PropertySpec]) -> tuple[PropertyRow, ...]:
    """Group one entity's facts into rows, ordered by the properties' order, then label."""
    by_property: dict[str, list[Fact]] = {}
    for fact in facts:
        by_property.setdefault(fact.property, []).append(fact)
    rows = [PropertyRow(properties[key], _readings(group, properties[key].single))
            for key, group in by_property.items()]
    return tuple(sorted(rows, key=lambda row: (row.spec.order, row.spec.label.casefold())))


def _readings(facts: list[Fact], single: bool) -> tuple[Reading, ...]:
    if not single:
        claims = _claims(facts)
        ordered = sorted(claims, key=lambda c: (_date_key(c.as_of), _period_key(c.period)), reverse=True)
        return tuple(Reading(c.as_of, c.period, (c,), False) for c in ordered)
    groups: dict[tuple, list[Fact]] = {}
    for fact in sorted(facts, key=lambda f: f.as_of is None):
        groups.setdefault(_group_of(fact, groups), []).append(fact)
    readings = [_reading(as_of, period, group) for (period, as_of), group in groups.items()]
    ordered = sorted(readings, key=lambda r: (_period_key(r.period), _date_key(r.as_of)), reverse=True)
    return tuple(_fold_repeats(ordered))


def _fold_repeats(readings: list[Reading]) -> list[Reading]:
    """An older reading that only repeats the next newer one becomes part of it (`since` its date)."""
    folded: list[Reading] = []
    for reading in readings:
        newer = folded[-1] if folded else None
        if newer and _same_single_value(newer, reading):
            merged = Claim(newer.claims[0].value, newer.claims[0].status, newer.claims[0].as_of,
                           newer.period, newer.claims[0].facts + reading.claims[0].facts)
            folded[-1] = Reading(newer.as_of, newer.period, (merged,), False, reading.as_of)
        else:
            folded.append(reading)
    return folded


def _same_single_value(newer: Reading, older: Reading) -> bool:
    if newer.conflict or older.conflict or len(newer.claims) != 1 or len(older.claims) != 1:
        return False
    a, b = newer.claims[0], older.claims[0]
    return newer.period == older.period and older.as_of is not None and a.status == b.status \
        and a.value.key() == b.value.key()


def _group_of(fact: Fact, groups: dict[tuple, list[Fact]]) -> tuple:
    """An undated fact (a profile's) that agrees with the newest dated value is one more source for it."""
    if fact.as_of is None:
        dated = [key for key in groups if key[0] == fact.period and key[1] is not None]
        if dated:
            newest = max(dated, key=lambda key: key[1])
            if any(values_agree(fact.value, other.value) for other in groups[newest]):
                return newest
    return (fact.period, fact.as_of)


def _reading(as_of: PartialDate | None, period: Period | None, facts: list[Fact]) -> Reading:
    claims = _claims(facts)
    conflict = any(a.status == b.status and not values_agree(a.value, b.value)
                   for i, a in enumerate(claims) for b in claims[i + 1:])
    return Reading(as_of, period, tuple(claims), conflict)


def _claims(facts: list[Fact]) -> list[Claim]:
    """Facts that state the same value with the same status, date and period become one claim."""
    grouped: dict[tuple, list[Fact]] = {}
    for fact in facts:
        grouped.setdefault((fact.value.key(), fact.status, fact.period), []).append(fact)
    claims = [Claim(group[0].value, group[0].status, max((f.as_of for f in group if f.as_of), default=None),
                    group[0].period, tuple(group)) for group in grouped.values()]
    if len(claims) > 1:   # most readings have one claim: no key to work out
        claims.sort(key=lambda c: (-len(c.facts), c.status, repr(c.value.key())))
    return claims


def _date_key(date: PartialDate | None) -> PartialDate:
    return date or _UNDATED


def _period_key(period: Period | None) -> tuple:
    """Periods sort by end, then start; facts without a period sort first."""
    return (period.end, period.start) if period else (_UNDATED, _UNDATED)
