"""The persistent build cache (`.factsheet-cache/`): what lets the next command-line build skip work.

It holds, in pickles written atomically (cachestore.py):
- `build.pickle`: the fingerprint of the last build's inputs (this code, the options, site.yaml's
  and every template's content hash, every content file's stamp), the stamp of every file it
  wrote and the mtime of their folders (a name added to a folder, or removed, changes it). When
  nothing of that changed, the next build has nothing to do, and it sees so without listing the output.
  `build-new.pickle` holds what the builds since changed of it, while that is little (snapshot.py).
- `parsed.pickle` and `parsed-new.pickle`: what parsing each content file gave, by a hash of
  its text, so that only changed files are parsed again (the small file holds what was parsed
  since the big one was written). The big one is pickled in chunks (cachestore.save), while the
  build waits for Pagefind (derived.py). An article's fields beyond those lists and links show are
  unpickled only when first read (storedarticle.py): an edit needs few of them.
- `pages.pickle`: the digest of each page's inputs (inputs.py): a page whose file is as it was
  written is not planned again while its inputs are unchanged. Pages without a digest (home,
  indexes, the site's feed) are listed too: their files are kept while no edit touches them.
- `search.pickle`: the last search index, reused while the indexed text is unchanged.
- `search-documents.pickle`: the last build's search documents: an edit makes only those of the
  pages it touched again (searchdocs.py).
- `resolved.pickle`: the last graph resolved from scratch, and its page planner's lookups, so that
  an edit that keeps every name is resolved from them (basestate.py).
- `templates/`: Jinja2's compiled templates, by template and source checksum (templating.py).
- `exports.pickle`: each entity's rows of the data exports, with the digest of its sheet's
  inputs: an entity whose digest is unchanged is not exported again. `exports-new.pickle` holds
  the rows changed since, while they are few (journal.save_journaled).

The snapshot is written last, and only when every other file was: a build whose search index or
export rows could not be stored leaves none, and the next build trusts nothing in the output.

The cache is safe to delete. A file that cannot be read, or that an other version of Factsheet
(or of its libraries) wrote, is ignored and replaced. A content file whose stamp changed, or
was taken within `RACY_SECONDS` of the last build (a file saved again in the same clock tick
keeps its stamp), has its text compared with what the last build read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from .cachestore import code_version, file_digest, load, now, save
from .errors import ContentError
from .journal import Journaled, load_journaled, remove_stored, save_journaled
from .sources import Source, Stamp, content_stamps
from .urls import output_file
from .outputstamps import folder_stamps, output_stamps, outputs_intact
from .parsecache import CachedParses, cached_parses, unread_test
from .snapshot import Snapshot, same_texts, save_snapshot, stored_snapshot
from .storedarticle import CACHE_REDUCERS

if TYPE_CHECKING:
    from .parse import ParsedFile

COMPILED_TEMPLATES = "templates"   # the folder of Jinja2's compiled templates (templating.py)
RECENT_MAX = 200   # parses kept apart from the big file before it is written again with them
PARSES_CHUNK = 1000   # parses to a pickle of the big parse file (the pickler lets go of each chunk's objects)


@dataclass(frozen=True, slots=True)
class BuildCache:
    """The cache folder of one build, and the fingerprint of what the build is made from (but the content)."""

    folder: Path
    version: str                             # code_version()
    setup: tuple                             # the options and site.yaml's digest
    theme: str                               # the digest of every template and static file
    stamps: Mapping[str, Stamp] | None      # every content file's stamp as the build began
    opened_at: float                         # when the stamps were taken

    @classmethod
    def open(cls, folder: Path, options: tuple, config_file: Path, templates: list[Path], content: Path) -> BuildCache:
        """The cache in `folder` for a build with these options, settings file, template files and content."""
        opened_at = now()
        return cls(folder, code_version(), (options, file_digest([config_file])), file_digest(templates),
                   content_stamps(content), opened_at)

    def last(self) -> Snapshot | None:
        """The snapshot the last build left, if this version of the code wrote it."""
        return stored_snapshot(self.folder, self.version)

    def unchanged(self, snapshot: Snapshot, content: Path, output: Path) -> bool:
        """Whether the inputs are those of the snapshot, and the output files all as it left them.

        Files only touched (saved again unchanged, checked out anew) count as unchanged, and
        their new stamps are remembered, so that the next build need not read them again.
        """
        if (self.stamps is None or snapshot.inputs[:2] != (self.setup, self.theme)
                or not same_texts(content, self.stamps, snapshot)
                or not outputs_intact(output, snapshot.outputs, snapshot.folders)):
            return False
        if self.stamps != snapshot.inputs[2]:
            save_snapshot(self.folder, self.version,
                          replace(snapshot, inputs=(self.setup, self.theme, self.stamps), written_at=self.opened_at), snapshot)
        return True

    def kept_pages(self, snapshot: Snapshot, outputs: Mapping[str, tuple[int, int]]) -> dict[str, str]:
        """Page path -> the digest of its inputs, for the last build's pages whose output files are still as written.

        None are kept after a change of options or settings. (A template's change shows in the
        digests: they cover the template and those it extends, includes or imports.)
        """
        if snapshot.inputs[0] != self.setup:
            return {}
        stored = load(self.folder, "pages", self.version)
        if not (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == snapshot.build):
            return {}   # written by another build (two at once?): trust none
        digests = stored[1]
        if outputs is snapshot.outputs:   # the output as the last build left it: every page's file is as written
            return digests
        return {path: digest for path, digest in digests.items()
                if outputs.get(output_file(path), -1) == snapshot.outputs.get(output_file(path))}

    def stored_parses(self) -> tuple[Mapping, Mapping]:
        """The parses the cache holds: those of its big file and of its small one, by key."""
        return load(self.folder, "parsed", self.version) or {}, load(self.folder, "parsed-new", self.version) or {}

    def unread(self, snapshot: Snapshot, stored: tuple[Mapping, Mapping], allow_html: bool):
        """`parsecache.unread_test`: which content files a build need not read."""
        return unread_test(snapshot, stored, allow_html)

    def parsed(self, sources: tuple[Source, ...], allow_html: bool, last: Snapshot | None = None,
               stored: tuple[Mapping, Mapping] | None = None,
               ) -> tuple[dict[Source, ParsedFile], CachedParses, dict[str, ParsedFile | None] | None]:
        """`parsecache.cached_parses` of the sources, from `stored` (what `stored_parses` gave) if given."""
        return cached_parses(sources, allow_html, last, stored or self.stored_parses())

    def same_theme(self, snapshot: Snapshot | None) -> bool:
        """Whether the options, settings and templates are those of the snapshot's build."""
        return snapshot is not None and snapshot.inputs[:2] == (self.setup, self.theme)

    def search(self) -> Any:
        """The last search index stored, or None."""
        return load(self.folder, "search", self.version)

    def search_documents(self, snapshot: Snapshot | None) -> Mapping[str, bytes] | None:
        """The search documents of the snapshot's build, if it stored them."""
        stored = load(self.folder, "search-documents", self.version)
        if snapshot is None or not (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == snapshot.build):
            return None
        return stored[1]

    def export_rows(self) -> Journaled:
        """The export rows of each entity stored by the last build (empty if none), as stored."""
        return load_journaled(self.folder, "exports", self.version)

    def saves_all_parses(self, parses: CachedParses) -> bool:
        """Whether `save_parses` writes all the parses to the big file (else the few recent ones to the small one)."""
        recent = sum(1 for key in parses.results if key not in parses.in_base)
        return not parses.in_base or recent > max(RECENT_MAX, len(parses.results) // 10)

    def save_parses(self, parses: CachedParses) -> None:
        """Keep this build's parses: in the small parse file, while those made since the big one was written are
        few; else all in the big one (in chunks: see `cachestore.save`). `save` expects them kept."""
        if not self.saves_all_parses(parses):
            recent = {key: result for key, result in parses.results.items() if key not in parses.in_base}
            save(self.folder, "parsed-new", self.version, recent, CACHE_REDUCERS)
        else:
            save(self.folder, "parsed", self.version, parses.results, CACHE_REDUCERS, chunk=PARSES_CHUNK)
            save(self.folder, "parsed-new", self.version, {})

    def save(self, output: Path, parses: CachedParses, pages: Mapping[str, str], search: Any, rows: Any,
             counts: tuple[int, int, int, int], warnings: tuple[ContentError, ...],
             outputs: Mapping[str, tuple[int, int]] | None = None, documents: Mapping[str, bytes] | None = None,
             stored_rows: Mapping | None = None, folders: Mapping[str, int] | None = None,
             last: Snapshot | None = None) -> None:
        """Remember this build, whose parses `save_parses` kept: its page digests, search index, export rows,
        search documents and the snapshot of its inputs and outputs (a search index or rows given as None are
        unchanged; `outputs`, the output files' stamps, and `folders`, their folders', are taken afresh if not
        given; `stored_rows`, what `export_rows` gave, and `last`, the snapshot `last()` gave, let only what
        changed since be written)."""
        build = f"{self.opened_at!r}-{os.getpid()}"
        stored = [save(self.folder, "pages", self.version, (build, dict(pages)))]
        if search is not None:
            stored.append(save(self.folder, "search", self.version, search))
        if documents is not None:
            stored.append(save(self.folder, "search-documents", self.version, (build, dict(documents))))
        if rows is not None:
            stored.append(save_journaled(self.folder, "exports", self.version, dict(rows),
                                         stored_rows if isinstance(stored_rows, Journaled) else None))
        if not all(stored):   # the output is not what the stored search index and rows describe: no snapshot
            remove_stored(self.folder, "build")
        elif self.stamps is not None:
            outputs = output_stamps(output) if outputs is None else outputs
            snapshot = Snapshot((self.setup, self.theme, self.stamps), parses.texts, outputs,
                                folder_stamps(output, outputs) if folders is None else folders,
                                counts, warnings, self.opened_at, build)
            save_snapshot(self.folder, self.version, snapshot, last)
