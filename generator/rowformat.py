"""Fact rows as the data exports write them: CSV with formula-like cells defused, and JSON objects.

CSV cells that a spreadsheet would run as a formula (text starting with = + - @, a tab or a
carriage return, unless it is a plain number) get a leading apostrophe; the JSON holds the exact
text. A row is a tuple of cells in the order of COLUMNS, its last one a bool (`conflict`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from json.encoder import encode_basestring

COLUMNS = ("subject", "subject_id", "subject_type", "property", "value", "value_type", "value_id", "unit",
           "comparator", "as_of", "period", "status", "source_type", "source_article", "source_title",
           "source_page", "source_url", "quote", "conflict")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?([eE][+-]?\d+)?")
_RISKY = frozenset(("=", "+", "-", "@", "\t", "\r"))   # first characters that make a cell a formula
# Columns of a fact row that can hold text as written (the others are ids, ISO dates and fixed words).
_FREE_TEXT = tuple(COLUMNS.index(column) for column in ("subject", "property", "value", "unit", "source_article",
                                                         "source_title", "source_url", "quote"))
_HEADS = tuple(("{" if i == 0 else ", ") + json.dumps(column) + ": " for i, column in enumerate(COLUMNS))


def to_csv(rows: list[dict]) -> bytes:
    """UTF-8 CSV with a header row and \\n line endings; formula-like text is defused."""
    return _csv([tuple(row.get(column, "") for column in COLUMNS) for row in rows])


def defuse(text: str) -> str:
    """A CSV cell a spreadsheet will show as text: formula-like text gets a leading apostrophe."""
    if text[:1] in _RISKY and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def _csv(rows: list[tuple], cells=None) -> bytes:
    """Rows of COLUMNS as CSV; `cells` turns a row into its cells (by default, any values)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(map(cells or _cells, rows))
    return buffer.getvalue().encode("utf-8")


def fact_csv(rows: list[tuple], header: bool = False) -> bytes:
    """Fact rows (exports._Rows) as CSV (after the header row, if asked), as _csv writes them: a row
    whose cells hold no comma, quote or line break is joined directly; csv.writer writes the others."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if header:
        writer.writerow(COLUMNS)
    separators = len(COLUMNS) - 1
    lines = []
    for row in rows:
        cells = [*row[:-1], "true" if row[-1] else "false"]
        for i in _FREE_TEXT:
            if cells[i][:1] in _RISKY:
                cells[i] = defuse(cells[i])
        line = ",".join(cells)
        if line.count(",") == separators and '"' not in line and "\n" not in line and "\r" not in line:
            lines.append(line)
        else:
            if lines:
                buffer.write("\n".join(lines) + "\n")
                lines = []
            writer.writerow(cells)
    if lines:
        buffer.write("\n".join(lines) + "\n")
    return buffer.getvalue().encode("utf-8")


def _cells(row: tuple) -> list[str]:
    return [_cell(value) for value in row]


def _cell(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return defuse(str(value))


def row_json(row: tuple) -> str:
    """A fact row as a JSON object, as json.dumps(dict(zip(COLUMNS, row)), ensure_ascii=False) writes it."""
    parts = [""] * (2 * len(_HEADS))
    parts[0::2] = _HEADS
    parts[1::2] = [*map(encode_basestring, row[:-1]), "true" if row[-1] else "false"]
    return "".join(parts) + "}"


def json_lines(texts: list[str]) -> bytes:
    """A JSON list of already serialised items, one per line."""
    return (("[\n" + ",\n".join(texts) + "\n]" if texts else "[]") + "\n").encode("utf-8")
