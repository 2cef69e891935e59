"""Fast pickling of the build's frozen dataclasses, for the cache and for worker processes.

Python pickles a frozen dataclass with slots through `__getstate__`/`__setstate__`, which call
`dataclasses.fields()` for every object: most of the time of pickling a parsed site. Registered
here instead: each object is pickled as its class and its field values, and unpickled by
calling the class. The bytes depend on the values only, as before.
"""

from __future__ import annotations

import copyreg
import dataclasses
from types import ModuleType


def register(*modules: ModuleType) -> None:
    """Pickle every dataclass defined in these modules as (class, field values)."""
    for module in modules:
        for value in vars(module).values():
            if (isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == module.__name__
                    and all(f.init for f in dataclasses.fields(value))):
                copyreg.pickle(value, _reducer(value))


def _reducer(cls: type):
    names = tuple(f.name for f in dataclasses.fields(cls))

    def reduce(obj):
        return cls, tuple([getattr(obj, name) for name in names])
    return reduce
