"""Tags: the labels articles are filed under, one page per slug."""

from __future__ import annotations

from collections import Counter

from .errors import Problems
from .model import Tag
from .records import Article
from .slugs import slugify_name


def collect_tags(articles: dict[str, Article], problems: Problems) -> tuple[dict[str, Tag], dict[str, tuple[str, ...]]]:
    """Tags by slug (spellings that make one slug are one tag, labelled by its commonest
    spelling), and each article's tag slugs in its own order."""
    spellings: dict[str, Counter] = {}
    members: dict[str, dict[str, None]] = {}
    tags_of: dict[str, tuple[str, ...]] = {}
    for slug, article in articles.items():
        own: dict[str, None] = {}
        for tag in article.tags:
            tag_slug = slugify_name(tag.text)
            if not tag_slug:
                problems.error(article.path, tag.line, f"cannot make a URL from the tag '{tag.text}'")
                continue
            counts = spellings.get(tag_slug)
            if counts is None:
                counts = spellings[tag_slug] = Counter()
                members[tag_slug] = {}
            counts[tag.text] += 1
            own[tag_slug] = None
            members[tag_slug][slug] = None
        tags_of[slug] = tuple(own)
    tags = {s: Tag(s, _commonest(spellings[s]), tuple(members[s])) for s in sorted(spellings)}
    return tags, tags_of


def _commonest(counts: Counter) -> str:
    return min(counts, key=lambda text: (-counts[text], text))
