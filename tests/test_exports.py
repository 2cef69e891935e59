"""Data exports: the fast paths write exactly what the csv and json modules would."""

from __future__ import annotations

import csv
import io
import json

import pytest

from generator.rowformat import COLUMNS, defuse, fact_csv, row_json, to_csv

TRICKY = ["plain", "a,b", 'say "hi"', "two\nlines", "carriage\rreturn", "=1+1", "-5", "+1.5e3", "-2+3", "@SUM(A1)",
          "\ttab", "", " spaced ", "Ünïcödé 安光能源", "back\\slash", "\u2028separator", "ctrl\x01char", "emoji 🙂"]


def row_of(text: str, conflict: bool = False) -> tuple:
    """A fact row with `text` in every column that can hold free text."""
    fixed = {"subject_id": "company:x", "subject_type": "company", "value_type": "text", "value_id": "",
             "comparator": "", "as_of": "2024-05", "period": "2021-01/2021-09", "status": "actual",
             "source_type": "article", "source_page": "articles/x/"}   # ids, ISO dates and fixed words
    return (*(fixed.get(column, text) for column in COLUMNS[:-1]), conflict)


def reference_csv(rows: list[tuple]) -> bytes:
    """The CSV that csv.DictWriter writes for these rows, cells defused."""
    return to_csv([dict(zip(COLUMNS, row)) for row in rows])


@pytest.mark.parametrize("text", TRICKY)
def test_fast_csv_matches_the_csv_module(text):
    rows = [row_of("plain"), row_of(text, True), row_of("plain, again"), row_of(text)]
    assert fact_csv(rows, header=True) == reference_csv(rows)
    if "\r" not in text:   # csv.writer leaves a lone \r unquoted (with \n line endings), which readers split on
        parsed = list(csv.reader(io.StringIO(fact_csv(rows, header=True).decode("utf-8"), newline="")))
        assert parsed[0] == list(COLUMNS) and len(parsed) == 5 and parsed[2][4] == defuse(text)


def test_fast_csv_defuses_formulas_in_free_text_columns():
    rows = [row_of("=HYPERLINK(1)")]
    cells = next(csv.DictReader(io.StringIO(fact_csv(rows, header=True).decode("utf-8"))))
    assert cells["value"] == cells["quote"] == cells["subject"] == "'=HYPERLINK(1)"
    assert cells["conflict"] == "false"


@pytest.mark.parametrize("text", TRICKY)
def test_row_json_matches_json_dumps(text):
    for conflict in (False, True):
        row = row_of(text, conflict)
        record = dict(zip(COLUMNS, row))
        assert row_json(row) == json.dumps(record, ensure_ascii=False)
        assert json.loads(row_json(row)) == record
