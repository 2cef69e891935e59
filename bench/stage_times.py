"""Where one build's time goes, stage by stage: `python bench/stage_times.py DIR [--phase cold|noop|edit]`.

Builds the corpus in DIR (`DIR/content`, `DIR/site.yaml`) in this process, with one worker per
core and the cache in `DIR/../stages-cache`, into `DIR/../stages-out`, and prints for each stage
the build reports to its progress bar (read, parse, resolve, render, search and exports, write;
"write" includes saving the cache) the wall time and the CPU time of this process and of its
child processes (the workers, and Pagefind) that ended in it. `cold` (the default) removes the output and the cache first;
`noop` builds again as it is; `edit` makes the runner's edit of one article first (a word of
the body and a fact's value) and puts the article back afterwards. Unlike `run.py`, which
times whole processes, it leaves out Python's start and exit, and no profiler slows it down.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.engines_run import edit  # noqa: E402
from bench.run import middle_slug  # noqa: E402
from generator.build import BuildOptions, build_site  # noqa: E402
from generator.parallel import default_workers  # noqa: E402


class StageClock:
    """A progress display that prints the time of each stage instead of drawing a bar."""

    def __init__(self) -> None:
        self.name, self.wall, self.cpu = "start", time.perf_counter(), _cpu()
        self.rows: list[tuple[str, float, float, float]] = []

    def stage(self, name: str, total: int = 0) -> None:
        """The stage called `name` begins: the one before it ends."""
        wall, cpu = time.perf_counter(), _cpu()
        self.rows.append((self.name, wall - self.wall, cpu[0] - self.cpu[0], cpu[1] - self.cpu[1]))
        self.name, self.wall, self.cpu = name, wall, cpu

    def advance(self, count: int = 1) -> None:
        """Progress within a stage: not shown."""

    def close(self) -> None:
        """The build ended: the last stage ends."""
        self.stage("")


def _cpu() -> tuple[float, float]:
    """CPU seconds of this process, and of the child processes it has waited for."""
    mine, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime, children.ru_utime + children.ru_stime


def main(argv: list[str] | None = None) -> int:
    """Build once and print the stages' times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="a folder with content/ and site.yaml (see corpus.py)")
    parser.add_argument("--phase", choices=("cold", "noop", "edit"), default="cold")
    parser.add_argument("--workers", type=int, default=default_workers(), help="processes (default: one per core)")
    args = parser.parse_args(argv)
    corpus = args.corpus.resolve()
    output, cache = corpus.parent / "stages-out", corpus.parent / "stages-cache"
    if args.phase == "cold":
        shutil.rmtree(output, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
    target = next((corpus / "content/articles").glob(f"*/*/{middle_slug(corpus)}.md"))
    original = target.read_bytes()
    if args.phase == "edit":
        target.write_text(edit(original.decode("utf-8"), 0, True), encoding="utf-8")
    clock = StageClock()
    try:
        result = build_site(BuildOptions(corpus / "content", output, corpus / "site.yaml", config_required=True,
                                         cache=cache, workers=args.workers), progress=clock)
    finally:
        target.write_bytes(original)
    clock.close()
    print(f"{'stage':<20} {'wall s':>7} {'CPU s':>7} {'children CPU s':>14}")
    for name, wall, cpu, children in clock.rows:
        print(f"{name:<20} {wall:7.2f} {cpu:7.2f} {children:14.2f}")
    print(f"{'build':<20} {sum(r[1] for r in clock.rows):7.2f} {sum(r[2] for r in clock.rows):7.2f} "
          f"{sum(r[3] for r in clock.rows):14.2f}   ({result.report.written} files written)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
