"""YAML for untrusted front matter: a tree of text nodes with line numbers.

PyYAML's C parser produces events; this module builds the tree from them itself, so no
implicit conversion ever runs (`no`, `on`, `1:20` and `2024-05` stay the text the user
wrote) and anchors, aliases, merge keys and tags are refused before anything is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

import yaml

from .pickling import fast_maker

MAX_DEPTH = 32
NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CPARSER = getattr(getattr(yaml, "_yaml", None), "CParser", None) if _LOADER is not yaml.SafeLoader else None


@dataclass(frozen=True, slots=True)
class Scalar:
    """A scalar as written, with the line it starts on; `plain` is False when quoted."""

    text: str
    line: int
    plain: bool

    @property
    def is_null(self) -> bool:
        """True for an empty value, `~` or `null` written without quotes."""
        return self.plain and self.text in NULLS


@dataclass(frozen=True, slots=True)
class Seq:
    """A list of nodes."""

    items: tuple
    line: int


@dataclass(frozen=True, slots=True)
class Map:
    """A mapping from key text to node, with the line of each key."""

    entries: dict
    key_lines: dict
    line: int


Node = Union[Scalar, Seq, Map]
_scalar = fast_maker(Scalar)   # Scalar(text, line, plain), made without __init__: front matter makes thousands


class YamlProblem(ValueError):
    """A refused or malformed YAML construct at a line of the file."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def load_yaml(text: str, first_line: int = 1, duplicates: list | None = None) -> Node | None:
    """Parse one YAML document into nodes (None when empty); lines count from `first_line`.

    A duplicate key raises YamlProblem, unless a `duplicates` list is given: then each one is
    added to it, the first value is kept and parsing goes on, so later problems are found too.
    """
    builder = _TreeBuilder(first_line - 1, duplicates)
    try:
        builder.build(_events(text))
    except yaml.MarkedYAMLError as error:
        raise YamlProblem(_error_line(error) + first_line, f"YAML syntax error: {_error_text(error)}") from None
    except yaml.reader.ReaderError as error:
        offset = max(error.position, 0)   # libyaml counts UTF-8 bytes; the Python reader, characters
        head = text.encode("utf-8")[:offset] if _LOADER is not yaml.SafeLoader else text[:offset]
        line = head.count(b"\n" if isinstance(head, bytes) else "\n") + first_line
        code = ord(error.character) if isinstance(error.character, str) else error.character
        raise YamlProblem(line, f"{error.reason} (character {code:#04x})") from None
    except yaml.YAMLError as error:
        raise YamlProblem(first_line, "YAML error: " + " ".join(str(error).split())) from None
    return builder.root


def _events(text: str):
    """The parser's events for `text`, straight from libyaml's parser when PyYAML has it."""
    if _CPARSER is None:
        yield from yaml.parse(text, Loader=_LOADER)
        return
    parser = _CPARSER(text)
    try:
        get = parser.get_event
        while True:
            event = get()
            if event is None:
                return
            yield event
            if event.__class__ is yaml.StreamEndEvent:
                return
    finally:
        parser.dispose()


def _error_line(error: yaml.MarkedYAMLError) -> int:
    """The 0-based line to blame: where an unclosed construct began, else where parsing stopped."""
    unclosed = "end of stream" in (error.problem or "") and error.context_mark is not None
    mark = error.context_mark if unclosed or error.problem_mark is None else error.problem_mark
    return mark.line if mark else 0


def _error_text(error: yaml.MarkedYAMLError) -> str:
    parts = [error.context, error.problem] if "end of stream" in (error.problem or "") else [error.problem or error.context]
    return "; ".join(part for part in parts if part)


class _TreeBuilder:
    """Turns a stream of parser events into a node tree, refusing what untrusted YAML must not use."""

    def __init__(self, offset: int, duplicates: list | None) -> None:
        self.offset = offset
        self.duplicates = duplicates
        self.stack: list[tuple[list, int, bool]] = []   # (children, line, is_mapping)
        self.root: Node | None = None
        self.documents = 0

    def build(self, events) -> None:
        """Take every parser event (the common ones dispatched inline; `feed` takes the others)."""
        offset, stack, add = self.offset + 1, self.stack, self._add
        for event in events:
            cls = event.__class__
            if cls is yaml.ScalarEvent and event.anchor is None and event.tag is None:
                mark = event.start_mark
                node = _scalar(event.value, (mark.line if mark else 0) + offset,
                               event.style in (None, "") and event.implicit[0])
                if stack:
                    stack[-1][0].append(node)
                else:
                    self.root = node
            elif cls is yaml.MappingEndEvent or cls is yaml.SequenceEndEvent:
                children, start, is_mapping = stack.pop()
                add(_mapping(children, start, self.duplicates) if is_mapping else Seq(tuple(children), start))
            else:
                self.feed(event)

    def feed(self, event: yaml.Event) -> None:
        """Take the next parser event."""
        line = (event.start_mark.line if event.start_mark else 0) + 1 + self.offset
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise YamlProblem(line, "more than one YAML document (a stray '---' line?)")
        elif isinstance(event, yaml.AliasEvent):
            raise YamlProblem(line, f"YAML aliases (*{event.anchor}) are not allowed")
        elif isinstance(event, (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            self._check(event, line)
            if isinstance(event, yaml.ScalarEvent):
                plain = event.style in (None, "") and event.implicit[0]
                self._add(_scalar(event.value, line, plain))
            else:
                if len(self.stack) >= MAX_DEPTH:
                    raise YamlProblem(line, f"YAML nests deeper than {MAX_DEPTH} levels")
                self.stack.append(([], line, isinstance(event, yaml.MappingStartEvent)))
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            children, start, is_mapping = self.stack.pop()
            self._add(_mapping(children, start, self.duplicates) if is_mapping else Seq(tuple(children), start))

    @staticmethod
    def _check(event: yaml.NodeEvent, line: int) -> None:
        if event.anchor is not None:
            raise YamlProblem(line, f"YAML anchors (&{event.anchor}) are not allowed")
        if event.tag is not None and event.tag != "!":
            raise YamlProblem(line, f"YAML tags ({event.tag}) are not allowed")

    def _add(self, node: Node) -> None:
        if self.stack:
            self.stack[-1][0].append(node)
        else:
            self.root = node


def _mapping(children: list, line: int, duplicates: list | None) -> Map:
    entries: dict = {}
    key_lines: dict = {}
    for key, value in zip(children[::2], children[1::2]):
        if not isinstance(key, Scalar):
            raise YamlProblem(key.line, "a key must be plain text, not a list or mapping")
        if key.plain and key.text == "<<":
            raise YamlProblem(key.line, "YAML merge keys (<<) are not allowed")
        if key.text in entries:
            problem = YamlProblem(key.line, f"duplicate key '{key.text}' (first on line {key_lines[key.text]})")
            if duplicates is None:
                raise problem
            duplicates.append(problem)
            continue
        entries[key.text] = value
        key_lines[key.text] = key.line
    return Map(entries, key_lines, line)
