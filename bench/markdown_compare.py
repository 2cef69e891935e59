"""Old Markdown engine (markdown-it-py + mdit-py-plugins) against the new one (markdown-it-pyrs).

    python bench/markdown_compare.py [--random N] [--show K] FOLDER...

Renders every `.md` body below the folders (front matter cut off), the hand-written edge cases
below and N random mixtures of them, with raw HTML off and on, through both engines, and counts
the bodies whose HTML or folded text differ. Differences are sorted into kinds; the footnote
newline (`<li id="fn1" class="footnote-item">` then a newline before the first block, where
markdown-it-py writes none) is the one known kind. Exit status 1 if any other kind turns up.

The old engine is not a dependency any more: this script needs `markdown-it-py==4.3.0` and
`mdit-py-plugins==0.7.0` installed next to the project's requirements.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

from markdown_it import MarkdownIt as OldMarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from generator.errors import ContentError  # noqa: E402
from generator.markdown import make_markdown, render_body  # noqa: E402

_OLD_TEXT_TOKENS = frozenset({"text", "code_inline", "softbreak", "hardbreak", "image"})
_FOOTNOTE_ITEM = re.compile(r'(<li id="fn\d+" class="footnote-item">)\n')

EDGE_CASES = {
    "raw html inline": "Hi <b>bold</b> and <span class=\"x\">span</span> <!-- note --> text.\n",
    "raw html block": "<div class=\"x\">\nblock *not em*\n</div>\n\nAfter.\n",
    "script tag": "<script>alert(1)</script>\n\nText <script>x</script>\n",
    "javascript link": "[click](javascript:alert(1)) [v](vbscript:msgbox) [d](data:text/html,x)\n",
    "javascript mixed case": "[c](JavaScript:alert(1)) [c2](  javascript:x) [c3](java\tscript:x)\n",
    "data image": "![pic](data:image/png;base64,AAAA) ![gif](data:image/gif;base64,R0) ![s](data:image/svg+xml,x)\n",
    "javascript autolink": "<javascript:alert(1)> <http://ok.example/a?b=c&d=e> <mailto:a@b.c> <a@b.c>\n",
    "javascript reference": "[x][r]\n\n[r]: javascript:alert(1) \"title\"\n",
    "entities": "&amp; &copy; &#35; &#x41; &nbsp; &bogus; &lt;b&gt; &quot;q&quot; &#0; &#xFFFFFF;\n",
    "escapes": "\\*not em\\* \\_ \\# \\[x\\] \\\\ \\` a\\\nb\n",
    "table": "| a | *b* | c |\n|:--|:-:|--:|\n| 1 | `2` | [3](http://x.example) |\n| 4 | 5 |\n",
    "table escaped pipe": "| a | b |\n|---|---|\n| x \\| y | z |\n",
    "footnotes": "A claim.[^1] Another.[^note]\n\n[^1]: The footnote **text**.\n[^note]: Second\n    with more.\n",
    "footnote twice": "One[^a] two[^a].\n\n[^a]: Shared.\n",
    "footnote inline": "Inline^[a note with *em*] here.\n",
    "footnote inline nested": "Outer^[a ^[b] c] and^[^[x]].\n",
    "footnote inline unclosed": "Ends with ^[\n",
    "footnote block content": "X[^b]\n\n[^b]:\n    ```\n    code\n    ```\n\n    - item\n",
    "footnote missing": "Missing[^zz] ref.\n",
    "footnote def after paragraph": "A claim.[^1]\n[^1]: The note.\n",
    "empty blockquote": ">\n",
    "tight item then block": "- a\n    ```\n",
    "hard breaks": "line one  \nline two\\\nline three\nline four\n",
    "nested lists": "- a\n  - b\n    1. c\n    2. d\n- e\n\n  para in e\n\n3) x\n4) y\n",
    "tight list with heading": "- # h\n  c\n- d\n",
    "image emphasis alt": "![alt *em* and **strong** `code`](img.png \"title\")\n",
    "image nested": "[![inner *alt*](a.png)](http://x.example)\n",
    "code spans": "`a` ``b ` c`` ` d ` `` `e` ``\n",
    "code blocks": "    indented\n      more\n\n```python\nfenced <b>\n```\n\n~~~\ntilde\n~~~\n\n```\nunclosed\n",
    "headings": "# H1 *em*\n## H2 ##\n###### H6\n####### not\nSetext\n======\nTwo\n---\n",
    "blockquote": "> quote *a*\n> - list\n>\n> > nested\n",
    "hr and emphasis": "***\n\n*a **b** c* _d_ __e__ ***f***\n\n---\n",
    "links": "[t](http://x.example/a b) [t](<http://x.example/a b>) [t](/rel \"ti\") [e](http://xn--ls8h.la/)\n",
    "unicode urls": "[u](http://例え.テスト/パス?q=ü) <http://ü.example/%E2%82%AC>\n",
    "references": "[a] [B][] [c][a]\n\n[a]: http://a.example\n[b]: </b b> 'T'\n",
    "lazy and setext": "para\n===\n- a\nlazy\n\n> q\nlazy\n",
    "strikethrough off": "~~not struck~~ ++ins++ ==mark==\n",
    "typographer off": "\"quotes\" -- --- ... (c) (tm)\n",
    "linkify off": "www.example.com http://example.com a@b.c\n",
    "tabs and nbsp": "\tcode\n\na\u00a0b \u2003c\n",
    "empty": "",
    "only spaces": "   \n\n  \n",
    "html comment block": "<!-- c -->\nafter\n\n<?php x ?>\n\n<![CDATA[ y ]]>\n",
    "deep nesting": ">" * 120 + " deep\n\n" + "*" * 60 + "x" + "*" * 60 + "\n\n" + "[" * 50 + "x" + "]" * 50 + "\n",
    "crlf": "a\r\nb\r\n\r\n- c\r\n",
    "null char": "a\x00b\n",
}


def old_markdown(allow_html: bool) -> OldMarkdownIt:
    """The engine as it was: markdown-it-py's CommonMark preset with tables and footnotes."""
    return OldMarkdownIt("commonmark", {"html": allow_html}).enable("table").use(footnote_plugin)


