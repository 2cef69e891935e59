"""Markdown bodies (generator/markdown.py): HTML, the raw HTML switch, plain text for quotes, hostile input."""

from __future__ import annotations

import os

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from generator.errors import ContentError
from generator.markdown import fold_text, html_text, make_markdown, plain_text, render_body
from generator.parse import parse_sources
from generator.sources import Source

PLAIN = make_markdown(False)
TRUSTED = make_markdown(True)


def text(source: str, md=PLAIN) -> str:
    """The folded plain text of a body."""
    return render_body(md, source).text


def test_raw_html_switch():
    source = "Hi <b>bold</b> <!-- note -->\n\n<div class=\"x\">block</div>\n"
    off, on = render_body(PLAIN, source), render_body(TRUSTED, source)
    assert off.html == ("<p>Hi &lt;b&gt;bold&lt;/b&gt; &lt;!-- note --&gt;</p>\n"
                        "<p>&lt;div class=&quot;x&quot;&gt;block&lt;/div&gt;</p>\n")
    assert on.html == "<p>Hi <b>bold</b> <!-- note --></p>\n<div class=\"x\">block</div>\n"
    assert off.text == 'hi <b>bold</b> <!-- note --> <div class="x">block</div>'   # shown as text, so quotable
    assert on.text == "hi bold"                                                     # tags are not text


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:alert(1)", "vbscript:msgbox(1)",
                                 "data:text/html;base64,PHNjcmlwdD4="])
@pytest.mark.parametrize("md", [PLAIN, TRUSTED])
def test_unsafe_links_are_refused(url, md):
    html = render_body(md, f"[click]({url}) ![img]({url}) <{url}>\n\n[ref][r]\n\n[r]: {url}\n").html
    assert "href=" not in html and "src=" not in html
    assert "<p>[click](" in html


def test_safe_links_and_data_images_are_kept():
    html = render_body(PLAIN, "[a](https://example.com/x?a=1&b=2) ![p](data:image/png;base64,AAAA)\n").html
    assert html == ('<p><a href="https://example.com/x?a=1&amp;b=2">a</a> '
                    '<img src="data:image/png;base64,AAAA" alt="p" /></p>\n')


def test_text_of_inline_markup():
    source = "Some **bold *nested*** [a *link*](https://x.example) `code  span` &amp; \\*esc\\*\n"
    assert text(source) == "some bold nested a link code span & *esc*"


def test_text_of_image_is_its_alt_text_without_markup():
    assert text("Before ![alt *em* and `code`](i.png \"title\") after\n") == "before alt em and code after"


def test_text_breaks_and_blocks_are_spaces():
    source = "# Head\nline one  \nline two\\\nthree\nfour\n\n- a\n  - b\n\n> quote\n\n| x | y |\n|---|---|\n| 1 | 2 |\n"
    assert text(source) == "head line one line two three four a b quote x y 1 2"


def test_text_of_a_tight_list_item_keeps_its_blocks_apart():
    assert text("- # h\n  c\n- d\n") == "h c d"


def test_text_of_code_blocks():
    assert text("    indented  code\n\n```py\nfenced\n```\n\nafter\n") == "indented code fenced after"


def test_text_of_footnotes_comes_last_without_markers():
    source = "A claim.[^1] Inline^[an *inline* note] end.\n\n[^1]: The **footnote** text.\n"
    body = render_body(PLAIN, source)
    assert body.text == "a claim. inline end. the footnote text. an inline note"
    assert '<li id="fn2" class="footnote-item">\n<p>an <em>inline</em> note' in body.html


def test_nul_characters_become_replacement_characters():
    body = render_body(PLAIN, "a\x00b\n")
    assert body.html == "<p>a\ufffdb</p>\n" and body.text == "a\ufffdb"


