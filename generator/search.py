"""Search: a Pagefind index of one small document per fact sheet and article, made from the graph.

What is indexed is chosen for a newsroom looking something up, and kept small because Pagefind's
time and memory grow with every word (at 10,000 articles the whole pages took 54 s and 3.1 GB).
A fact sheet's document (searchdocs.py) holds its name (weighs most), its aliases (next), the few
fields that say which one it is (an event's date, type, place and summary; a company's parent; a
site's location) and the first 40 words of its profile. An article's holds its title (weighs as a
heading), date, outlet and author, summary, tags and the names of all it mentions, so a search
for a person also finds the stories about them. Article bodies and fact tables are not indexed:
their words made the index big, and every name in a story is found by that name anyway.

The documents come from the graph. `start_search` has them indexed in a background thread
(searchjob.py) while the build makes the exports; `search_index` waits for it. (Started before the pages
are rendered, Pagefind fought the render workers for the two cores measured on, and the build
took longer and more memory.) They are indexed in parts of at most about PART_SIZE documents, one
run of the `pagefind[bin]` binary for each, two runs at a time (searchjob.RUNS_AT_ONCE), each part's
documents in a scratch folder (in memory, /dev/shm, when there is room; pagefindrun.py): that bounds
Pagefind's memory, and an edit re-indexes only its part. The first part's bundle is `pagefind/`, the
others `pagefind/part-N/`, listed in `pagefind/factsheet-parts.json`; search.js merges them into one
search. Each part's key is the digest of its documents and of the settings that shape its bundle, so
an edit that changes no indexed word reuses the bundle untouched. Only the writer puts files in the
output: Pagefind makes a bundle in the writer's scratch folder, whose files `Stager.adopt` moves into
its staging folder, and write.py moves them into place with the pages. Without the binary
the site is built all the same, with a warning, and the search page says search is unavailable.
"""

from __future__ import annotations

import itertools
import zlib
from pathlib import Path
from typing import Mapping

from .config import SiteConfig
from .errors import Problems
from .model import Graph
from .searchdocs import search_documents
from .urls import PAGEFIND
from .pagefindrun import pagefind_binary, pagefind_version
from .searchjob import SearchJob
from .searchparts import NO_INDEX, Part, SearchIndex, parts_digest
from .write import Stager

PART_SIZE = 2000   # documents per Pagefind run: its memory grows about 29 KB a document (two runs at once: ~120 MB)


def start_search(graph: Graph, config: SiteConfig, previous: SearchIndex | None = None,
                 documents: Mapping[str, bytes] | None = None, stager: Stager | None = None) -> SearchJob:
    """Start indexing the graph's search documents (made now unless given) in the background; parts whose
    documents are unchanged since `previous` are reused, and if none changed `previous` itself is the result.
    With the `stager` that `result` will be given, Pagefind makes each bundle in its scratch folder, from where
    the files are moved into place instead of written again."""
    binary = pagefind_binary()
    parts = split_documents(search_documents(graph, config) if documents is None else documents, config, binary)
    key = parts_digest(part.key for part in parts) if parts else ""
    if previous is not None and previous.key == key:
        return SearchJob((previous, Problems()))
    if binary is None:
        problems = Problems()
        problems.warn("pagefind", 1, "search index not built: the pagefind binary is missing "
                      "(pip install 'pagefind[bin]'); the site works without search")
        return SearchJob((NO_INDEX, problems))
    if not parts:
        return SearchJob((NO_INDEX, Problems()))
    reused = {part.key: previous.parts[part.key] for part in parts if previous and part.key in previous.parts}
    return SearchJob()._start(binary, parts, reused, config, stager)


def search_index(graph: Graph, config: SiteConfig, previous: SearchIndex | None = None,
                 ) -> tuple[SearchIndex, Problems]:
    """The Pagefind bundle of the graph's search documents (`previous` if they are unchanged); a warning when it cannot be made."""
    return start_search(graph, config, previous).result()


def split_documents(documents: Mapping[str, bytes], config: SiteConfig, binary: Path | None) -> list[Part]:
    """The documents in parts of at most about PART_SIZE, each page always in the same part while the count
    of parts stays; each part keyed by the digest of its documents and the settings that change its bundle."""
    count = -(-len(documents) // PART_SIZE)
    groups: list[dict[str, bytes]] = [{} for _ in range(count)]
    for path in sorted(documents):
        groups[zlib.crc32(path.encode()) % count][path] = documents[path]
    settings = f"{config.language}\0{config.pretty_urls}\0{pagefind_version(binary)}\0"
    parts = []
    for number, group in enumerate(groups):
        folder = PAGEFIND + (f"part-{number}/" if number else "")
        chunks = itertools.chain.from_iterable((f"{path}\0{len(data)}\0".encode(), data) for path, data in group.items())
        parts.append(Part(parts_digest(itertools.chain([(settings + folder).encode()], chunks)), folder, group))
    return parts