def old_render(md: OldMarkdownIt, source: str) -> tuple[str, str]:
    """HTML and folded text, exactly as generator/markdown.py made them before markdown-it-pyrs."""
    tokens = md.parse(source, {})
    html = md.renderer.render(tokens, md.options, {})
    words = []
    for token in tokens:
        if token.type == "inline" and token.children:
            words.extend(" " if child.type.endswith("break") else child.content
                         for child in token.children if child.type in _OLD_TEXT_TOKENS)
        elif token.type in ("code_block", "fence"):
            words.append(token.content)
        words.append(" ")
    return html, " ".join(unicodedata.normalize("NFKC", "".join(words)).casefold().split())


def body_of(text: str) -> str:
    """The Markdown below the front matter (the whole text when there is none)."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return text
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    return text if end is None else "\n".join(lines[end + 1:])


def html_kind(old: str, new: str) -> str:
    """What kind of HTML difference this is (empty when there is none)."""
    if old == new:
        return ""
    return "footnote newline" if _FOOTNOTE_ITEM.sub(r"\1", new) == old else "other html"


def random_documents(count: int, seed: int = 5) -> dict[str, str]:
    """Mixtures of the edge cases: lines shuffled across cases, to reach the engines' corners."""
    draw = random.Random(seed)
    lines = [line for case in EDGE_CASES.values() for line in case.split("\n")]
    return {f"random {i}": "\n".join(draw.choice(lines) for _ in range(draw.randint(1, 30))) + "\n"
            for i in range(count)}


def compare(bodies: dict[str, str], show: int) -> Counter:
    """Render every body through both engines, HTML off and on; count and show differences."""
    kinds: Counter = Counter()
    engines = [(html, old_markdown(html), make_markdown(html)) for html in (False, True)]
    for name, source in bodies.items():
        for allow_html, old_md, new_md in engines:
            old_html, old_text = old_render(old_md, source)
            kinds["bodies"] += 1
            try:
                new = render_body(new_md, source)
            except ContentError as error:
                kinds["refused"] += 1
                if kinds["refused"] <= show:
                    print(f"--- refused: {name} (allow_html={allow_html})\n{source!r}\nold: {old_html!r}\nnew: {error}")
                continue
            found = [kind for kind in (html_kind(old_html, new.html),
                                       "text" if old_text != new.text else "") if kind]
            for kind in found or ["same"]:
                kinds[kind] += 1
                if kind not in ("same", "footnote newline") and kinds[kind] <= show:
                    print(f"--- {kind}: {name} (allow_html={allow_html})\n{source!r}")
                    print(f"old: {old_html if kind != 'text' else old_text!r}")
                    print(f"new: {new.html if kind != 'text' else new.text!r}")
    return kinds


def main(argv: list[str] | None = None) -> int:
    """Compare the engines on the folders' bodies, the edge cases and random mixtures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--random", type=int, default=2000, help="random mixtures of the edge cases")
    parser.add_argument("--show", type=int, default=5, help="differences shown of each kind")
    args = parser.parse_args(argv)
    groups = {"edge cases": EDGE_CASES, "random mixtures": random_documents(args.random)}
    for folder in args.folders:
        groups[str(folder)] = {str(p): body_of(p.read_text(encoding="utf-8", errors="replace"))
                               for p in sorted(folder.rglob("*.md"))}
    unexpected = 0
    for group, bodies in groups.items():
        kinds = compare(bodies, args.show)
        print(f"{group}: {len(bodies)} bodies, {kinds['bodies']} renders (HTML off and on): "
              + ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items()) if kind != "bodies"))
        unexpected += kinds["other html"] + kinds["text"] + kinds["refused"]
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
