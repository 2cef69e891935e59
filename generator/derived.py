"""Files made from the whole site at once, after the pages: the data exports and the search index."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Collection, Mapping

from .config import SiteConfig
from .errors import Problems
from .exports import SubjectRows, export_files
from .model import Graph
from .render import Rendered
from .search import SearchIndex, start_search
from .searchdocs import search_documents
from .urls import entity_path
from .write import Staged, Stager


@dataclass(frozen=True, slots=True)
class Derived:
    """Files made from the whole site at once: the data exports and the search index."""

    exports: Mapping[str, bytes | Staged]   # data/*.csv|json and each sheet's facts.json (or where each is staged)
    search: SearchIndex            # the Pagefind bundle and the digest of what it indexed
    rows: Mapping[str, SubjectRows]   # each subject's rows of the exports, by entity id, for the next build
    documents: Mapping[str, bytes] = field(default_factory=dict)   # the search documents, by output path, likewise
    staged: Mapping[str, bytes | Staged] = field(default_factory=dict)   # the bundle's files made and staged now, if any


def derive_files(graph: Graph, config: SiteConfig, previous: Derived | None, stager: Stager | None = None,
                 keys: Mapping[str, str] | None = None, redo: Collection[tuple[str, str]] | None = None,
                 intact: Callable[[str], bool] | None = None, meanwhile: Callable[[], None] | None = None,
                 ) -> tuple[Derived, Problems]:
    """The data exports and the search index of the graph (the index is reused if its documents are unchanged).

    Pagefind indexes in the background while the exports are made; with a `stager`, each export
    is staged as soon as it is made. `keys` (entity id -> the digest of its sheet's inputs) lets
    the export rows of unchanged subjects be taken from `previous`. `redo`, the keys of the pages an
    edit that kept every name touched since `previous`, lets the other pages' search documents be
    taken from it (searchdocs.py). `intact` tells which output files are as the build that made `previous`
    wrote them, with the same settings: exports.py keeps those it would make the same again.
    `meanwhile()`, if given, runs once the exports are made, while Pagefind indexes if it still does.
    """
    documents = search_documents(graph, config, previous.documents if previous else None, redo)
    job = start_search(graph, config, previous.search if previous else None, documents, stager)
    try:
        exports, rows = export_files(graph, config, stager.stage if stager else None, keys,
                                     previous.rows if previous else None, intact)
    except BaseException:
        job.cancel()
        job.result()   # once Pagefind has stopped: its scratch folders are removed
        raise
    search, problems = job.result(stager, meanwhile)
    return Derived(exports, search, rows, documents, job.staged()), problems


def sheet_keys(graph: Graph, pages: Mapping[str, Rendered]) -> dict[str, str]:
    """Entity id -> the digest of its sheet's inputs, for the sheets that have one."""
    keys = {}
    for entity_id, entity in graph.entities.items():
        page = pages.get(entity_path(entity.kind, entity.slug))
        if page is not None and page.inputs is not None:
            keys[entity_id] = page.inputs
    return keys
