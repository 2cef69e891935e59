"""The parse cache: what parsing each content file gave, kept in the build cache by a hash of its text.

Parses are kept in `parsed.pickle` and, since it was last written, in the small `parsed-new.pickle`,
so that a build that parsed a few files does not write them all again (cache.py writes them). A
file whose stamp the last build saw, and whose parse is kept, need not even be read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping

from .cachestore import text_digest
from .sources import Source, Stamp

if TYPE_CHECKING:
    from .snapshot import Snapshot
    from .parse import ParsedFile

RACY_SECONDS = 2.0   # a file saved again within this time of a build's stamps may keep its stamp: it is read


def unread_test(snapshot: Snapshot, stored: tuple[Mapping, Mapping], allow_html: bool,
                ) -> Callable[[str, str, str, Stamp], str | None]:
    """A test for `read_sources`: the digest of a content file's text if the file need not be read, that
    is, if its stamp is the one the snapshot's build saw (and not so recent that a save in the same clock
    tick could hide behind it, see `snapshot.same_texts`) and `stored` (the kept parses) holds the parse of that text."""
    old_stamps, texts = snapshot.inputs[2], snapshot.texts
    limit = int((snapshot.written_at - RACY_SECONDS) * 1e9)

    def digest_of(path: str, rel: str, kind: str, stamp: Stamp) -> str | None:
        digest = texts.get(rel)
        if digest is None or old_stamps.get(rel) != stamp or stamp[0] >= limit:
            return None
        key = (path, kind, digest, allow_html)
        return digest if key in stored[0] or key in stored[1] else None
    return digest_of


def cached_parses(sources: tuple[Source, ...], allow_html: bool, last: Snapshot | None, stored: tuple[Mapping, Mapping],
                  ) -> tuple[dict[Source, ParsedFile], CachedParses, dict[str, ParsedFile | None] | None]:
    """The kept parse of every source whose text is unchanged, what the cache will keep of the sources,
    and (given the last build's snapshot) what the last build parsed, by content path (None where unknown)."""
    base, recent = stored
    texts = {source.rel: text_digest(source.text) if source.digest is None else source.digest for source in sources}
    found, in_base = {}, set()
    for source in sources:
        key = (source.path, source.kind, texts[source.rel], allow_html)
        result = base.get(key)
        if result is not None:
            in_base.add(key)
        else:
            result = recent.get(key)
        if result is not None:
            found[source] = result
    before = None
    if last is not None:   # a file gone since has no parse here, and tells find_edit the files differ
        before = dict.fromkeys(last.texts)
        for source in sources:
            digest = last.texts.get(source.rel)
            if digest is not None:
                before[source.rel] = found.get(source) if digest == texts[source.rel] else \
                    _either(base, recent, (source.path, source.kind, digest, allow_html))
    return found, CachedParses(texts, {}, in_base, (base, recent)), before


def _either(base: Mapping, recent: Mapping, key: tuple) -> Any:
    """The parse kept under `key` in the big file or the small one, or None."""
    result = base.get(key)
    return recent.get(key) if result is None else result


@dataclass(frozen=True, slots=True)
class CachedParses:
    """What the cache keeps of a build's sources and parses: not the texts, which the build can let go once parsed."""

    texts: dict[str, str]                    # content path -> the digest of its text
    results: dict[tuple, ParsedFile]         # (path, kind, text digest, allow_html) -> what parsing gave
    in_base: set[tuple]                      # the keys the big parse file holds already
    stored: tuple[Mapping, Mapping] = ({}, {})          # what the big parse file and the small one held
    keys: Mapping[str, tuple] = field(default_factory=dict)   # content path -> the key of its parse in `results`

    def add(self, parses: Mapping[Source, ParsedFile], allow_html: bool) -> CachedParses:
        """These with every source's parse (the sources must be those `BuildCache.parsed` was given)."""
        keys = {source.rel: (source.path, source.kind, self.texts[source.rel], allow_html) for source in parses}
        results = {keys[source.rel]: result for source, result in parses.items()}
        return CachedParses(self.texts, results, self.in_base, self.stored, keys)

    def stored_parse(self, key: tuple) -> ParsedFile | None:
        """The parse the cache held under `key` when the build began, or None."""
        return _either(*self.stored, key)
