"""The articles of the corpus: who each names, the events they share and the facts they state."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from bench import words as W
from bench.facts import fact_menu, investment_fact
from bench.prose import make_body
from bench.world import Thing, World, scaled
from generator.slugs import slugify_name

START = dt.date(2019, 1, 1)
SPAN_DAYS = 2190


@dataclass(eq=False)
class Story:
    """One article as it will be written: front matter fields in order, then the body."""

    number: int
    date: dt.date
    facility: Thing
    company: Thing
    person: Thing
    slug: str = ""
    title: str = ""
    summary: str = ""
    tags: list[str] = field(default_factory=list)
    named: dict[str, list[Thing]] = field(default_factory=dict)      # kind list -> things, canonical
    written: dict[str, list[str]] = field(default_factory=dict)      # kind list -> names as written
    events: list = field(default_factory=list)                       # inline dicts and bare names
    facts: list[dict] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)                   # fact sentences for the body
    body: str = ""

    def name(self, rng: random.Random, key: str, thing: Thing) -> str:
        """List `thing` under `key` once, sometimes by an alias; returns the spelling used."""
        if thing not in self.named.setdefault(key, []):
            self.named[key].append(thing)
            self.written.setdefault(key, []).append(spell(rng, thing))
        return self.written[key][self.named[key].index(thing)]


def spell(rng: random.Random, thing: Thing) -> str:
    """The canonical name, or now and then one of its aliases."""
    return rng.choice(thing.aliases) if thing.aliases and rng.random() < 0.3 else thing.name


def plan_stories(rng: random.Random, world: World, n: int) -> list[Story]:
    """`n` stories, oldest first; every entity of the world is named by at least one."""
    stories = [Story(i, START + dt.timedelta(days=i * SPAN_DAYS // n), world.facilities[i % len(world.facilities)],
                     world.companies[i % len(world.companies)], world.people[i % len(world.people)])
               for i in range(n)]
    for story in stories:
        _cast(rng, world, story)
    _share_events(rng, stories, world, scaled(n, 0.09, 3))
    for story in stories:
        _refer(rng, world, stories, story)
        _finish(rng, world, story)
    return stories


def _cast(rng: random.Random, world: World, story: Story) -> None:
    """The names every story lists: owner and another company, plant, city, a person, tags."""
    plant = story.facility
    story.name(rng, "companies", plant.traits["owner"])
    story.name(rng, "companies", story.company)
    story.name(rng, "sites", plant)
    story.name(rng, "sites", plant.traits["in"])
    story.name(rng, "people", story.person)
    for _ in range(rng.randrange(0, 2)):
        story.name(rng, "companies", rng.choice(world.companies))
    story.tags = rng.sample(world.tags, min(len(world.tags), rng.randrange(2, 5)))


def _share_events(rng: random.Random, stories: list[Story], world: World, count: int) -> None:
    """Inline events, each described by one to three stories; later ones may disagree on the date."""
    n = len(stories)
    for j in range(count):
        first = stories[j * n // count]
        event = _new_event(rng, world, first, j)
        if event is None:
            continue
        gap = max(2, n // 40)
        tellers = [first] + [stories[min(n - 1, first.number + rng.randrange(1, gap))]
                             for share in (0.45, 0.15) if rng.random() < share]
        tellers = list(dict.fromkeys(tellers))
        amount = f"{rng.randrange(2, 90) / 10:.1f} billion"
        for rank, story in enumerate(tellers):
            story.events.append(_inline(rng, story, event, rank))
            if len(tellers) > 1:
                changed = rank and rng.random() < 0.4
                value = f"{float(amount.split()[0]) + rank / 10:.1f} billion" if changed else amount
                investment_fact(story, event, value)


def _new_event(rng: random.Random, world: World, story: Story, j: int) -> dict | None:
    plant = story.facility
    for attempt in range(4):
        kind, label = rng.choice(W.EVENT_TYPES)
        name = f"{plant.name} {label}" + (f" {story.date.year + attempt}" if attempt else "")
        if world.book.add("event", name):
            when = story.date + dt.timedelta(days=rng.randrange(-20, 120))
            precision = rng.random()
            date = when.isoformat() if precision < 0.6 else when.isoformat()[:7 if precision < 0.9 else 4]
            people = [story.person] if rng.random() < 0.5 else []
            return {"name": name, "type": kind, "when": when, "date": date, "plant": plant,
                    "companies": [plant.traits["owner"]] + ([story.company] if rng.random() < 0.5 else []),
                    "people": people, "number": j}
    return None


def _inline(rng: random.Random, story: Story, event: dict, rank: int) -> dict:
    """The event as one story defines it; the second teller sometimes moves the day."""
    date = event["date"]
    if rank and len(date) == 10 and rng.random() < 0.3:
        date = (event["when"] + dt.timedelta(days=rng.randrange(1, 5))).isoformat()
    fields = {"name": event["name"], "date": date, "type": event["type"],
              "status": "planned" if event["when"] > story.date else "happened",
              "companies": [story.name(rng, "companies", c) for c in event["companies"]],
              "sites": [story.name(rng, "sites", event["plant"])]}
    if event["people"]:
        fields["people"] = [story.name(rng, "people", p) for p in event["people"]]
    if rank == 0:
        fields["summary"] = f"{event['companies'][0].name} and partners at {event['plant'].name}: {event['type']}."
    return fields


def _refer(rng: random.Random, world: World, stories: list[Story], story: Story) -> None:
    """Bare names of events described elsewhere: a profiled summit or an earlier inline event."""
    if rng.random() < 0.1:
        story.events.append(spell(rng, rng.choice(world.summits)))
    if story.number > 10 and rng.random() < 0.05:
        earlier = stories[rng.randrange(story.number)]
        named = [e["name"] for e in earlier.events if isinstance(e, dict)]
        if named and named[0] not in [e["name"] if isinstance(e, dict) else e for e in story.events]:
            story.events.append(named[0])


def _finish(rng: random.Random, world: World, story: Story) -> None:
    """Facts, title, slug, summary and the body around the fact sentences."""
    for make in fact_menu(rng):
        make(rng, story)
    plant, owner, city = story.facility, story.facility.traits["owner"], story.facility.traits["in"]
    verb = rng.choice(("expands", "opens", "reports record output at", "plans new lines at", "cuts shifts at",
                       "seeks permits for", "delays work on", "invests in"))
    story.title = f"{owner.name} {verb} {plant.name}"
    story.slug = f"{slugify_name(story.title)[:60].rstrip('-')}-{story.number}"
    story.summary = f"{owner.name} and {story.company.name}: news from {city.name}." if rng.random() < 0.6 else ""
    slots = {"c": story.written["companies"][0], "s": plant.name, "p": story.person.name,
             "k": city.name, "t": story.tags[0]}
    lead = (f"{owner.name} {verb} {plant.name}, the company said on {story.date:%d %B %Y}, "
            f"in a move closely watched in {city.name}.")
    story.body = make_body(rng, slots, lead, story.lines, story.person.name,
                           f"https://example.com/filings/{story.slug}")
