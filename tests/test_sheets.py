"""Fact sheets: facts grouped per property into current value, history and conflicts."""

from __future__ import annotations

import pytest

from generator.dates import parse_date, parse_period
from generator.model import DateValue, EntityValue, Fact, SourceRef, TextValue
from generator.quantities import parse_quantity
from generator.records import PropertySpec
from generator.sheets import build_rows

PROPS = {
    "capacity": PropertySpec("capacity", "Annual capacity", "quantity", "vehicles", True, 10),
    "ceo": PropertySpec("ceo", "Chief executive", "entity", "", True, 5),
    "gdp": PropertySpec("gdp", "GDP", "quantity", "CNY", True, 20),
    "opened": PropertySpec("opened", "Opened", "date", "", True, 30),
    "founded": PropertySpec("founded", "Founded", "date", "", True, 30),
    "investee": PropertySpec("investee", "Investments", "entity", "", False, 40),
    "focus": PropertySpec("focus", "Research focus", "text", "", False, 50),
    "alpha": PropertySpec("alpha", "alpha", "", "", False, 10_000),
}


def fact(prop: str, value, as_of: str | None = "2024-01-01", source: str = "a", status: str = "actual",
         period: str | None = None, subject: str = "company:acme", line: int = 1) -> Fact:
    if isinstance(value, str):
        value = parse_quantity(value, PROPS[prop].unit) or TextValue(value)
    return Fact(subject, prop, value, status, parse_date(as_of) if as_of else None,
                parse_period(period) if period else None, "", SourceRef("article", source),
                f"content/articles/{source}.md", line)


def one_row(facts):
    [row] = build_rows(facts, PROPS)
    return row


def test_single_property_same_date_different_values_conflict():
    row = one_row([fact("capacity", "300000", source="a"), fact("capacity", "250000", source="b")])
    assert row.conflict
    [reading] = row.readings
    assert reading.conflict
    assert reading.as_of == parse_date("2024-01-01")
    assert sorted(c.value.human for c in reading.claims) == ["250,000 vehicles", "300,000 vehicles"]
    assert sorted(c.facts[0].source.key for c in reading.claims) == ["a", "b"]


def test_different_dates_are_history_newest_first():
    row = one_row([
        fact("ceo", EntityValue("person:a"), as_of="2019-03-01", source="x"),
        fact("ceo", EntityValue("person:c"), as_of="2024-01-01", source="z"),
        fact("ceo", EntityValue("person:b"), as_of="2021-07", source="y"),
    ])
    assert not row.conflict
    assert [r.as_of.iso for r in row.readings] == ["2024-01-01", "2021-07", "2019-03-01"]
    assert [r.claims[0].value.entity_id for r in row.readings] == ["person:c", "person:b", "person:a"]
    assert all(len(r.claims) == 1 and not r.conflict for r in row.readings)


def test_undated_reading_sorts_last():
    row = one_row([fact("ceo", EntityValue("person:a"), as_of=None),
                   fact("ceo", EntityValue("person:b"), as_of="2020")])
    assert [r.as_of for r in row.readings] == [parse_date("2020"), None]


def test_same_value_from_two_sources_is_one_claim_with_two_facts():
    row = one_row([fact("capacity", "300000", source="a"), fact("capacity", "300,000", source="b")])
    assert not row.conflict
    [reading] = row.readings
    [claim] = reading.claims
    assert [f.source.key for f in claim.facts] == ["a", "b"]


def test_same_magnitude_written_differently_corroborates():
    row = one_row([fact("gdp", "193.48 billion", source="a"), fact("gdp", "193480000000", source="b")])
    assert not row.conflict
    assert len(row.readings[0].claims) == 1
    assert len(row.readings[0].claims[0].facts) == 2


def test_corroborated_claim_comes_first():
    row = one_row([fact("capacity", "1", source="a"), fact("capacity", "2", source="b"),
                   fact("capacity", "2", source="c")])
    claims = row.readings[0].claims
    assert [len(c.facts) for c in claims] == [2, 1]
    assert row.conflict


def test_text_values_compare_loosely():
    row = one_row([fact("focus", TextValue("Smart  Cars")), fact("focus", TextValue("smart cars"))])
    assert len(row.readings) == 1
    assert len(row.readings[0].claims[0].facts) == 2


def test_planned_and_actual_at_the_same_date_do_not_conflict():
    row = one_row([fact("capacity", "300000", status="planned", source="a"),
                   fact("capacity", "150000", status="actual", source="b")])
    assert not row.conflict
    [reading] = row.readings
    assert sorted(c.status for c in reading.claims) == ["actual", "planned"]


def test_two_planned_values_at_the_same_date_conflict():
    row = one_row([fact("capacity", "300000", status="planned", source="a"),
                   fact("capacity", "150000", status="planned", source="b")])
    assert row.conflict


def test_different_periods_do_not_conflict():
    row = one_row([fact("gdp", "193.48 billion", period="2021-01/2021-09"),
                   fact("gdp", "250 billion", period="2021-01/2021-12")])
    assert not row.conflict
    assert len(row.readings) == 2
    assert {r.period.iso for r in row.readings} == {"2021-01/2021-09", "2021-01/2021-12"}


def test_same_period_different_values_conflict():
    row = one_row([fact("gdp", "193.48 billion", period="2021-01/2021-09", source="a"),
                   fact("gdp", "190 billion", period="2021-01/2021-09", source="b")])
    assert row.conflict


