"""The whole build, top to bottom: read -> parse -> resolve -> render -> write."""

from __future__ import annotations

import contextlib
import gc
import time
from dataclasses import dataclass
from functools import partial
from typing import Callable, Iterator, Mapping

from .config import SiteConfig
from .derived import Derived, derive_files, sheet_keys
from .errors import BuildFailed, ContentError, Problems
from .edits import Change, Edit, change_of, find_edit, resolve_edit, touched_pages
from .inputs import UNDIGESTED
from .markdown import make_markdown
from .memo import Memo, usable_memo
from .model import Graph
from .parse import Parsed, ParsedFile, parse_sources
from .pages import PageKey, PagePlanner
from .parallel import collector_paused, freeze_in_heap, frozen_heap, in_background, young_collections
from .progress import NO_PROGRESS, NoProgress
from .render import Rendered, render_site
from .resolve import Resolution, resolve_site
from .sources import Source, Stamp, read_sources, reread_sources
from .startup import BuildOptions, BuildResult, Start, nothing_to_do, start_build
from .outputstamps import (folders_after, intact_files, intact_test, output_stamps, outputs_intact, stamps_after,
                           written_stamps)
from .write import KEEP, Staged, Stager, WriteReport, write_site
from .cache import COMPILED_TEMPLATES, BuildCache, Snapshot
from .parsecache import CachedParses
from .basestate import Base, load_base, save_base
from . import dates, exports, model, parse, pages, pickling, quantities, records, sources, views

pickling.register(dates, exports, model, parse, pages, quantities, records, sources, views)   # for the cache and the workers

def build_site(options: BuildOptions, memo: Memo | None = None, progress: NoProgress = NO_PROGRESS,
               start: Start | None = None) -> BuildResult:
    """Build the site; raise BuildFailed with every content error, leaving output untouched.

    Given the memo of an earlier build of the same folders, only changed files are read and
    parsed again, and only pages whose context changed are rendered again. Without one, the
    persistent cache (if any) says whether anything changed at all, and which parses still hold.
    `start` is what `start_build` found already, if it was called.
    The cycle collector is paused but while pages are rendered: the other stages make objects that live
    to the end and no garbage in cycles, so each collection walked them all to find nothing.
    """
    with frozen_heap(), collector_paused():   # what gc.freeze() spares the collector from walking is let go at the end
        start = start or start_build(options, memo)
        done = nothing_to_do(start, options)
        if done is not None:
            return done
        last = start.last
        if start.cache is None or last is None or options.keep:
            return _build(options, memo, progress, start, None)
        with in_background(outputs_intact, options.output, last.outputs, last.folders) as intact_output:
            return _build(options, memo, progress, start, intact_output)   # the output looked at meanwhile


def _build(options: BuildOptions, memo: Memo | None, progress: NoProgress, start: Start,
           intact_output: Callable[[], bool] | None) -> BuildResult:
    """The build, once it has work to do (`intact_output` says whether the output is as the last build left it)."""
    config, cache, last = start.config, start.cache, start.last
    problems = Problems()
    problems.extend(start.problems)
    memo = usable_memo(memo, config, cache.folder / COMPILED_TEMPLATES if cache is not None else None)
    content = _read_and_parse(options, config, memo, cache, last, problems, progress)
    gc.freeze()   # the records live until the build ends: the collector need not walk them again and again
    with _keeping_parses(cache, content.cached) as keep_parses:
        return _build_parsed(options, memo, progress, start, intact_output, problems, content, keep_parses)


