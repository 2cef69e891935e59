"""Typed reads of front-matter fields; each problem is recorded with its line, not raised."""

from __future__ import annotations

import difflib
from urllib.parse import urlsplit

from .dates import PartialDate, Period, parse_date, parse_period
from .errors import Problems
from .records import Name
from .yamlsafe import Map, Node, Scalar, Seq

MAX_NAME = 200


class FieldReader:
    """Reads the fields of one mapping in one file, recording problems as it goes."""

    def __init__(self, path: str, meta: Map, problems: Problems) -> None:
        self.path = path
        self.meta = meta
        self.problems = problems

    def line(self, key: str) -> int:
        """The line of `key`, or of the mapping when the key is absent."""
        return self.meta.key_lines.get(key, self.meta.line)

    def error(self, key: str, message: str) -> None:
        """Record an error at the line of `key`."""
        self.problems.error(self.path, self.line(key), message)

    def node(self, key: str) -> Node | None:
        """The node under `key`, or None when absent or null."""
        node = self.meta.entries.get(key)
        if isinstance(node, Scalar) and node.is_null:
            return None
        return node

    def text(self, key: str, required: bool = False) -> str | None:
        """A single line of text (numbers and dates stay as written); blank counts as absent."""
        node = self.node(key)
        if isinstance(node, Scalar) and not node.text.strip():
            node = None
        if node is None:
            if required:
                self.error(key, f"'{key}' is required" if key not in self.meta.entries else f"'{key}' is empty")
            return None
        if not isinstance(node, Scalar):
            self.error(key, f"'{key}' must be text, not a {'list' if isinstance(node, Seq) else 'mapping'}")
            return None
        return node.text.strip()

    def date(self, key: str, required: bool = False) -> PartialDate | None:
        """A date with its precision: YYYY, YYYY-MM or YYYY-MM-DD."""
        text = self.text(key, required)
        if text is None:
            return None
        try:
            return parse_date(text)
        except ValueError as reason:
            self.error(key, f"'{key}': {reason}")
            return None

    def period(self, key: str) -> Period | None:
        """A span START/END of two dates."""
        text = self.text(key)
        if text is None:
            return None
        try:
            return parse_period(text)
        except ValueError as reason:
            self.error(key, f"'{key}': {reason}")
            return None

    def choice(self, key: str, options: tuple[str, ...], default: str) -> str:
        """One word out of `options` (case ignored)."""
        text = self.text(key)
        if text is None:
            return default
        if text.lower() not in options:
            self.error(key, f"'{key}' must be one of {', '.join(options)}; got '{text}'")
            return default
        return text.lower()

    def names(self, key: str) -> tuple[Name, ...]:
        """A list of names (a single name is taken as a list of one)."""
        node = self.node(key)
        if node is None:
            return ()
        items = node.items if isinstance(node, Seq) else (node,)
        names = []
        for item in items:
            if not isinstance(item, Scalar) or item.is_null or not item.text.strip():
                self.problems.error(self.path, item.line, f"'{key}' must list names as text")
            elif len(item.text) > MAX_NAME:
                self.problems.error(self.path, item.line, f"name in '{key}' is longer than {MAX_NAME} characters")
            else:
                names.append(Name(" ".join(item.text.split()), item.line))
        return tuple(names)

    def url(self, key: str) -> str | None:
        """A link: http(s) or a relative path; anything else (javascript:, data:) is refused."""
        text = self.text(key)
        if text is None:
            return None
        parts = urlsplit(text)
        if parts.scheme.lower() not in ("", "http", "https") or (not parts.scheme and parts.netloc):
            self.error(key, f"'{key}' must be an http(s) URL or a relative link; got '{text}'")
            return None
        if parts.scheme and not parts.netloc:
            self.error(key, f"'{key}' has no host: '{text}'")
            return None
        return text

    def check_keys(self, known: tuple[str, ...], what: str) -> None:
        """Warn about keys this mapping does not use (with a guess at the intended one)."""
        for key in self.meta.entries:
            if key not in known:
                guess = difflib.get_close_matches(key, known, n=1)
                hint = f" (did you mean '{guess[0]}'?)" if guess else ""
                self.problems.warn(self.path, self.line(key), f"unknown key '{key}' in {what} is ignored{hint}")