def test_single_property_with_and_without_period_orders_without_error():
    row = one_row([fact("gdp", "5 billion", period="2021-01/2021-09"), fact("gdp", "6 billion"),
                   fact("gdp", "7 billion", as_of="2023-01-01")])
    assert not row.conflict
    assert len(row.readings) == 3


def test_non_single_property_lists_every_value():
    row = one_row([
        fact("investee", EntityValue("company:x"), as_of="2020"),
        fact("investee", EntityValue("company:y"), as_of="2022"),
        fact("investee", EntityValue("company:z"), as_of="2022"),
    ])
    assert not row.conflict
    assert len(row.readings) == 3
    assert {r.claims[0].value.entity_id for r in row.readings} == {"company:x", "company:y", "company:z"}
    assert all(len(r.claims) == 1 and not r.conflict for r in row.readings)
    assert row.readings[-1].as_of == parse_date("2020")


def test_non_single_property_merges_the_same_value():
    row = one_row([fact("investee", EntityValue("company:x"), source="a"),
                   fact("investee", EntityValue("company:x"), source="b")])
    [reading] = row.readings
    assert len(reading.claims[0].facts) == 2


def test_non_single_property_with_and_without_period_at_the_same_date():
    row = one_row([fact("alpha", "5", period="2023-01/2023-06"), fact("alpha", "6")])
    assert len(row.readings) == 2
    assert not row.conflict


@pytest.mark.parametrize("a, b", [("2024-05", "2024-05-19"), ("2024", "2024-05-19"), ("2024", "2024-05")])
def test_dates_of_different_precision_agree(a, b):
    row = one_row([fact("opened", DateValue(parse_date(a)), as_of=None, source="x"),
                   fact("opened", DateValue(parse_date(b)), as_of=None, source="y")])
    assert not row.conflict


@pytest.mark.parametrize("a, b", [("2024-05", "2024-06"), ("2024-05-18", "2024-05-19"), ("2023", "2024-05")])
def test_different_dates_conflict(a, b):
    row = one_row([fact("opened", DateValue(parse_date(a)), as_of=None, source="x"),
                   fact("opened", DateValue(parse_date(b)), as_of=None, source="y")])
    assert row.conflict


def test_one_disagreeing_pair_is_enough():
    row = one_row([fact("opened", DateValue(parse_date("2024-05")), as_of=None, source="x"),
                   fact("opened", DateValue(parse_date("2024-05-19")), as_of=None, source="y"),
                   fact("opened", DateValue(parse_date("2024-05-20")), as_of=None, source="z")])
    assert row.conflict


def test_rows_are_ordered_by_order_then_label():
    rows = build_rows([fact("alpha", "1"), fact("focus", TextValue("x")),
                       fact("ceo", EntityValue("person:a")), fact("capacity", "5")], PROPS)
    assert [r.spec.key for r in rows] == ["ceo", "capacity", "focus", "alpha"]


def test_rows_with_equal_order_sort_by_label_ignoring_case():
    props = {"b": PropertySpec("b", "beta", "", "", False, 1), "a": PropertySpec("a", "Alpha", "", "", False, 1)}
    facts = [Fact("company:acme", key, TextValue("v"), "actual", None, None, "", SourceRef("article", "a"), "p", 1)
             for key in ("b", "a")]
    assert [r.spec.label for r in build_rows(facts, props)] == ["Alpha", "beta"]


def test_no_facts_no_rows():
    assert build_rows([], PROPS) == ()


def test_undated_fact_agreeing_with_the_newest_value_corroborates_it():
    row = one_row([fact("capacity", "300000", as_of="2024-01-01", source="a"),
                   fact("capacity", "300,000", as_of=None, source="profile")])
    [reading] = row.readings
    assert reading.as_of == parse_date("2024-01-01")
    [claim] = reading.claims
    assert [f.source.key for f in claim.facts] == ["a", "profile"]


def test_undated_fact_that_disagrees_stays_apart_without_conflict():
    row = one_row([fact("capacity", "300000", as_of="2024-01-01", source="a"),
                   fact("capacity", "1", as_of=None, source="profile")])
    assert not row.conflict
    assert [r.as_of for r in row.readings] == [parse_date("2024-01-01"), None]


def test_older_readings_that_repeat_the_value_fold_into_one_with_every_source():
    row = one_row([
        fact("capacity", "300000", as_of="2021-10-19", source="x"),
        fact("capacity", "300000", as_of="2021-11-27", source="y"),
        fact("capacity", "150000", as_of="2021-04-09", source="w"),
        fact("capacity", "300000", as_of="2024-01-01", source="z"),
    ])
    assert [(r.as_of.iso, r.since and r.since.iso) for r in row.readings] == \
        [("2024-01-01", "2021-10-19"), ("2021-04-09", None)]
    assert [f.source.key for f in row.readings[0].claims[0].facts] == ["z", "y", "x"]
    assert row.readings[1].claims[0].value.human == "150,000 vehicles"


def test_a_change_in_between_stops_the_folding():
    row = one_row([fact("capacity", "300000", as_of="2021", source="x"),
                   fact("capacity", "250000", as_of="2022", source="y"),
                   fact("capacity", "300000", as_of="2023", source="z")])
    assert [r.as_of.iso for r in row.readings] == ["2023", "2022", "2021"]
    assert all(r.since is None for r in row.readings)
