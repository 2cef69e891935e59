"""Fast pickling of the build's frozen dataclasses, for the cache and for worker processes.

Python pickles a frozen dataclass with slots through `__getstate__`/`__setstate__`, which call
`dataclasses.fields()` for every object: most of the time of pickling a parsed site. Registered
here instead: each object is pickled as its class's maker and its field values. A maker sets
the slots straight through their descriptors, as the class's `__init__` would but without
looking each one up by name (a third less time: an edit reads back some 60,000 such objects);
a class without slots, or with a `__post_init__`, is made by calling it. A named tuple is made
by `tuple.__new__`, in C. The bytes depend on the values only.
"""

from __future__ import annotations

import copyreg
import dataclasses
from types import MemberDescriptorType, ModuleType
from typing import Callable

_MAKERS: dict[type, Callable] = {}   # class -> the maker made for it (see `_maker`)


def register(*modules: ModuleType) -> None:
    """Pickle every dataclass defined in these modules as (maker, field values), and every named tuple as
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
    make = _maker(cls, names)

    def reduce(obj):
        return make, tuple([getattr(obj, name) for name in names])
    return reduce


def fast_maker(cls: type) -> Callable:
    """A function of a dataclass's field values, in order, that makes one as `_maker` says: without calling its
    `__init__` when it is a frozen dataclass with slots and no `__post_init__` (about 0.9 µs against 1.5 for three fields)."""
    return _maker(cls, tuple(f.name for f in dataclasses.fields(cls)))


def _maker(cls: type, names: tuple[str, ...]) -> Callable:
    """A function of the field values that makes an object of `cls` without calling its `__init__`, if it
    may (a frozen dataclass with slots and no `__post_init__`); else `cls` itself. It is kept in this
    module under a name of its own, where unpickling finds it; asked again for the same class, it is the same
    function (pickling checks that the function under that name is the one it was given)."""
    if cls in _MAKERS:
        return _MAKERS[cls]
    slots = [cls.__dict__.get(name) for name in names]
    if hasattr(cls, "__post_init__") or not all(isinstance(slot, MemberDescriptorType) for slot in slots):
        return cls
    name = f"_make_{cls.__module__.replace('.', '_')}_{cls.__qualname__.replace('.', '_')}"
    scope = {"_new": object.__new__, "_cls": cls, **{f"_set{n}": slot.__set__ for n, slot in enumerate(slots)}}
    values = ", ".join(f"v{n}" for n in range(len(names)))
    lines = "".join(f"    _set{n}(obj, v{n})\n" for n in range(len(names)))
    exec(f"def {name}({values}):\n    obj = _new(_cls)\n{lines}    return obj\n", scope)   # as dataclasses does
    make = scope[name]
    make.__module__, make.__qualname__, make.__doc__ = __name__, name, f"A {cls.__qualname__} from its field values."
    globals()[name] = _MAKERS[cls] = make
    return make


def _tuple_reducer(cls: type):
    def reduce(obj):
        return tuple.__new__, (cls, tuple(obj))
    return reduce
