"""Untrusted YAML: no implicit conversions, line numbers, refusals; splitting and reading files."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conftest import write_files
from generator.errors import ContentError
from generator.frontmatter import load_meta, split_document
from generator.sources import read_sources
from generator.yamlsafe import MAX_DEPTH, Map, Scalar, Seq, YamlProblem, load_yaml


def load(text: str, first_line: int = 1):
    return load_yaml(textwrap.dedent(text).lstrip("\n"), first_line)


# ---------------------------------------------------------------- no implicit conversion

@pytest.mark.parametrize("text", [
    "no", "yes", "on", "off", "No", "YES", "On", "OFF", "true", "False", "y", "n",
    "1:20", "190:20:30", "2024-05-19", "2024-05", "2024", "2001-12-14t21:59:43.10-05:00",
    "0x1F", "0o17", "017", "1e3", "1_000", "+12", ".inf", "-.Inf", ".nan", "3.10", "1.0",
])
def test_plain_scalars_stay_as_written(text):
    root = load_yaml(f"key: {text}")
    node = root.entries["key"]
    assert isinstance(node, Scalar)
    assert node.text == text
    assert type(node.text) is str
    assert node.plain
    assert not node.is_null


@pytest.mark.parametrize("text", ["null", "Null", "NULL", "~", ""])
def test_plain_nulls(text):
    node = load_yaml(f"key: {text}").entries["key"]
    assert node.is_null


@pytest.mark.parametrize("text", ['"null"', "'~'", '""', "''", '"no"', "'yes'"])
def test_quoted_scalars_are_not_plain_and_never_null(text):
    node = load_yaml(f"key: {text}").entries["key"]
    assert not node.plain
    assert not node.is_null
    assert node.text == text[1:-1]


def test_block_scalars_are_not_plain():
    node = load("""
        key: |
          line one
          line two
    """).entries["key"]
    assert node.text == "line one\nline two\n"
    assert not node.plain


def test_keys_stay_text():
    root = load_yaml("1: a\nyes: b\nnull: c\n2024-05-19: d\n1.0: e")
    assert list(root.entries) == ["1", "yes", "null", "2024-05-19", "1.0"]


def test_quoted_and_plain_keys_are_the_same_key():
    with pytest.raises(YamlProblem, match="duplicate key 'a'"):
        load_yaml('a: 1\n"a": 2')


def test_empty_documents_give_none():
    assert load_yaml("") is None
    assert load_yaml("# only a comment\n") is None


def test_nested_structure():
    root = load("""
        a: [x, y]
        b: {c: 1}
    """)
    assert isinstance(root.entries["a"], Seq)
    assert [item.text for item in root.entries["a"].items] == ["x", "y"]
    assert isinstance(root.entries["b"], Map)
    assert root.entries["b"].entries["c"].text == "1"


# ---------------------------------------------------------------- lines

def test_key_and_item_lines():
    root = load("""
        title: x

        tags:
          - one
          - two
        facts:
          - subject: A
            property: p
    """)
    assert root.line == 1
    assert root.key_lines == {"title": 1, "tags": 3, "facts": 6}
    tags = root.entries["tags"]
    assert [item.line for item in tags.items] == [4, 5]
    fact = root.entries["facts"].items[0]
    assert fact.line == 7
    assert fact.key_lines == {"subject": 7, "property": 8}
    assert fact.entries["property"].line == 8


def test_first_line_offsets_every_line():
    root = load("""
        title: x
        tags:
          - one
    """, first_line=2)
    assert root.key_lines == {"title": 2, "tags": 3}
    assert root.entries["tags"].items[0].line == 4
    assert root.entries["title"].line == 2


def test_syntax_error_line_uses_first_line():
    with pytest.raises(YamlProblem) as caught:
        load_yaml("a: 1\nb: [1, 2\nc: 3\n", first_line=2)
    assert caught.value.line >= 3
    assert "syntax error" in str(caught.value)


def test_duplicate_key_line_and_first_line():
    with pytest.raises(YamlProblem) as caught:
        load_yaml("a: 1\nb: 2\na: 3", first_line=2)
    assert caught.value.line == 4
    assert "first on line 2" in str(caught.value)


# ---------------------------------------------------------------- refusals

@pytest.mark.parametrize("text, words", [
    ("a: &x 1\nb: 2", "anchors"),
    ("a: 1\nb: *x", "YAML"),
    ("base: {a: 1}\nother:\n  <<: {b: 2}", "merge keys"),
    ("<<: {a: 1}", "merge keys"),
    ("a: !!str 1", "tags"),
    ("a: !!python/object:os.system x", "tags"),
    ("a: !custom 1", "tags"),
    ("a: 1\na: 2", "duplicate key"),
    ("a: 1\n---\nb: 2", "more than one YAML document"),
    ("? [a, b]\n: 1", "key must be plain text"),
])
def test_refused_constructs(text, words):
    with pytest.raises(YamlProblem, match=words):
        load_yaml(text)


def test_alias_is_refused_at_its_line():
    with pytest.raises(YamlProblem) as caught:
        load_yaml("a: 1\nb: 2\nc: *x\n")
    assert caught.value.line == 3


def test_anchor_is_refused_at_its_line():
    with pytest.raises(YamlProblem) as caught:
        load_yaml("a: 1\nb: &here 2\n", first_line=5)
    assert caught.value.line == 6
    assert "&here" in str(caught.value)


def test_quoted_merge_key_is_plain_text():
    root = load_yaml('"<<": 1')
    assert root.entries["<<"].text == "1"


def test_depth_cap():
    ok = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert isinstance(load_yaml(ok), Seq)
    too_deep = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    with pytest.raises(YamlProblem, match="deeper than"):
        load_yaml(too_deep)


def test_very_deep_nesting_is_refused_not_a_recursion_error():
    text = "a: " + "[" * 5000 + "]" * 5000
    with pytest.raises(YamlProblem):
        load_yaml(text)


def test_deep_block_mappings_are_refused():
    text = "".join("  " * depth + f"k{depth}:\n" for depth in range(MAX_DEPTH + 2)) + "  " * (MAX_DEPTH + 2) + "x"
    with pytest.raises(YamlProblem, match="deeper than"):
        load_yaml(text)


def test_billion_laughs_is_refused_not_expanded():
    lines = ['lol0: &lol0 "lol"']
    for level in range(1, 10):
        refs = ", ".join([f"*lol{level - 1}"] * 10)
        lines.append(f"lol{level}: &lol{level} [{refs}]")
    with pytest.raises(YamlProblem):
        load_yaml("\n".join(lines))


def test_merge_key_chain_is_refused_not_expanded():
    lines = ["k0: {a: 1, b: 2}"]
    for level in range(1, 30):
        lines.append(f"k{level}:\n  <<: [*k{level - 1}, *k{level - 1}]")
    with pytest.raises(YamlProblem):
        load_yaml("\n".join(lines))


def test_merge_key_without_anchors_is_refused():
    with pytest.raises(YamlProblem, match="merge keys"):
        load_yaml("a:\n  <<: {b: 1}\n  c: 2")


def test_non_yaml_error_becomes_yaml_problem():
    with pytest.raises(YamlProblem):
        load_yaml("a: \x00")


@pytest.mark.parametrize("char", ["\x00", "\x7f", "\ufffe"])
def test_control_character_is_refused_at_its_line(char):
    with pytest.raises(YamlProblem, match="character") as caught:
        load_yaml(f"a: 1\nb: 2\nc: x{char}y\nd: 4\n", first_line=2)
    assert caught.value.line == 4


def test_control_character_line_after_multibyte_text():
    text = "a: 小米集团小米集团小米集团\nb: 😀😀😀😀\nc: x\x00y\n" + "".join(f"k{i}: {i}\n" for i in range(20))
    with pytest.raises(YamlProblem) as caught:
        load_yaml(text)
    assert caught.value.line == 3


def test_yaml_problem_is_a_value_error_with_a_line():
    with pytest.raises(ValueError) as caught:
        load_yaml("a: [")
    assert isinstance(caught.value, YamlProblem)
    assert caught.value.line >= 1


# ---------------------------------------------------------------- front matter

def test_split_document_body_line():
    doc = split_document("a.md", "---\ntitle: x\ndate: 2024-05-19\n---\nBody\nmore\n")
    assert doc.body == "Body\nmore\n"
    assert doc.body_line == 5
    assert doc.meta.key_lines == {"title": 2, "date": 3}


def test_split_document_accepts_dots_as_closing_fence():
    doc = split_document("a.md", "---\ntitle: x\n...\nBody")
    assert doc.body == "Body"
    assert doc.body_line == 4


def test_split_document_only_first_fence_closes():
    doc = split_document("a.md", "---\ntitle: x\n---\nBody\n---\nmore\n")
    assert doc.body == "Body\n---\nmore\n"


def test_split_document_empty_front_matter():
    doc = split_document("a.md", "---\n---\nBody")
    assert doc.meta.entries == {}
    assert doc.body_line == 3


@pytest.mark.parametrize("text, words", [
    ("", "empty file"),
    ("  \n\n", "empty file"),
    ("title: x\n", "no front matter"),
    ("\n---\ntitle: x\n---\n", "no front matter"),
    ("---\ntitle: x\n", "not closed"),
])
def test_split_document_refusals(text, words):
    with pytest.raises(ContentError, match=words) as caught:
        split_document("a.md", text)
    assert caught.value.line == 1
    assert caught.value.path == "a.md"


def test_split_document_yaml_error_carries_file_line():
    with pytest.raises(ContentError) as caught:
        split_document("a.md", "---\ntitle: x\nalias: *nope\n---\n")
    assert caught.value.line == 3
    assert caught.value.path == "a.md"


def test_front_matter_must_be_a_mapping():
    with pytest.raises(ContentError, match="must be a mapping"):
        split_document("a.md", "---\n- a\n- b\n---\n")


def test_front_matter_size_cap():
    big = "---\n" + "".join(f"k{i}: {'x' * 100}\n" for i in range(3000)) + "---\n"
    with pytest.raises(ContentError, match="larger than"):
        split_document("a.md", big)


def test_load_meta_empty_is_an_empty_mapping():
    meta = load_meta("site.yaml", "")
    assert meta.entries == {}


# ---------------------------------------------------------------- read_sources

def test_read_sources_normalises_line_endings_and_strips_bom(tmp_path):
    content = write_files(tmp_path / "content", {
        "articles/crlf.md": b"\xef\xbb\xbf---\r\ntitle: x\r\n---\r\nbody\r\n",
        "articles/cr.md": b"---\rtitle: y\r---\rbody\r",
    })
    sources, problems, _ = read_sources(content)
    texts = {s.rel: s.text for s in sources}
    assert texts["articles/crlf.md"] == "---\ntitle: x\n---\nbody\n"
    assert texts["articles/cr.md"] == "---\ntitle: y\n---\nbody\n"
    assert not problems.errors


def test_read_sources_kinds_and_order(tmp_path):
    content = write_files(tmp_path / "content", {
        "articles/b.md": "x", "articles/2024/a.md": "x", "companies/acme.md": "x", "sites/s.md": "x",
        "events/e.md": "x", "people/p.md": "x", "properties.yaml": "a: b",
    })
    sources, problems, _ = read_sources(content)
    assert [(s.rel, s.kind) for s in sources] == [
        ("articles/2024/a.md", "article"), ("articles/b.md", "article"), ("companies/acme.md", "company"),
        ("events/e.md", "event"), ("people/p.md", "person"), ("properties.yaml", "properties"),
        ("sites/s.md", "site"),
    ]
    assert sources[0].path == str(content / "articles" / "2024" / "a.md")
    assert not problems.errors and not problems.warnings


def test_read_sources_refuses_non_utf8_with_its_line(tmp_path):
    content = write_files(tmp_path / "content", {
        "articles/latin1.md": "---\ntitle: Caf\xe9\n---\n".encode("latin-1"),
    })
    sources, problems, _ = read_sources(content)
    assert sources == ()
    [error] = problems.errors
    assert error.line == 2
    assert error.path.endswith("latin1.md")
    assert "UTF-8" in error.message


@pytest.mark.parametrize("data, line", [
    (b"---\r\ntitle: x\r\nbad: \xff\r\n", 3),
    (b"---\rtitle: x\rbad: \xff\r", 3),
    (b"\xef\xbb\xbf---\ntitle: x\n\nbad: \xc3\x28\n", 4),
])
def test_read_sources_non_utf8_line_with_any_line_ending(tmp_path, data, line):
    content = write_files(tmp_path / "content", {"articles/bad.md": data})
    _, problems, _ = read_sources(content)
    [error] = problems.errors
    assert error.line == line


def test_read_sources_ignores_hidden_files_and_editor_backups(tmp_path):
    content = write_files(tmp_path / "content", {
        "articles/real.md": "x",
        "articles/.draft.md": "x",
        "articles/real.md~": "x",
        "articles/.git/config.md": "x",
        ".hidden/articles/x.md": "x",
    })
    sources, problems, _ = read_sources(content)
    assert [s.rel for s in sources] == ["articles/real.md"]
    assert not problems.errors and not problems.warnings


def test_read_sources_warns_about_markdown_outside_known_folders(tmp_path):
    content = write_files(tmp_path / "content", {
        "articles/real.md": "x",
        "notes/todo.md": "x",
        "readme.md": "x",
        "articles.md": "x",
        "notes/picture.png": b"\x89PNG",
        "articles/notes.txt": "x",
    })
    sources, problems, _ = read_sources(content)
    assert [s.rel for s in sources] == ["articles/real.md"]
    warned = sorted(Path(w.path).relative_to(content).as_posix() for w in problems.warnings)
    assert warned == ["articles.md", "notes/todo.md", "readme.md"]
    assert all(w.line == 1 for w in problems.warnings)
    assert not problems.errors


def test_read_sources_refuses_links_leading_outside(tmp_path):
    outside = write_files(tmp_path / "outside", {"secret.md": "---\ntitle: s\n---\n"})
    content = write_files(tmp_path / "content", {"articles/real.md": "x"})
    (content / "articles" / "leak.md").symlink_to(outside / "secret.md")
    sources, problems, _ = read_sources(content)
    assert [s.rel for s in sources] == ["articles/real.md"]
    assert len(problems.errors) == 1
    assert "outside the content folder" in problems.errors[0].message