def _build_parsed(options: BuildOptions, memo: Memo, progress: NoProgress, start: Start,
                  intact_output: Callable[[], bool] | None, problems: Problems, content: _Content,
                  keep_parses: Callable[[], None] | None) -> BuildResult:
    """The build once the content is parsed: resolve, render, derive, write (`keep_parses()` keeps the parses)."""
    config, cache, last, started = start.config, start.cache, start.last, start.started
    progress.stage("resolve")
    resolution, change, known_planner, found = _resolve(content, memo)
    problems.extend(found)
    graph = resolution.graph
    if problems.errors:
        raise BuildFailed(problems.errors, _sorted(problems.warnings))
    stager = Stager(options.output) if options.write and not options.keep else None
    outputs = None if intact_output is None else last.outputs if intact_output() else output_stamps(options.output)
    try:
        planner, touched = _plan(graph, change, known_planner, cache, last)
        files, pages, derived, previous = _render_and_derive(graph, config, options, cache, last, outputs, memo,
                                                             problems, progress, stager, planner, touched, keep_parses)
        intact = outputs if last is not None and outputs is last.outputs else None   # as the last build left them
        report = write_site(files, options.output, memo.written, stager, trust_known=not options.derived,
                            present=intact) if options.write else None
    except BaseException:
        if stager is not None:
            stager.discard()
        raise
    warnings = _sorted(problems.warnings)
    counts = (len(files), len(graph.articles), len(graph.entities), len(graph.facts))
    if cache is not None:
        after = _stamps_after_write(options, outputs, files, report)
        cache.save(options.output, content.cached,
                   {path: page.inputs or UNDIGESTED for path, page in pages.items()},
                   None if previous and derived.search is previous.search else derived.search,
                   None if previous and derived.rows == previous.rows else derived.rows, counts, warnings,
                   after, derived.documents if derived else None, previous.rows if previous else None,
                   folders_after(options.output, after, last.folders, report) if intact is not None else None, last)
        if known_planner is None and content.cached is not None:   # resolved from scratch: the next edit's base
            save_base(cache.folder, cache.version, content.cached.keys, resolution, planner)
    return BuildResult(
        *counts, warnings, report, time.perf_counter() - started,
        read=content.read, parsed=content.parsed_files,
        rendered=sum(1 for path, page in pages.items() if memo.pages.get(path) is not page and page.data is not KEEP),
        memo=Memo(content.stamps, content.parses, config.allow_html, memo.theme, pages,
                  files if options.write else {}, memo.env, derived, resolution, planner, content.read_warnings),
        config=config)


def _stamps_after_write(options: BuildOptions, before: Mapping[str, tuple[int, int]] | None,
                        files: Mapping[str, bytes | Staged], report: WriteReport | None,
                        ) -> dict[str, tuple[int, int]] | None:
    """The output's stamps after the write, from those `before` it or, after a write that walked the output (not
    `serve`'s, which may trust its memo), from the files written; None if unknown (the cache walks the output)."""
    if report is None:
        return None
    if before is not None:
        return stamps_after(before, options.output, report)
    return None if options.keep else written_stamps(options.output, files)


@contextlib.contextmanager
def _keeping_parses(cache: BuildCache | None, cached: CachedParses | None) -> Iterator[Callable[[], None] | None]:
    """A function that keeps the parses in the cache (None without one), for the build to call once it is done
    with its exports. When all the parses are to be written (the first build), a forked child writes them
    while this process resolves, on a core the build leaves idle then; the function waits for it."""
    if cache is None or cached is None:
        yield None
    elif not cache.saves_all_parses(cached):
        yield partial(cache.save_parses, cached)
    else:
        with in_background(cache.save_parses, cached, finish=True) as saved:
            yield saved


@dataclass(frozen=True, slots=True)
class _Content:
    """The content read and parsed, and what the next build may reuse of it."""

    parsed: Parsed
    read: int                                     # files read from disk (the others were known unchanged)
    parsed_files: int                             # files parsed (the others' parses were known)
    stamps: Mapping[str, tuple[Stamp, Source]]    # for the memo of `serve`; empty for other builds
    parses: Mapping[Source, ParsedFile]           # likewise
    cached: CachedParses | None                   # what the persistent cache keeps, if there is one
    edit: Edit | None                             # the change since the last build, if it kept every name
    read_warnings: tuple = ()                     # what reading warned of (for `serve`'s next read)
    base: Base | None = None                      # the cache's base to resolve an edit from, if it has a usable one


def _read_and_parse(options: BuildOptions, config: SiteConfig, memo: Memo, cache: BuildCache | None,
                    last: Snapshot | None, problems: Problems, progress: NoProgress) -> _Content:
    """Read the content and parse what is not known already (from the memo or the cache).

    Only `serve` keeps the sources, texts included, for its next build; other builds let the texts go here.
    """
    progress.stage("read")
    quick = reread_sources(options.content, memo.sources, memo.changed) \
        if memo.changed is not None and not options.derived else None   # a save in `serve`: the watcher said what
    stored = cache.stored_parses() if cache else None
    unread = cache.unread(last, stored, config.allow_html) if cache and last else None   # files the cache knows
    sources, reading, stamps = quick or read_sources(options.content, memo.sources, unread, cache and cache.stamps)
    if quick:
        reading.warnings.extend(memo.read_warnings)   # of files the watcher saw unchanged
    problems.extend(reading)
    known, cached, before = cache.parsed(sources, config.allow_html, last, stored) if cache else (memo.parsed, None, None)
    parsed, found, parses = parse_sources(sources, make_markdown(config.allow_html), known, options.workers, progress)
    problems.extend(found)
    if before is None and memo.parsed:
        before = {source.rel: result for source, result in memo.parsed.items()}
    after = {source.rel: result for source, result in parses.items()}
    edit = find_edit(before, after) if before else None
    read = sum(1 for rel, (_, source) in stamps.items()
               if memo.sources.get(rel, (0, None))[1] is not source and source.digest is None)
    fresh = sum(1 for source in parses if source not in known)
    cached = cached.add(parses, config.allow_html) if cached else None
    if options.keep:
        return _Content(parsed, read, fresh, stamps, parses, cached, edit, tuple(reading.warnings))
    base = load_base(cache.folder, cache.version, cached.stored_parse, after) \
        if cached and edit is not None and not found.errors else None   # worth a look only after an edit
    return _Content(parsed, read, fresh, {}, {}, cached, edit, base=base)