@pytest.mark.parametrize("body, line", [
    ("intro\n\n" + ">" * 50000 + " deep\n", 8),
    ("- " * 30000 + "x\n", 6),
    ("a\n" + "\t" * 1001 + "- x\n", 7),
    ("![" * 40000 + "x" + "](u)" * 40000 + "\n", 6),
])
def test_deep_nesting_is_refused_with_its_line(body, line):
    """The engine would overflow the stack and end the process; the build reports the line instead."""
    text = "---\ntitle: T\ndate: 2024-05-19\n---\n\n" + body
    parsed, problems, _ = parse_sources((Source("content/articles/a.md", "articles/a.md", "article", text),), PLAIN)
    assert [str(e) for e in problems.errors] == [f"content/articles/a.md:{line}: " + (
        "Markdown nested too deeply: more than 4000 columns of indentation and quote or list markers start this line"
        if "[" not in body else
        "Markdown nested too deeply: more than 20000 '[', '*' and '_' in the lines from here to the next blank line")]


def test_nesting_within_the_limits_renders():
    body = render_body(PLAIN, ">" * 1000 + " deep\n\n" + "- " * 1000 + "x\n")
    assert body.html.count("<blockquote>") == 1000 and body.html.count("<ul>") == 1000
    assert body.text == "deep x"


@pytest.mark.parametrize("source, line", [("ok\n\nends with ^[\n", 3), ("x ^[y]z ^[\n", 1), ("^[^[x]]\n", 1)])
def test_engine_failures_on_inline_footnotes_are_content_errors(source, line):
    with pytest.raises(ContentError) as caught:
        render_body(PLAIN, source, "content/articles/a.md", 1)
    assert str(caught.value).startswith(f"content/articles/a.md:{line}: the Markdown engine failed on this body")
    assert render_body(PLAIN, "after *that*\n").html == "<p>after <em>that</em></p>\n"   # the engine still works


def test_escaped_inline_footnote_marker_is_text():
    assert render_body(PLAIN, "ends with \\^[\n").html == "<p>ends with ^[</p>\n"


# Pieces of Markdown that change how the text around them reads: emphasis, code, links, footnotes,
# blocks, tables, breaks, entities and escapes, and the very words html_text looks for.
PIECES = ["a", "b c", "é 日本", " ", "\n", "\n\n", "    ", "\t", "*", "**", "***", "_", "`", "``", "```", "~~~",
          "[", "]", "(", ")", "](u)", '](u "t")', "[r]", "[r]: /u", "[^1]", "[^x]: ", "[^1]:\n    more", "^[",
          "#", "> ", "- ", "+ ", "1. ", "2) ", "|", ":---:", "---", "===", "\\", "&amp;", "&copy;", "&#35;",
          "&nbsp;", "&lt;", "&#x3C;", "&quot;", '"', "'", "&", ":", "=", "http://x.y", "fnref", "sup", "class=",
          "↩︎", ">"]


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "300")), deadline=None,
          derandomize=bool(os.environ.get("CI")), database=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=30).map("".join))
def test_the_text_of_the_html_is_the_text_of_the_tree(source):
    """For a body without raw HTML or images, as render_body reads it from the HTML."""
    assume("<" not in source and "![" not in source)
    try:
        html, tree = PLAIN.render(source), PLAIN.tree(source)
    except BaseException:   # the engine's panic on a broken inline footnote: render_body reports it
        assume(False)
    assert fold_text(html_text(html)) == fold_text(plain_text(tree))


class CountingEngine:
    """A Markdown engine that counts the trees it is asked for."""

    def __init__(self, md) -> None:
        self.md, self.trees = md, 0

    def render(self, source: str) -> str:
        return self.md.render(source)

    def tree(self, source: str):
        self.trees += 1
        return self.md.tree(source)


@pytest.mark.parametrize("source, trees", [
    ("A *claim*[^1] with `code` and [a link](/x).\n\n[^1]: A note.\n", 0),
    ("Raw <b>HTML</b>, or what looks like it.\n", 1),
    ("An ![image *with* &amp; alt](/i.png) here.\n", 1),   # its alt attribute leaves out the entity
])
def test_the_tree_is_made_only_for_bodies_with_raw_html_or_images(source, trees):
    engine = CountingEngine(PLAIN)
    body = render_body(engine, source)
    assert engine.trees == trees
    assert body.text == fold_text(plain_text(PLAIN.tree(source)))
