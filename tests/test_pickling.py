"""How the build pickles its records (pickling.py): read back equal, quickly, by a maker that
sets the slots without calling `__init__`, unless the class needs its `__init__`."""

from __future__ import annotations

import copyreg
import pickle
from dataclasses import dataclass
from decimal import Decimal
from types import ModuleType

import pytest

from generator.build import pickling   # importing the build registers its records
from generator.model import EntityValue, Fact, SourceRef
from generator.quantities import Quantity
from generator.records import SourceInfo


def test_a_frozen_record_with_slots_is_read_back_equal_without_calling_its_init(monkeypatch):
    records = [SourceInfo("The Ledger", "https://example.com/a", "Staff"), EntityValue("company:x"),
               Quantity(Decimal("310000"), "", "", "vehicles")]
    data = pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL)
    for cls in (SourceInfo, EntityValue, Quantity):
        monkeypatch.setattr(cls, "__init__", lambda self, *args: pytest.fail(f"{cls.__name__}.__init__ called"))
    back = pickle.loads(data)
    assert back == records and [type(record) for record in back] == [SourceInfo, EntityValue, Quantity]
    with pytest.raises(AttributeError):   # still frozen
        back[0].name = "other"


def test_the_maker_is_found_by_name_and_the_bytes_depend_on_the_values_only():
    maker, values = copyreg.dispatch_table[SourceInfo](SourceInfo("a", "b", "c"))
    assert maker is not SourceInfo and getattr(pickling, maker.__qualname__) is maker and values == ("a", "b", "c")
    assert pickle.dumps(SourceInfo("a", "b", "c")) == pickle.dumps(SourceInfo("a", "b", "c"))
    fact = Fact("company:x", "founded", EntityValue("person:y"), "actual", None, None, "q", SourceRef("article", "s"),
                "content/articles/s.md", 3)
    assert pickle.loads(pickle.dumps(fact)) == fact and type(pickle.loads(pickle.dumps(fact))) is Fact


def test_a_class_that_needs_its_init_is_made_by_calling_it():
    module = ModuleType("tests_pickling_module")

    @dataclass(frozen=True, slots=True)
    class Checked:
        value: int
        calls = []

        def __post_init__(self) -> None:
            Checked.calls.append(self.value)

    @dataclass(frozen=True)
    class Plain:
        value: int

    for cls in (Checked, Plain):
        cls.__module__ = module.__name__
        setattr(module, cls.__name__, cls)
    pickling.register(module)
    assert copyreg.dispatch_table[Checked](Checked(1))[0] is Checked
    assert copyreg.dispatch_table[Plain](Plain(2))[0] is Plain
    record = Checked(5)
    maker, values = copyreg.dispatch_table[Checked](record)
    Checked.calls.clear()
    assert maker(*values) == record and Checked.calls == [5]   # its __post_init__ ran


def test_fast_maker_makes_an_equal_frozen_record_and_yaml_scalars_are_made_so(monkeypatch):
    from generator.yamlsafe import Scalar, load_yaml
    make = pickling.fast_maker(SourceInfo)
    monkeypatch.setattr(SourceInfo, "__init__", lambda self, *args: pytest.fail("SourceInfo.__init__ called"))
    made = make("The Ledger", "https://example.com/a", "Staff")
    assert type(made) is SourceInfo and (made.name, made.url, made.author) == ("The Ledger", "https://example.com/a", "Staff")
    with pytest.raises(AttributeError):
        made.name = "other"
    assert pickle.loads(pickle.dumps(made)) == made   # the registered maker is still the one under its name
    monkeypatch.setattr(Scalar, "__init__", lambda self, *args: pytest.fail("Scalar.__init__ called"))
    title = load_yaml("title: 'Plant opens'\ncount: 3\n", first_line=2).entries["title"]
    assert (title.text, title.line, title.plain) == ("Plant opens", 2, False)