def _render_and_derive(graph: Graph, config: SiteConfig, options: BuildOptions, cache: BuildCache | None,
                       last: Snapshot | None, outputs: Mapping | None, memo: Memo, problems: Problems, progress: NoProgress,
                       stager: Stager | None, planner: PagePlanner, touched: set[PageKey] | None,
                       meanwhile: Callable[[], None] | None = None,
                       ) -> tuple[dict, dict[str, Rendered], Derived | None, Derived | None]:
    """Every output file (bytes, or staged by `stager`), each page as rendered, and the derived files, new and previous.

    `meanwhile` (keeping the parses in the cache, or waiting for the child that does: `_keeping_parses`) runs once
    the exports are made, while Pagefind indexes if it still does (derived.py): this process would only wait for
    it then, and rendering would leave no memory for it.
    """
    try:
        kept = None if cache is None or options.keep else cache.kept_pages(last, outputs) if last else {}
        with young_collections():   # rendering makes garbage in cycles
            files, pages = render_site(graph, config, memo.env, memo.pages, 1 if options.keep else options.workers,
                                       kept, progress, track=options.keep, sink=stager.stage if stager else None,
                                       planner=planner, touched=touched)
        freeze_in_heap()   # the pages live to the end too: the full collection after the build need not walk them
    except ContentError as template_error:
        raise BuildFailed([template_error], _sorted(problems.warnings)) from None
    derived = previous = memo.derived
    if options.write and (options.derived or derived is None):
        progress.stage("search and exports")
        previous = derived or (Derived({}, cache.search(), cache.export_rows(), cache.search_documents(last))
                               if cache else None)
        redo = touched if derived is None else None   # serve's last derived files may be older than its last build
        as_left = intact_test(outputs, last.outputs) \
            if derived is None and outputs is not None and cache is not None and cache.same_theme(last) else None
        derived, found = derive_files(graph, config, previous, stager, sheet_keys(graph, pages), redo, as_left,
                                      meanwhile)
        problems.extend(found)
    elif meanwhile is not None:   # no derived files are made to run it beside
        meanwhile()
    if options.write:
        files.update(derived.exports)
        files.update(derived.search.files)
        files.update(derived.staged)
        if previous is not None and derived.search is previous.search and outputs is not None and last is not None:
            files.update(intact_files(derived.search.files, outputs, last.outputs))   # not read to be compared
        progress.stage("write", len(files))
    return files, pages, derived, previous


def _resolve(content: _Content, memo: Memo) -> tuple[Resolution, Change | None, PagePlanner | None, Problems]:
    """The graph of the content, what changed since the last build if the edit kept every name, and the
    graph's page planner if it was made from a known one.

    Such an edit is resolved from the last build's resolution when `serve` kept it, or from the
    cache's base (basestate.py); else the content is resolved afresh.
    """
    known = Base(memo.resolution, memo.planner, content.edit) \
        if content.edit is not None and memo.resolution is not None and memo.planner is not None else content.base
    if known is not None:
        quick = resolve_edit(known.resolution, content.parsed, known.edit)
        if quick is not None:
            resolution, change, problems = quick
            planner = known.planner.after_edit(resolution.graph, change)
            if known.edit != content.edit:   # the base's: the change since the last build is another
                change = change_of(resolution, content.parsed, content.edit) if content.edit else None
            return resolution, change, planner, problems
    resolution, problems = resolve_site(content.parsed)
    change = change_of(resolution, content.parsed, content.edit) if content.edit and not problems.errors else None
    return resolution, change, None, problems


def _plan(graph: Graph, change: Change | None, planner: PagePlanner | None, cache: BuildCache | None,
          last: Snapshot | None) -> tuple[PagePlanner, set[PageKey] | None]:
    """The graph's page planner (made now unless given), and the pages the edit touched: None, to look at
    every page, after any other change, or when the cache's pages were rendered with other settings or templates."""
    planner = planner or PagePlanner(graph)
    if change is None:
        return planner, None
    return planner, touched_pages(graph, planner.look, change) if cache is None or cache.same_theme(last) else None


def _sorted(warnings: list[ContentError]) -> tuple[ContentError, ...]:
    unique = {str(warning): warning for warning in warnings}
    return tuple(sorted(unique.values(), key=ContentError.sort_key))
