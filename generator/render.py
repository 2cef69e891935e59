"""Stage 4, render: graph -> {output file: bytes}, with one Jinja2 environment per build."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Mapping

import jinja2

from .config import SiteConfig
from .errors import ContentError
from .model import Graph
from .feeds import FeedPlanner
from .inputs import PageInputs, template_digests
from .pages import Page, PageKey, PagePlanner
from .parallel import balanced_runs, run_shards, shard_count
from .progress import NO_PROGRESS, NoProgress
from .publish import Publisher
from .templating import render_page, static_files
from .urls import output_file
from .webfiles import plan_web_files, site_pages, web_file_paths
from .write import KEEP, Staged

@dataclass(frozen=True, slots=True)
class Rendered:
    """A rendered page and what it was rendered from, so an unchanged page is not rendered twice."""

    template: str           # the template's name
    context: dict | None    # the page's context with its web extras, compared with the next build's (None: not kept)
    data: bytes | Staged    # the page as written, KEEP (the file in the output is right already), or where it is staged
    inputs: str | None = None   # the digest of what the page is made from (inputs.py), when it has one


def render_site(graph: Graph, config: SiteConfig, env: jinja2.Environment,
                previous: Mapping[str, Rendered] | None = None, workers: int = 1, kept: PageDigests | None = None,
                progress: NoProgress = NO_PROGRESS, track: bool = False, sink: Sink | None = None,
                planner: PagePlanner | None = None, touched: set[PageKey] | None = None,
                ) -> tuple[dict[str, bytes | Staged], dict[str, Rendered]]:
    """Every page, feed, web file and static file as bytes by output path, and each page as rendered.

    A page whose template and context equal those in `previous` is taken from there, not rendered;
    `previous` must come from a build with the same templates and settings (see `theme_stamp`).
    With several workers and nothing to reuse, the pages are planned and rendered in forked
    processes, which send back only the bytes (their `Rendered.context` is None).
    With `kept`, the inputs digests of a previous build's pages whose files are still intact, a
    page whose inputs are unchanged is not even planned: its bytes are KEEP. Likewise a page of
    `previous` whose inputs are unchanged is reused without planning. `track` takes the inputs'
    digests even with nothing to compare them with yet.
    A `sink` (the writer's `Stager.stage`) takes each page's bytes as soon as it is rendered, in
    whichever process rendered it, and gives what stands in for them (KEEP when the output holds
    those bytes already, or where it is staged).
    `planner` is the graph's, if made already. With `touched` (edits.py), the keys of the only pages
    whose inputs may have changed, every other page is taken from `previous` or `kept` unseen.
    """
    planner, feeds = planner or PagePlanner(graph), FeedPlanner(graph, config)
    work = _Work(planner, feeds, Publisher(graph, config, planner.look), env, config, previous or {}, kept,
                 PageInputs(planner, template_digests(env)) if kept is not None or previous or track else None, sink,
                 touched)
    items = [*planner.keys(), *site_pages(), *feeds.keys()]
    rendered: dict[str, Rendered] = {}
    if touched is not None and previous:   # `serve` after an edit that kept every name
        rendered, items = _untouched(work, items, touched, previous)
    elif touched is not None and kept is not None:   # likewise, from the command line with the cache
        rendered, items = _kept_untouched(work, items, touched)
    shards = shard_count(workers) if not previous and len(items) >= PARALLEL_FROM else 1
    early = work.inputs if work.inputs is not None and shards > 1 else None   # its fingerprints, made once for all
    runs = balanced_runs(items, map(work.cost, items), shards) if shards > 1 else [items]
    progress.stage("render", len(items))
    for shard in run_shards(_render_shard, (work, runs), len(runs), workers, early.fingerprint_all if early else None):
        if isinstance(shard, ContentError):
            raise shard
        rendered.update(shard)
        progress.advance(len(shard))
    web = _untouched_web_files(work, config) if touched is not None else None   # the same pages: the same files
    if web is None:
        web = {page.path: work.render(page, keep=True) for page in plan_web_files(list(rendered), config)}
    rendered.update(work.staged(web))
    files = {output_file(path): page.data for path, page in rendered.items()}
    files.update(static_files(config))
    return files, rendered


def _untouched(work: _Work, items: list, touched: set[PageKey], previous: Mapping[str, Rendered],
               ) -> tuple[dict[str, Rendered], list]:
    """The pages of `previous` an edit left alone, and the items to render: the touched ones and the site pages.

    (A touched key that is no item any more, the feed of an entity no longer mentioned, is dropped.)
    """
    pages = dict(previous)
    for key in touched:
        pages.pop((work.feeds if key[0] == "feed" else work.planner).path(key), None)
    return pages, [item for item in items if isinstance(item, Page) or item in touched]


def _kept_untouched(work: _Work, items: list, touched: set[PageKey]) -> tuple[dict[str, Rendered], list]:
    """The pages an edit left alone whose files the output holds as written, and the items still to render:
    the touched ones, the site pages, and any other page the output lacks."""
    pages, todo = {}, []
    kept, page_path, feed_path = work.kept, work.planner.path, work.feeds.path   # (18,605 items at 10,000 articles)
    for item in items:
        if isinstance(item, Page) or item in touched:
            todo.append(item)
            continue
        path = feed_path(item) if item[0] == "feed" else page_path(item)
        digest = kept.get(path)
        if digest is None:
            todo.append(item)
        else:
            pages[path] = Rendered("", None, KEEP, digest)
    return pages, todo


def _untouched_web_files(work: _Work, config: SiteConfig) -> dict[str, Rendered] | None:
    """robots.txt and the sitemap as the last build left them (an edit that kept every name keeps every
    page, so they are unchanged), or None if one of them is not known."""
    found = [work.unchanged(path) for path in web_file_paths(config)]
    return dict(found) if all(found) else None


PARALLEL_FROM = 500   # fewer pages than this are rendered in this process
PageDigests = Mapping[str, str]   # page path -> the digest of its inputs when its file was written
Sink = Callable[[str, bytes], bytes | Staged]         # (output file, its bytes) -> what stands in for the bytes


ITEM_COSTS = {"article": 0.25, "tag": 0.6, "home": 12.0, "tags": 4.0, "events": 12.0}   # others: `_Work.cost`
STAGE_COST = 0.035   # milliseconds to hand a page's bytes to the sink (a file written), as measured


@dataclass(frozen=True, slots=True)
class _Work:
    """What rendering any page needs: shared by the workers of one build."""

    planner: PagePlanner
    feeds: FeedPlanner
    publisher: Publisher
    env: jinja2.Environment
    config: SiteConfig
    previous: Mapping[str, Rendered]
    kept: PageDigests | None
    inputs: PageInputs | None
    sink: Sink | None
    touched: set[PageKey] | None   # the only pages whose inputs may have changed, if known

    def render_item(self, item: Page | PageKey, keep: bool) -> tuple[str, Rendered]:
        """The path and page of a key (or of a page planned already), left in the output if its inputs are unchanged."""
        if isinstance(item, Page):
            return item.path, self.render(item, keep)
        planner = self.feeds if item[0] == "feed" else self.planner
        if self.touched is not None and item not in self.touched:
            unchanged = self.unchanged(planner.path(item))
            if unchanged is not None:
                return unchanged
        inputs = self.inputs.of(item) if self.inputs is not None else None
        if inputs is not None:
            path = planner.path(item)
            earlier = self.previous.get(path)
            if earlier is not None and earlier.inputs == inputs:   # `serve`: the page as rendered last time
                return path, earlier
            if self.kept is not None and self.kept.get(path) == inputs:   # the cache: the file as written last time
                return path, Rendered("", None, KEEP, inputs)
        page = planner.plan(item)
        return page.path, self.render(page, keep, inputs)

    def cost(self, item: Page | PageKey) -> float:
        """About how long rendering and staging an item takes, in milliseconds as measured in the workers of a cold
        build at 10,000 articles (to share them out; `python bench/render_costs.py DIR` measures them again)."""
        if isinstance(item, Page):
            return 3.0 + STAGE_COST
        (what, which), graph, look = item, self.planner.graph, self.planner.look
        if what == "entity":
            return STAGE_COST + 0.14 + 0.038 * len(look.facts_of.get(which, ())) \
                + 0.03 * (len(graph.mentions.get(which, ())) + len(look.events_of.get(which, ())))
        if what == "feed":
            return STAGE_COST + (0.085 + 0.0046 * len(graph.mentions.get(which, ())) if which else 180.0)
        if what == "articles":
            return STAGE_COST + 0.01 * len(graph.articles)
        return STAGE_COST + ITEM_COSTS.get(what, 10.0)

    def unchanged(self, path: str) -> tuple[str, Rendered] | None:
        """The page at `path` as the last build left it, if it is known: its inputs are unchanged."""
        earlier = self.previous.get(path)
        if earlier is not None:
            return path, earlier
        if self.kept is not None and path in self.kept:
            return path, Rendered("", None, KEEP, self.kept[path])
        return None

    def staged(self, pages: dict[str, Rendered]) -> dict[str, Rendered]:
        """The pages with their new bytes handed to the sink (if any), which says what stands in for them."""
        if self.sink is not None:
            for path, page in pages.items():
                if page.data is not KEEP and not isinstance(page.data, Staged):
                    pages[path] = replace(page, data=self.sink(output_file(path), page.data))
        return pages

    def render(self, page: Page, keep: bool, inputs: str | None = None) -> Rendered:
        """A page rendered, or taken from `previous` if its template and context are unchanged."""
        context = {**page.context, **self.publisher.extras(page)}
        before = self.previous.get(page.path)
        if before is not None and before.template == page.template and before.context == context:
            return before if before.inputs == inputs else replace(before, inputs=inputs)
        return Rendered(page.template, context if keep else None, render_page(self.env, page, self.config, context),
                        inputs)


def _render_shard(shared: tuple[_Work, list[list]], shard: int, shards: int) -> dict[str, Rendered] | ContentError:
    """The pages of the `shard`-th run (keys are planned first), rendered."""
    work, runs = shared
    keep = shards == 1
    try:
        pages = dict(work.render_item(item, keep) for item in runs[shard])
    except ContentError as error:   # a template error, sent back as a value
        return error
    return work.staged(pages)
