"""Profile one build with cProfile: `python bench/profiling.py [--articles 10000] [--out bench/PROFILE.md]`.

Runs a cold build and then a no-op rebuild of the benchmark corpus in this process under
cProfile, and writes where the time went: per stage (read, parse, resolve, render, write,
with the main steps inside them) and the top functions by own time and by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import sysconfig
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.engines_run import clean  # noqa: E402
from bench.run import corpus_for  # noqa: E402
from generator.cli import main as build  # noqa: E402

# (label, file name ending, function name): the stages of generator/build.py and steps inside them.
STAGES = (
    ("read", "generator/sources.py", "read_sources"),
    ("parse", "generator/parse.py", "parse_sources"),
    ("  parse: split front matter + YAML", "generator/frontmatter.py", "split_document"),
    ("  parse: Markdown to HTML and text", "generator/markdown.py", "render_body"),
    ("resolve", "generator/resolve.py", "resolve_graph"),
    ("  resolve: facts", "generator/facts.py", "resolve_facts"),
    ("  resolve: no-profile and typo checks", "generator/resolve.py", "check_entities"),
    ("render", "generator/render.py", "render_site"),
    ("  render: plan pages (views)", "generator/pages.py", "plan_pages"),
    ("  render: Jinja2 templates", "jinja2/environment.py", "render"),
    ("write", "generator/write.py", "write_site"),
    ("  write: compare with existing files", "generator/write.py", "_same"),
    ("  write: stage and rename", "generator/write.py", "_publish"),
    ("  write: list existing output", "generator/write.py", "_existing"),
)
TOP = 20


def stage_table(stats: pstats.Stats, total: float) -> str:
    """Cumulative seconds of each stage function, as a Markdown table."""
    raw = stats.stats  # {(file, line, function): (calls, primitive calls, tottime, cumtime, callers)}
    lines = ["| stage | seconds | share |", "| --- | ---: | ---: |"]
    for label, ending, function in STAGES:
        cumulative = sum(value[3] for (file, _, name), value in raw.items()
                         if name == function and file.replace("\\", "/").endswith(ending))
        lines.append(f"| {label} | {cumulative:.2f} | {100 * cumulative / total:.0f}% |")
    return "\n".join(lines)


def top_functions(stats: pstats.Stats, key: str) -> str:
    """pstats' own listing of the top functions by `key`."""
    stream = io.StringIO()
    stats.stream = stream
    stats.sort_stats(key).print_stats(TOP)
    text = stream.getvalue().replace(sysconfig.get_paths()["purelib"] + "/", "").replace(f"{ROOT}/", "")
    return "\n".join(line.rstrip() for line in text[text.index("   ncalls"):].splitlines() if line.strip())


def profile_build(args: list[str]) -> tuple[pstats.Stats, float, int]:
    """Run one build under cProfile; its stats, wall seconds (profiled) and exit status."""
    profiler = cProfile.Profile()
    started = time.perf_counter()
    status = profiler.runcall(build, args)
    seconds = time.perf_counter() - started
    stats = pstats.Stats(profiler)
    return stats, seconds, status


def section(title: str, stats: pstats.Stats, seconds: float) -> str:
    """One profiled build, written up."""
    return (f"## {title}\n\nWall time under the profiler: {seconds:.2f} s (cProfile slows Python code down, "
            f"so shares matter more than seconds).\n\n{stage_table(stats, seconds)}\n\n"
            f"### Top {TOP} functions by own time (tottime)\n\n```\n{top_functions(stats, 'tottime')}\n```\n\n"
            f"### Top {TOP} functions by cumulative time (cumtime)\n\n```\n{top_functions(stats, 'cumulative')}\n```\n")


def main(argv: list[str] | None = None) -> int:
    """Profile a cold build and a no-op rebuild; write the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=ROOT / "bench/.work")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/PROFILE.md")
    options = parser.parse_args(argv)
    corpus = corpus_for(options.work.resolve(), options.articles, options.seed, [])
    output = corpus.parent / f"out-{options.articles}-profile"
    clean([str(output), str(corpus / ".factsheet-cache"), str(corpus.parent / ".factsheet-cache")], corpus)
    args = ["--content", str(corpus / "content"), "--config", str(corpus / "site.yaml"), "--output", str(output), "-q"]
    parts = [f"# Profile of a Factsheet build at {options.articles:,} articles\n\n"
             f"Made by `python bench/profiling.py --articles {options.articles}` (cProfile, one process).\n"]
    for title in ("Cold build (empty output)", "No-op rebuild (nothing changed)"):
        stats, seconds, status = profile_build(args)
        if status != 0:
            print(f"build failed with status {status}", file=sys.stderr)
            return 1
        parts.append(section(title, stats, seconds))
    options.out.write_text("\n".join(parts), encoding="utf-8")
    print(f"wrote {options.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
