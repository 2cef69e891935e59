"""News-like Markdown bodies of about 600 words that contain every quoted fact sentence."""

from __future__ import annotations

import random

from bench import words as W

TARGET_WORDS = 600


def make_body(rng: random.Random, slots: dict[str, str], lead: str, fact_lines: list[str],
              speaker: str, link: str) -> str:
    """A story: a lead, the fact sentences woven in, a heading, a list, a quotation and a link."""
    blocks = [lead]
    pending = list(fact_lines)
    heading_after = rng.randrange(3, 5)
    paragraphs = 0
    while _count(blocks) < TARGET_WORDS or pending or paragraphs <= heading_after:
        sentences = [_filler(rng, slots) for _ in range(rng.randrange(3, 6))]
        if pending:
            sentences.insert(rng.randrange(len(sentences) + 1), pending.pop(0))
        blocks.append(" ".join(sentences))
        paragraphs += 1
        if paragraphs == 2:
            blocks.append(f"> \"{_filler(rng, slots)}\" said {speaker}.")
        if paragraphs == heading_after:
            blocks += [f"## {rng.choice(W.HEADINGS)}", _bullets(rng, slots)]
    blocks.append(f"More details are in the [company filing]({link}).")
    return "\n\n".join(blocks) + "\n"


def _filler(rng: random.Random, slots: dict[str, str]) -> str:
    return rng.choice(W.FILLER).format(n=rng.randrange(2, 40), y=rng.randrange(2008, 2024), **slots)


def _bullets(rng: random.Random, slots: dict[str, str]) -> str:
    items = rng.sample(W.FILLER, 3)
    return "\n".join(f"- {item.format(n=rng.randrange(2, 40), y=rng.randrange(2008, 2024), **slots)}"
                     for item in items)


def _count(blocks: list[str]) -> int:
    return sum(len(block.split()) for block in blocks)
