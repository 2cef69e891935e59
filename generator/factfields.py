"""Front matter shared by articles and profiles: the `facts` list and event fields, read into records."""

from __future__ import annotations

from .fields import FieldReader
from .markdown import fold_text
from .records import EventRecord, FactRecord, Name, RawValue
from .yamlsafe import Map, Scalar, Seq

EVENT_KEYS = ("name", "date", "type", "status", "companies", "sites", "people", "summary")
FACT_KEYS = ("subject", "property", "value", "unit", "status", "as_of", "period", "quote")
FACT_STATUSES = ("actual", "planned", "estimate")
EVENT_STATUSES = ("happened", "planned", "cancelled")


def read_events(read: FieldReader) -> tuple[tuple[EventRecord, ...], tuple[Name, ...]]:
    """An article's `events`: the events it defines inline, and the bare names of events defined elsewhere."""
    node = read.node("events")
    if node is None:
        return (), ()
    if not isinstance(node, Seq):
        read.error("events", "'events' must be a list of event names or event definitions")
        return (), ()
    inline, refs = [], []
    for item in node.items:
        if isinstance(item, Scalar) and item.text.strip() and not item.is_null:
            refs.append(Name(" ".join(item.text.split()), item.line))
        elif isinstance(item, Map):
            sub = FieldReader(read.path, item, read.problems)
            sub.check_keys(EVENT_KEYS, "an event")
            name = sub.text("name", required=True)
            if name:
                inline.append(read_event_fields(sub, Name(" ".join(name.split()), sub.line("name"))))
        else:
            read.problems.error(read.path, item.line, "an event must be a name or a mapping with 'name'")
    return tuple(inline), tuple(refs)


def read_event_fields(read: FieldReader, name: Name) -> EventRecord:
    """An event's own fields (date, type, status, who and where, summary), inline or in its profile."""
    status = read.choice("status", EVENT_STATUSES, "") if read.node("status") is not None else ""
    return EventRecord(
        name=name, date=read.date("date"), type=read.text("type") or "", status=status,
        companies=read.names("companies"), sites=read.names("sites"), people=read.names("people"),
        summary=read.text("summary") or "", line=read.meta.line)


def read_facts(read: FieldReader, body_text: str, subject_required: bool) -> tuple[FactRecord, ...]:
    """The `facts` list; each quote must be found in the body's folded plain text."""
    node = read.node("facts")
    if node is None:
        return ()
    if not isinstance(node, Seq):
        read.error("facts", "'facts' must be a list of facts")
        return ()
    facts = []
    for item in node.items:
        if not isinstance(item, Map):
            read.problems.error(read.path, item.line, "a fact must be a mapping with subject, property and value")
            continue
        fact = _fact(FieldReader(read.path, item, read.problems), body_text, subject_required)
        if fact is not None:
            facts.append(fact)
    return tuple(facts)


def _fact(read: FieldReader, body_text: str, subject_required: bool) -> FactRecord | None:
    """One fact; None only when it lacks what resolving needs (other problems are still recorded)."""
    read.check_keys(FACT_KEYS, "a fact")
    subject = read.text("subject", required=subject_required)
    prop = read.text("property", required=True)
    value_node = read.node("value")
    if isinstance(value_node, Scalar) and not value_node.text.strip():
        value_node = None
    if value_node is None:
        read.error("value", "'value' is required" if "value" not in read.meta.entries else "'value' is empty")
    elif not isinstance(value_node, Scalar):
        read.error("value", "'value' must be a single number, text, date or name, not a list or mapping")
    quote = read.text("quote") or ""
    if quote and fold_text(quote) not in body_text:
        read.error("quote", f"quote not found in the body: '{quote}'")
    fact = FactRecord(
        subject=Name(" ".join(subject.split()), read.line("subject")) if subject else None,
        property=" ".join((prop or "").split()),
        value=RawValue(value_node.text.strip(), value_node.line, value_node.plain) if isinstance(value_node, Scalar) else None,
        unit=read.text("unit") or "", status=read.choice("status", FACT_STATUSES, "actual"),
        as_of=read.date("as_of"), period=read.period("period"), quote=quote, line=read.meta.line)
    complete = prop and fact.value is not None and (subject or not subject_required)
    return fact if complete else None
