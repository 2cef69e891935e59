"""What a build keeps in memory so that the next build in the same process (`serve`) redoes only what changed."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping

import jinja2

from .config import SiteConfig
from .derived import Derived
from .pages import PagePlanner
from .parse import ParsedFile
from .render import Rendered
from .templating import make_environment
from .theme import theme_stamp
from .resolve import Resolution
from .sources import Source, Stamp


@dataclass(frozen=True, slots=True)
class Memo:
    """What a build keeps in memory so that the next one redoes only what changed (`serve` uses it)."""

    sources: Mapping[str, tuple[Stamp, Source]]   # content path -> the stamp and source it was read as
    parsed: Mapping[Source, ParsedFile]            # source -> what parsing it gave
    markdown: bool                                 # the allow_html setting the sources were parsed with
    theme: tuple                                   # settings and template stamps the pages were rendered with
    pages: Mapping[str, Rendered]                  # page path -> the page as rendered
    written: Mapping[str, bytes]                   # output file -> the bytes written to it
    env: jinja2.Environment | None = None          # the templates, compiled, while they are unchanged
    derived: Derived | None = None                 # the last data exports and search index
    resolution: Resolution | None = None           # the last graph and the names that resolved it
    planner: PagePlanner | None = None             # the last graph's page planner, with its lookups
    read_warnings: tuple = ()                      # what reading the content warned of (ignored files)
    changed: frozenset[str] | None = None          # the only content paths changed since, if a watcher knows them

    def forget(self, rels: set[str], theme_changed: bool = False, changed: frozenset[str] | None = None) -> Memo:
        """The same memo without these content files (and pages, if a template changed), to be read afresh;
        `changed`, if known, holds every content path saved since this memo's build (`rels` among them)."""
        return replace(self, sources={rel: v for rel, v in self.sources.items() if rel not in rels},
                       pages={} if theme_changed else self.pages, env=None if theme_changed else self.env,
                       changed=changed)


def usable_memo(memo: Memo | None, config: SiteConfig, compiled: Path | None = None) -> Memo:
    """The parts of an earlier build's memo that still hold under these settings and templates (`compiled`:
    where a new memo's templates are kept compiled, templating.make_environment)."""
    theme = theme_stamp(config)
    if memo is None:
        return Memo({}, {}, config.allow_html, theme, {}, {}, make_environment(config, compiled))
    parsed = memo.parsed if memo.markdown == config.allow_html else {}
    if memo.theme != theme or memo.env is None:
        return replace(memo, parsed=parsed, markdown=config.allow_html, theme=theme, pages={},
                       env=make_environment(config))
    return replace(memo, parsed=parsed, markdown=config.allow_html)
