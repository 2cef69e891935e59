"""The typo finder: the same answers when it reuses the last build's table, and fresh ones when names change."""

from __future__ import annotations

from generator.names import NameIndex


def index_of(*names: str) -> NameIndex:
    index = NameIndex()
    for number, name in enumerate(names):
        index.claim(name, f"company:{number}", f"a.md:{number + 1}")
    return index


def test_lookalikes_survive_a_rebuild_with_the_same_names_and_follow_new_ones():
    first = index_of("Northwind Energy", "Northwnd Energy", "Contoso Mining")
    assert first.lookalike("Northwnd Energy", lambda other: True) == "Northwind Energy"
    first.forget_index()
    again = index_of("Northwind Energy", "Northwnd Energy", "Contoso Mining")
    assert again.lookalike("Northwnd Energy", lambda other: True) == "Northwind Energy"
    assert again.lookalike("Contoso Mining", lambda other: True) is None   # answered after the table was dropped
    changed = index_of("Northwind Energy", "Northwnd Energy", "Contoso Mining", "Contoso Minning")
    assert changed.lookalike("Contoso Mining", lambda other: True) == "Contoso Minning"
    assert changed.lookalike("Contoso Mining", lambda other: other != "company:3") is None


def test_a_name_claimed_after_a_question_is_seen_by_the_next_one():
    index = index_of("Lunbra Ford smelter")
    assert index.lookalike("Lunbra Ford smelter", lambda other: True) is None
    index.claim("Lunbra Frod smelter", "site:9", "b.md:2")
    assert index.lookalike("Lunbra Ford smelter", lambda other: True) == "Lunbra Frod smelter"
