"""Markdown bodies: one MarkdownIt for the whole build, HTML plus plain text for quotes."""

from __future__ import annotations

import unicodedata

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from .records import Body

_TEXT_TOKENS = frozenset({"text", "code_inline", "softbreak", "hardbreak", "image"})


def make_markdown(allow_html: bool) -> MarkdownIt:
    """CommonMark with tables and footnotes; raw HTML only when the site allows it."""
    return MarkdownIt("commonmark", {"html": allow_html}).enable("table").use(footnote_plugin)


def render_body(md: MarkdownIt, source: str) -> Body:
    """Render Markdown once: the HTML, and its text folded for quote matching."""
    tokens = md.parse(source, {})
    html = md.renderer.render(tokens, md.options, {})
    words = []
    for token in tokens:
        if token.type == "inline" and token.children:
            words.extend(" " if child.type.endswith("break") else child.content
                         for child in token.children if child.type in _TEXT_TOKENS)
        elif token.type in ("code_block", "fence"):
            words.append(token.content)
        words.append(" ")
    return Body(html, fold_text("".join(words)))


def fold_text(text: str) -> str:
    """Text compared loosely: compatibility forms, case and runs of white space folded."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())
