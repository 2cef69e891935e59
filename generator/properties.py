"""properties.yaml: how each property is typed, labelled, ordered and whether it is single."""

from __future__ import annotations

from .errors import Problems
from .fields import FieldReader
from .markdown import fold_text
from .names import fold_name
from .records import PropertySpec
from .yamlsafe import Map, Scalar

TYPES = ("quantity", "text", "date", "entity")
SPEC_KEYS = ("type", "unit", "single", "label", "order")
UNORDERED = 10_000


def parse_properties(path: str, meta: Map, problems: Problems) -> tuple[PropertySpec, ...]:
    """Read every entry of properties.yaml (a mapping of property label to its spec)."""
    specs = []
    seen: dict[str, int] = {}
    for label, node in meta.entries.items():
        line = meta.key_lines[label]
        key = fold_text(label)
        if key in seen:
            problems.error(path, line, f"property '{label}' is declared twice (first on line {seen[key]})")
            continue
        seen[key] = line
        spec = _spec(path, label, node, line, problems)
        if spec is not None:
            specs.append(spec)
    return tuple(specs)


def _spec(path: str, label: str, node, line: int, problems: Problems) -> PropertySpec | None:
    key = fold_text(label)
    if isinstance(node, Scalar):           # shorthand: `founded: date`
        kind = node.text.strip().lower()
        if kind not in TYPES:
            problems.error(path, line, f"property '{label}': type must be one of {', '.join(TYPES)}")
            return None
        return PropertySpec(key, label, kind, "", False, UNORDERED)
    if not isinstance(node, Map):
        problems.error(path, line, f"property '{label}' must be a mapping like {{type: quantity, single: true}}")
        return None
    read = FieldReader(path, node, problems)
    read.check_keys(SPEC_KEYS, f"property '{label}'")
    return PropertySpec(
        key=key, label=read.text("label") or label, type=read.choice("type", TYPES, ""),
        unit=read.text("unit") or "", single=_flag(read, "single"), order=_order(read))


def _flag(read: FieldReader, key: str) -> bool:
    text = read.text(key)
    if text is None:
        return False
    if text.lower() not in ("true", "false"):
        read.error(key, f"'{key}' must be true or false; got '{text}'")
    return text.lower() == "true"


def _order(read: FieldReader) -> int:
    text = read.text("order")
    if text is None:
        return UNORDERED
    if not text.lstrip("-").isdigit():
        read.error("order", f"'order' must be a whole number; got '{text}'")
        return UNORDERED
    return int(text)


BUILTIN = (   # the fields of events and the links of profiles, shown like any other fact
    PropertySpec("date", "Date", "date", "", True, -60),
    PropertySpec("type", "Type", "text", "", True, -50),
    PropertySpec("status", "Status", "text", "", True, -40),
    PropertySpec("participant", "Participants", "entity", "", False, -30),
    PropertySpec("place", "Place", "entity", "", False, -20),
    PropertySpec("summary", "Summary", "text", "", False, -10),
    PropertySpec("parent company", "Parent company", "entity", "", True, -5),
    PropertySpec("located in", "Located in", "entity", "", True, -5),
)


def property_table(parsed) -> dict[str, PropertySpec]:
    """Every property in use: built-ins, then properties.yaml, then labels first seen in facts."""
    table = {spec.key: spec for spec in BUILTIN}
    table.update((spec.key, spec) for spec in parsed.properties)
    seen = set()   # labels as written: most facts use a few of them
    for source in (*parsed.profiles, *parsed.articles):
        for record in source.facts:
            if record.property not in seen:
                seen.add(record.property)
                key = fold_name(record.property)
                if key not in table:
                    table[key] = PropertySpec(key, record.property, "", "", False, UNORDERED)
    return table
