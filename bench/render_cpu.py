"""CPU time of the render stage alone: `python bench/render_cpu.py DIR [--repeat 3] [--profile]`.

Reads, parses and resolves the corpus in DIR (`DIR/content`, `DIR/site.yaml`) once, then times
`render_site(..., workers=1)` `--repeat` times, each with a fresh Jinja2 environment and fresh
per-build caches, and prints the process CPU seconds of each run and their median. With
`--profile` it runs once more under cProfile and prints the top functions and call counts.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generator import build as _registers_pickling  # noqa: E402,F401  (the dataclasses' fast pickling)
from generator import urls  # noqa: E402
from generator.config import load_config  # noqa: E402
from generator.markdown import make_markdown  # noqa: E402
from generator.parse import parse_sources  # noqa: E402
from generator.render import render_site  # noqa: E402
from generator.templating import make_environment  # noqa: E402
from generator.resolve import resolve_graph  # noqa: E402
from generator.sources import read_sources  # noqa: E402


def load_graph(folder: Path):
    """The resolved graph and settings of a corpus folder."""
    config, _ = load_config(folder / "site.yaml", True)
    sources, _, _ = read_sources(folder / "content")
    parsed, _, _ = parse_sources(sources, make_markdown(config.allow_html), None, 2)
    graph, problems = resolve_graph(parsed)
    if problems.errors:
        raise SystemExit(f"{folder}: {len(problems.errors)} content errors")
    return graph, config


def render_once(graph, config) -> tuple[float, int]:
    """CPU seconds of one render of every page with a fresh environment, and the number of files."""
    urls.absolute.cache_clear()
    urls.text_fragment.cache_clear()
    env = make_environment(config)
    started = time.process_time()
    files, _ = render_site(graph, config, env, workers=1)
    return time.process_time() - started, len(files)


def main() -> None:
    """Time the render stage of one corpus."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    graph, config = load_graph(args.corpus)
    gc.freeze()   # as the build does once the records are made
    runs = []
    for _ in range(args.repeat):
        seconds, count = render_once(graph, config)
        runs.append(seconds)
        print(f"render: {seconds:.2f} s CPU, {count} files", flush=True)
    print(f"median of {len(runs)}: {statistics.median(runs):.2f} s CPU")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(render_once, graph, config)
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
