"""The invented world of the corpus: companies, sites, people, profiled events and tags, scaled to N."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from bench import words as W
from bench.names import NameBook


@dataclass(eq=False)
class Thing:
    """One generated entity: its names, whether it has a profile, and what the stories say of it."""

    kind: str                       # company, site, person or event
    name: str                       # canonical name
    aliases: tuple[str, ...] = ()
    profiled: bool = False
    short: str = ""                 # a word other names are built from
    traits: dict = field(default_factory=dict)


@dataclass(eq=False)
class World:
    """Everything the articles can name, in a fixed order."""

    companies: list[Thing]
    cities: list[Thing]
    facilities: list[Thing]
    people: list[Thing]
    summits: list[Thing]
    tags: list[str]
    book: NameBook


def scaled(n: int, share: float, least: int) -> int:
    """A count that grows with the number of articles."""
    return max(least, round(n * share))


def make_world(rng: random.Random, n: int) -> World:
    """A world sized for `n` articles (about 0.44 entity and tag pages per article)."""
    book = NameBook()
    companies = _many(rng, book, scaled(n, 0.12, 8), _company)
    sites = scaled(n, 0.10, 8)
    cities = _many(rng, book, max(3, sites // 4), _city)
    people = _many(rng, book, scaled(n, 0.10, 6), _person)
    facilities = _many(rng, book, sites - len(cities), lambda r, i: _facility(r, i, companies, cities))
    summits = _many(rng, book, scaled(n, 0.01, 2), lambda r, i: _summit(r, i, cities, companies))
    tags = _tags(rng, scaled(n, 0.02, 6))
    for position, company in enumerate(companies):
        _company_traits(rng, company, companies[:position], cities, people)
    return World(companies, cities, facilities, people, summits, tags, book)


def _many(rng: random.Random, book: NameBook, count: int, make) -> list[Thing]:
    """`count` things from `make(rng, i)`, drawing again whenever a name is taken or too alike."""
    things = []
    while len(things) < count:
        thing = make(rng, len(things))
        if book.add(thing.kind, thing.name, thing.aliases, thing.profiled):
            things.append(thing)
    return things


def word(rng: random.Random, syllables: int = 0) -> str:
    """An invented proper name of two or three syllables."""
    count = syllables or rng.choice((2, 2, 3))
    return "".join(rng.choice(W.SYLLABLES) for _ in range(count)).capitalize()


def _company(rng: random.Random, i: int) -> Thing:
    roll = rng.random()
    if roll < 0.08:                                    # Chinese, profiled with its Han name as alias
        (h1, p1), (h2, p2) = rng.choice(W.HAN_SYLLABLES), rng.choice(W.HAN_SYLLABLES)
        han, eng = rng.choice(W.HAN_INDUSTRIES)
        short = p1 + p2.lower()
        return Thing("company", f"{short} {eng}", (h1 + h2 + han, short.upper()), True, short)
    if roll < 0.11 or i == 1:                          # a Han name with no profile: slug transliterated
        (h1, p1), (h2, p2) = rng.choice(W.HAN_SYLLABLES), rng.choice(W.HAN_SYLLABLES)
        han, _ = rng.choice(W.HAN_INDUSTRIES)
        return Thing("company", h1 + h2 + han, (), False, p1 + p2.lower())
    short = word(rng)
    if roll < 0.15:                                    # Cyrillic canonical name, Latin alias
        cyr, lat = rng.choice(W.CYRILLIC_SUFFIXES)
        name = "".join(W.CYRILLIC.get(ch, ch) for ch in short.lower()).capitalize() + " " + cyr
        return Thing("company", name, (f"{short} {lat}",), True, short)
    if roll < 0.20:                                    # accented
        accented = short[0] + "".join(W.ACCENTS.get(ch, ch) if k == 1 else ch for k, ch in enumerate(short[1:], 1))
        return Thing("company", f"{accented} {rng.choice(W.ACCENTED_SUFFIXES)}", (), rng.random() < 0.3, short)
    name = f"{short} {rng.choice(W.COMPANY_SUFFIXES)}"
    if rng.random() < 0.3:
        return Thing("company", name, (short, f"{short} Group"), True, short)
    return Thing("company", name, (), False, short)


def _city(rng: random.Random, i: int) -> Thing:
    roll = rng.random()
    if roll < 0.1:
        (h1, p1), (h2, p2) = rng.choice(W.HAN_SYLLABLES), rng.choice(W.HAN_SYLLABLES)
        han, eng = rng.choice(W.HAN_PLACE_TYPES)
        short = p1 + p2.lower()
        return Thing("site", f"{short} {eng}", (h1 + h2 + han,), True, short, {"city": True})
    short = word(rng)
    name = short if roll < 0.55 else f"{short} {rng.choice(W.PLACE_SUFFIXES)}"
    return Thing("site", name, (), rng.random() < 0.2, short, {"city": True})


def _facility(rng: random.Random, i: int, companies: list[Thing], cities: list[Thing]) -> Thing:
    owner, city = rng.choice(companies), cities[i % len(cities)]
    kind = rng.choice(W.FACILITIES)
    name = f"{owner.short} {city.name} {kind}"
    unit = rng.choice(W.CAPACITY_UNITS)
    traits = {"city": False, "owner": owner, "in": city, "type": kind, "unit": unit,
              "capacity": rng.randrange(20, 900) * 1000, "opened": f"{rng.randrange(2012, 2024)}-{rng.randrange(1, 13):02d}"}
    return Thing("site", name, (), rng.random() < 0.2, owner.short, traits)


def _person(rng: random.Random, i: int) -> Thing:
    roll = rng.random()
    if roll < 0.1:                                     # Chinese: pinyin canonical, Han alias
        (hs, ps), (hg, pg) = rng.choice(W.HAN_SURNAMES), rng.choice(W.HAN_GIVEN)
        return Thing("person", f"{ps} {pg}", (hs + hg,), True, ps)
    if roll < 0.15:                                    # Russian: Cyrillic canonical, Latin alias
        cyr, lat = rng.choice(W.RU_FIRST)
        surname = word(rng)
        cyr_surname = "".join(W.CYRILLIC.get(ch, ch) for ch in surname.lower()).capitalize()
        return Thing("person", f"{cyr} {cyr_surname}", (f"{lat} {surname}",), True, surname)
    surname = word(rng)
    return Thing("person", f"{rng.choice(W.FIRST_NAMES)} {surname}", (), rng.random() < 0.2, surname)


def _summit(rng: random.Random, i: int, cities: list[Thing], companies: list[Thing]) -> Thing:
    city = rng.choice(cities)
    year = rng.randrange(2019, 2025)
    name = f"{city.short} {rng.choice(W.SUMMITS)} {year}"
    date = f"{year}-{rng.randrange(1, 13):02d}" + (f"-{rng.randrange(1, 29):02d}" if rng.random() < 0.7 else "")
    hosts = [rng.choice(companies) for _ in range(rng.randrange(1, 4))]
    return Thing("event", name, (), True, city.short, {"date": date, "city": city, "hosts": hosts})


def _company_traits(rng, company: Thing, older: list[Thing], cities: list[Thing], people: list[Thing]) -> None:
    """Founding date (year, month or day precision), headquarters, parent, chief executive."""
    year = rng.randrange(1950, 2020)
    precision = rng.random()
    company.traits["founded"] = str(year) if precision < 0.3 else (
        f"{year}-{rng.randrange(1, 13):02d}" if precision < 0.6 else f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}")
    company.traits["hq"] = rng.choice(cities)
    company.traits["ceo"] = rng.choice(people)
    if company.profiled and older and rng.random() < 0.25:
        company.traits["parent"] = rng.choice(older)
    company.traits["staff"] = rng.randrange(50, 20000)


def _tags(rng: random.Random, count: int) -> list[str]:
    pairs = [f"{head} {tail}" for head in W.TOPIC_HEADS for tail in W.TOPIC_TAILS]
    rng.shuffle(pairs)
    return list(W.SPECIAL_TAGS[:max(1, count // 50)]) + pairs[:count - max(1, count // 50)]
