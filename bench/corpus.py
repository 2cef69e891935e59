"""Deterministic benchmark corpus: `python bench/corpus.py --articles N --out DIR [--seed S] [--engines hugo,pelican]`.

Writes DIR/site.yaml and DIR/content/ in the real content format (articles, profiles,
properties.yaml); with --engines, the same articles for Hugo (DIR/hugo/) and Pelican
(DIR/pelican/). The same arguments always give byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.engines import hugo_files, pelican_files  # noqa: E402
from bench.facts import PROPERTIES  # noqa: E402
from bench.stories import Story, plan_stories  # noqa: E402
from bench.words import OUTLETS  # noqa: E402
from bench.world import Thing, World, make_world  # noqa: E402
from generator.slugs import slugify_name  # noqa: E402

_PLAIN = re.compile(r"[A-Za-z0-9\u00c0-\uffff][^:#\[\]{},\"'&*!|>%@`\\]*")
ENGINES = ("hugo", "pelican")


def scalar(text: str) -> str:
    """A YAML scalar: plain when that is safe, else double-quoted (JSON strings are valid YAML)."""
    if _PLAIN.fullmatch(text) and text == text.strip():
        return text
    return json.dumps(text, ensure_ascii=False)


def flow(items: list[str]) -> str:
    """A YAML flow list."""
    return "[" + ", ".join(scalar(i) if "," not in i else json.dumps(i, ensure_ascii=False) for i in items) + "]"


def generate(articles: int, seed: int = 1) -> tuple[World, list[Story]]:
    """The world and its stories for a corpus of `articles` articles."""
    rng = random.Random(seed)
    world = make_world(rng, articles)
    return world, plan_stories(rng, world, articles)


def article_file(story: Story) -> str:
    """An article in the real format: front matter, then the Markdown body."""
    lines = ["---", f"title: {scalar(story.title)}", f"date: {story.date.isoformat()}"]
    if story.number % 3 == 0:
        lines.append(f"slug: {story.slug}")
    if story.summary:
        lines.append(f"summary: {scalar(story.summary)}")
    lines += ["source:", f"  name: {scalar(_outlet(story))}", f"  url: https://example.com/news/{story.slug}",
              f"  author: {scalar(story.person.name if story.number % 5 == 0 else 'Staff reporter')}",
              f"tags: {flow(story.tags)}"]
    lines += [f"{key}: {flow(story.written[key])}" for key in ("companies", "sites", "people") if story.written.get(key)]
    if story.events:
        lines.append("events:")
        for event in story.events:
            lines += _event_lines(event)
    lines.append("facts:")
    for fact in story.facts:
        lines += [("  - " if i == 0 else "    ") + f"{key}: {scalar(value)}" for i, (key, value) in enumerate(fact.items())]
    return "\n".join(lines) + "\n---\n" + story.body


def _outlet(story: Story) -> str:
    return OUTLETS[story.number % len(OUTLETS)]


def _event_lines(event) -> list[str]:
    if isinstance(event, str):
        return [f"  - {scalar(event)}"]
    lines = []
    for i, (key, value) in enumerate(event.items()):
        text = flow(value) if isinstance(value, list) else scalar(value)
        lines.append(("  - " if i == 0 else "    ") + f"{key}: {text}")
    return lines


def profile_file(thing: Thing) -> str:
    """A profile: name, aliases, links and curated facts, then a short description."""
    lines = ["---", f"name: {scalar(thing.name)}"]
    if thing.aliases:
        lines.append(f"aliases: {flow(list(thing.aliases))}")
    facts = []
    traits = thing.traits
    if thing.kind == "company":
        if "parent" in traits:
            lines.append(f"parent: {scalar(traits['parent'].name)}")
        facts = [("founded", traits["founded"]), ("headquarters", traits["hq"].name)]
    elif thing.kind == "site" and not traits.get("city"):
        lines.append(f"in: {scalar(traits['in'].name)}")
        facts = [("opened", traits["opened"]), ("site area", str(len(thing.name) * 7))]
    elif thing.kind == "person":
        facts = [("position", "chief executive" if len(thing.name) % 2 else "plant manager")]
    elif thing.kind == "event":
        lines += [f"date: {traits['date']}", "type: conference",
                  f"status: {'planned' if traits['date'] > '2024-06' else 'happened'}",
                  f"companies: {flow([c.name for c in traits['hosts']])}",
                  f"sites: {flow([traits['city'].name])}", f"summary: {scalar('A yearly meeting of the industry.')}"]
        facts = [("attendance", f"about {len(thing.name) * 500:,}")]
    if facts:
        lines.append("facts:")
        lines += [f"  - {{property: {prop}, value: {scalar(value) if ',' not in value else json.dumps(value)}}}"
                  for prop, value in facts]
    body = (f"{thing.name} appears in the benchmark corpus. This profile gives its canonical name"
            f"{', its other names' if thing.aliases else ''} and a few curated facts.\n")
    return "\n".join(lines) + "\n---\n" + body


def factsheet_files(world: World, stories: list[Story]) -> dict[str, str]:
    """Every file of the Factsheet site: site.yaml, properties.yaml, profiles and articles."""
    files = {"site.yaml": ("title: Benchmark corpus\ndescription: Generated news for timing builds.\n"
                           "base_url: https://news.example/\n"),
             "content/properties.yaml": PROPERTIES}
    folders = {"company": "companies", "site": "sites", "person": "people", "event": "events"}
    things = [*world.companies, *world.cities, *world.facilities, *world.people, *world.summits]
    for thing in things:
        if thing.profiled:
            files[f"content/{folders[thing.kind]}/{slugify_name(thing.name)}.md"] = profile_file(thing)
    for story in stories:
        files[f"content/articles/{story.date:%Y/%m}/{story.slug}.md"] = article_file(story)
    return files


def write_corpus(out: Path, articles: int, seed: int = 1, engines: tuple[str, ...] = ()) -> int:
    """Write the corpus below `out`; returns the number of files written."""
    world, stories = generate(articles, seed)
    files = factsheet_files(world, stories)
    if "hugo" in engines:
        files.update(hugo_files(stories))
    if "pelican" in engines:
        files.update(pelican_files(stories))
    for rel, text in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return len(files)


def main(argv: list[str] | None = None) -> int:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, required=True, help="how many articles")
    parser.add_argument("--out", type=Path, required=True, help="folder to write into (should be empty)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--engines", default="", help="also write input for: hugo, pelican (comma-separated)")
    args = parser.parse_args(argv)
    engines = tuple(e for e in args.engines.split(",") if e)
    unknown = [e for e in engines if e not in ENGINES]
    if unknown or args.articles < 1:
        parser.error(f"unknown engine {unknown[0]!r}" if unknown else "--articles must be at least 1")
    count = write_corpus(args.out, args.articles, args.seed, engines)
    print(f"wrote {count} files for {args.articles} articles into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
