"""Markdown bodies: one MarkdownIt for the whole build, HTML plus plain text for quotes.

The engine is markdown-it-pyrs, the Rust build of markdown-it by the markdown-it-py
maintainers: CommonMark with tables and footnotes, like markdown-it-py's preset, about ten
times faster. `bench/markdown_compare.py` checks the two engines against each other.
The engine recurses as deep as the Markdown nests and can overflow the stack (the process
dies), so bodies nested deeper than any real text are refused before they reach it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from html import unescape

from markdown_it_pyrs import MarkdownIt, Node

from .errors import ContentError

RULES = ("blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph", "reference",
         "autolink", "backticks", "emphasis", "entity", "escape", "image", "link", "newline",
         "table", "footnote")
HTML_RULES = ("html_block", "html_inline")
MAX_LINE_PREFIX = 4000     # columns of indentation and quote/list markers a line may start with
MAX_INLINE_OPENERS = 20000  # '[', '*' and '_' in one run of lines without a blank line
_PREFIX = re.compile(r"^[ \t>*+\-0-9.)]{%d,}" % (MAX_LINE_PREFIX // 4), re.M)
_TEXT_NODES = frozenset({"text", "text_special"})
_BREAK_NODES = frozenset({"softbreak", "hardbreak"})
_INLINE_NODES = frozenset({"em", "strong", "link", "image", "autolink", "code_inline", "footnote_inline"})
_SKIPPED_NODES = frozenset({"html_inline", "footnote_ref", "footnote_ref_anchor"})
_FOOTNOTE_MARKS = re.compile(r'<sup class="footnote-ref"><a [^>]*>[^<]*</a></sup>'
                             r'|<a href="#fnref[^"]*" class="footnote-backref">[^<]*</a>')
_INLINE_TAG = re.compile(r"</?(?:a|em|strong|code)\b[^>]*>")
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True, slots=True)
class RenderedBody:
    """A Markdown body rendered: HTML for pages, and plain text for the quote checks of parsing."""

    html: str
    text: str     # plain text, case folded and white space collapsed


def make_markdown(allow_html: bool) -> MarkdownIt:
    """CommonMark with tables and footnotes; raw HTML only when the site allows it."""
    md = MarkdownIt("zero")
    md.enable_many(RULES + HTML_RULES if allow_html else RULES)
    return md


def render_body(md: MarkdownIt, source: str, path: str = "<body>", first_line: int = 1) -> RenderedBody:
    """Render Markdown once: the HTML, and its text folded for quote matching; raise ContentError."""
    if "\x00" in source:
        source = source.replace("\x00", "\ufffd")   # as CommonMark says, and as the HTML shows it
    _check_nesting(source, path, first_line)
    try:
        html = md.render(source)
        text = plain_text(md.tree(source)) if "<" in source or "![" in source else html_text(html)
    except BaseException as error:   # a Rust panic is a BaseException
        if type(error).__name__ != "PanicException":
            raise
        line = first_line + source.count("\n", 0, max(source.find("^["), 0))
        raise ContentError(path, line, "the Markdown engine failed on this body: is an inline footnote '^[' "
                           "not closed or inside another? Write '\\^[' for the characters themselves") from None
    return RenderedBody(html, fold_text(text))


def _check_nesting(source: str, path: str, first_line: int) -> None:
    """Raise ContentError if `source` may nest deeper than the engine's stack allows."""
    for match in _PREFIX.finditer(source):
        if len(match.group().expandtabs(4)) > MAX_LINE_PREFIX:
            line = first_line + source.count("\n", 0, match.start())
            raise ContentError(path, line, f"Markdown nested too deeply: more than {MAX_LINE_PREFIX} "
                               "columns of indentation and quote or list markers start this line")
    if source.count("[") + source.count("*") + source.count("_") <= MAX_INLINE_OPENERS:
        return
    line = first_line
    for run in source.split("\n\n"):
        if run.count("[") + run.count("*") + run.count("_") > MAX_INLINE_OPENERS:
            line += len(run) - len(run.lstrip("\n"))
            raise ContentError(path, line, f"Markdown nested too deeply: more than {MAX_INLINE_OPENERS} "
                               "'[', '*' and '_' in the lines from here to the next blank line")
        line += run.count("\n") + 2


def plain_text(tree: Node) -> str:
    """The text of a Markdown tree: words as written, breaks and the edges of blocks as spaces."""
    words: list[str] = []
    todo: list[Node | None] = [tree]   # None: the end of a block
    while todo:
        node = todo.pop()
        if node is None:
            words.append(" ")
            continue
        name = node.name
        if name in _TEXT_NODES:
            words.append(node.meta["content"])
        elif name in _BREAK_NODES:
            words.append(" ")
        elif name in ("code_block", "fence"):
            words.extend((" ", node.meta["content"], " "))
        elif name in _INLINE_NODES:
            todo.extend(reversed(node.children))
        elif name not in _SKIPPED_NODES:   # a block: its text stands apart from its neighbours'
            words.append(" ")
            todo.append(None)
            todo.extend(reversed(node.children))
    return "".join(words)


def html_text(html: str) -> str:
    """The text `plain_text` finds in the tree of a body without raw HTML or images, from the HTML made of it
    (a third of the time of making the tree): the engine's own tags only, inline ones dropped, the others spaces.

    (An image's alt attribute leaves out its entities, escapes and line breaks, which the tree keeps.)
    """
    return unescape(_TAG.sub(" ", _INLINE_TAG.sub("", _FOOTNOTE_MARKS.sub("", html))))


def fold_text(text: str) -> str:
    """Text compared loosely: compatibility forms, case and runs of white space folded."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())
