"""The whole build, top to bottom: read -> parse -> resolve -> render -> write."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from .config import load_config
from .errors import BuildFailed, ContentError, Problems, UsageError
from .markdown import make_markdown
from .parse import parse_sources
from .render import make_environment, render_site
from .resolve import resolve_graph
from .search import search_files
from .sources import read_sources
from .write import WriteReport, check_output, write_site


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What to build from and where to."""

    content: Path
    output: Path
    config: Path
    config_required: bool = False   # True when --config named the file
    write: bool = True              # False for `check`


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a successful build did."""

    files: int
    articles: int
    entities: int
    facts: int
    warnings: tuple[ContentError, ...]
    report: WriteReport | None
    seconds: float


def build_site(options: BuildOptions) -> BuildResult:
    """Build the site; raise BuildFailed with every content error, leaving output untouched."""
    started = time.perf_counter()
    check_folders(options)
    problems = Problems()
    config, found = load_config(options.config, options.config_required)
    problems.extend(found)
    sources, found = read_sources(options.content)
    problems.extend(found)
    parsed, found = parse_sources(sources, make_markdown(config.allow_html))
    problems.extend(found)
    graph, found = resolve_graph(parsed)
    problems.extend(found)
    if problems.errors:
        raise BuildFailed(problems.errors, _sorted(problems.warnings))
    try:
        files = render_site(graph, config, make_environment(config))
    except ContentError as template_error:
        raise BuildFailed([template_error], _sorted(problems.warnings)) from None
    if options.write:
        search, found = search_files(files, config)
        files.update(search)
        problems.extend(found)
    report = write_site(files, options.output) if options.write else None
    return BuildResult(len(files), len(graph.articles), len(graph.entities), len(graph.facts),
                       _sorted(problems.warnings), report, time.perf_counter() - started)


def check_folders(options: BuildOptions) -> None:
    """The content folder must exist, and the output must be a folder of its own."""
    if not options.content.is_dir():
        raise UsageError(f"content folder '{options.content}' not found (use --content DIR)")
    if options.config_required and not options.config.is_file():
        raise UsageError(f"config file '{options.config}' not found")
    content, output = options.content.resolve(), options.output.resolve()
    if output == content or content in output.parents or output in content.parents:
        raise UsageError(f"output '{options.output}' and content '{options.content}' must not contain each other")
    if options.write:
        check_output(options.output)


def _sorted(warnings: list[ContentError]) -> tuple[ContentError, ...]:
    unique = {str(warning): warning for warning in warnings}
    return tuple(sorted(unique.values(), key=ContentError.sort_key))
