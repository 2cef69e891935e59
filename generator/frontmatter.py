"""Splitting a Markdown file into YAML front matter and body, keeping line numbers."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ContentError, Problems
from .yamlsafe import Map, YamlProblem, load_yaml

MAX_FRONT_MATTER = 256 * 1024
_FENCES = ("---", "...")


@dataclass(frozen=True, slots=True)
class Document:
    """A content file split in two: front matter as nodes, and the Markdown body."""

    meta: Map
    body: str
    body_line: int   # the file line the body starts on


def split_document(path: str, text: str, problems: Problems | None = None) -> Document:
    """Split `---` front matter from the body and parse it; raise ContentError."""
    if not text.strip():
        raise ContentError(path, 1, "empty file; it needs YAML front matter between --- lines")
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise ContentError(path, 1, "no front matter: the file must start with a line '---'")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in _FENCES), None)
    if end is None:
        raise ContentError(path, 1, "front matter is not closed: add a line '---' after it")
    yaml_text = "\n".join(lines[1:end])
    if len(yaml_text.encode("utf-8")) > MAX_FRONT_MATTER:
        raise ContentError(path, 2, f"front matter is larger than {MAX_FRONT_MATTER // 1024} KiB")
    meta = load_meta(path, yaml_text, first_line=2, problems=problems)
    return Document(meta, "\n".join(lines[end + 1:]), end + 2)


def load_meta(path: str, yaml_text: str, first_line: int = 1, what: str = "front matter",
              problems: Problems | None = None) -> Map:
    """Parse YAML that must be a mapping; errors carry file lines.

    With `problems`, duplicate keys are recorded there and reading goes on; other YAML
    problems raise ContentError.
    """
    duplicates: list[YamlProblem] | None = [] if problems is not None else None
    try:
        root = load_yaml(yaml_text, first_line, duplicates)
    except YamlProblem as problem:
        raise ContentError(path, problem.line, str(problem)) from None
    for duplicate in duplicates or ():
        problems.error(path, duplicate.line, str(duplicate))
    if root is None:
        return Map({}, {}, first_line)
    if not isinstance(root, Map):
        raise ContentError(path, first_line, f"{what} must be a mapping of keys to values")
    return root
