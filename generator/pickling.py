"""Fast pickling of the build's frozen dataclasses, for the cache and for worker processes.

Python pickles a frozen dataclass with slots through `__getstate__`/`__setstate__`, which call
`dataclasses.fields()` for every object: most of the time of pickling a parsed site. Registered
here instead: each object is pickled as its class and its field values, and unpickled by
calling the class (a named tuple, by `tuple.__new__`). The bytes depend on the values only, as before.
"""

from __future__ import annotations

import copyreg
import dataclasses
from types import ModuleType


def register(*modules: ModuleType) -> None:
    """Pickle every dataclass defined in these modules as (class, field values), and every named tuple as
    made by `tuple.__new__` (in C, where its own `__new__` is a Python function)."""
    for module in modules:
        for value in vars(module).values():
            if not (isinstance(value, type) and value.__module__ == module.__name__):
                continue
            if dataclasses.is_dataclass(value) and all(f.init for f in dataclasses.fields(value)):
                copyreg.pickle(value, _reducer(value))
            elif issubclass(value, tuple) and hasattr(value, "_fields"):
                copyreg.pickle(value, _tuple_reducer(value))


def _reducer(cls: type):
    names = tuple(f.name for f in dataclasses.fields(cls))

    def reduce(obj):
        return cls, tuple([getattr(obj, name) for name in names])
    return reduce


def _tuple_reducer(cls: type):
    def reduce(obj):
        return tuple.__new__, (cls, tuple(obj))
    return reduce
