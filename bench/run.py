"""Benchmark runner: `python bench/run.py [--sizes 1000,10000,20000] [--repeat 3] [--engines factsheet,hugo,pelican] [--interleave]`.

For each size it generates (or reuses) a corpus, then for each engine and repetition times,
each as a separate process: a cold build (output and caches removed), a no-op rebuild,
and a rebuild after editing one article (its body and, for Factsheet, one fact). It prints
medians as a Markdown table with ratios and growth, and writes every run as JSON.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import write_corpus  # noqa: E402
from bench.engines_run import DEFAULT_CLEAN, Engine, clean, describe, edit, find_engines  # noqa: E402
from bench.measure import measure  # noqa: E402
from bench.report import growth, markdown, ratios, summarise  # noqa: E402


def make_parser() -> argparse.ArgumentParser:
    """The runner's options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,20000", help="article counts, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions per size and engine (medians are reported)")
    parser.add_argument("--engines", default="factsheet,hugo,pelican", help="which generators to time")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed")
    parser.add_argument("--work", type=Path, default=ROOT / "bench/.work", help="where corpora and outputs go")
    parser.add_argument("--hugo", help="the hugo binary (default: hugo on PATH)")
    parser.add_argument("--pelican", help="the pelican command (default: pelican on PATH)")
    parser.add_argument("--clean", action="append", metavar="PATH-OR-cmd:COMMAND",
                        help="removed before each cold Factsheet build, besides the output; {corpus} and {output} "
                             "are filled in; 'cmd:...' runs a shell command instead (repeatable; default: "
                             + ", ".join(DEFAULT_CLEAN) + ")")
    parser.add_argument("--interleave", action="store_true",
                        help="take turns: each repetition runs every size with every engine once, so that a noisy "
                             "machine slows all sizes and engines alike (default: all repetitions of one engine, "
                             "then the next, one size after the other)")
    parser.add_argument("--json", type=Path, help="results file (default: bench/results-<UTC time>.json)")
    return parser


def corpus_for(work: Path, size: int, seed: int, engines: list[Engine]) -> Path:
    """The corpus folder for a size, generated once with every engine's input and then reused."""
    folder = work / f"corpus-{size}-seed{seed}"
    wanted = sorted(e.name for e in engines if e.name != "factsheet")
    stamp = folder / ".generated"
    if stamp.exists() and set(wanted) <= set(json.loads(stamp.read_text())):
        return folder
    clean([str(folder)], work)
    print(f"generating {size:,} articles into {folder} ...", file=sys.stderr, flush=True)
    write_corpus(folder, size, seed, tuple(wanted))
    stamp.write_text(json.dumps(wanted))
    return folder


def time_engine(engine: Engine, corpus: Path, size: int, reps: range, cleanup: tuple[str, ...]) -> list[dict]:
    """Cold, no-op and one-edit builds, once for each repetition number in `reps`; stops at the first failure."""
    output = corpus.parent / f"out-{size}-{engine.name}"
    command = engine.command(corpus, output)
    log = corpus.parent / f"log-{size}-{engine.name}.txt"
    target = engine.article(corpus, middle_slug(corpus))
    runs = []
    for rep in reps:
        for phase in ("cold", "noop", "edit"):
            if phase == "cold":
                clean(engine.cache_paths(corpus, output, cleanup), corpus)
            original = target.read_bytes()
            if phase == "edit":
                target.write_text(edit(original.decode("utf-8"), rep, engine.name == "factsheet"), encoding="utf-8")
            try:
                sample = measure(command, corpus, log)
            finally:
                target.write_bytes(original)
            run = {"size": size, "engine": engine.name, "phase": phase, "rep": rep, **dataclasses.asdict(sample)}
            if phase == "cold":
                run["pages"] = sum(name.endswith(".html") for _, _, names in os.walk(output) for name in names)
            runs.append(run)
            print(f"{size:>6} {engine.name:<9} {phase:<4} #{rep + 1}: {sample.seconds:7.2f} s "
                  f"({sample.system:5.2f} s kernel CPU) {sample.tree_rss_mb:6.0f} MB RSS "
                  f"{sample.tree_pss_mb:6.0f} MB PSS  status {sample.status}",
                  file=sys.stderr, flush=True)
            if sample.status != 0:
                print(f"  failed: {describe(command)} (see {log})", file=sys.stderr)
                return runs
    return runs


def middle_slug(corpus: Path) -> str:
    """The article that is edited: the middle one in path order (the same at every run)."""
    files = sorted((corpus / "content/articles").glob("*/*/*.md"))
    return files[len(files) // 2].stem


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and report it."""
    args = make_parser().parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    engines, notes = find_engines([e for e in args.engines.split(",") if e], args.hugo, args.pelican)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    cleanup = tuple(args.clean or DEFAULT_CLEAN)
    args.work.mkdir(parents=True, exist_ok=True)
    runs, failed = [], set()
    corpora = {size: corpus_for(args.work.resolve(), size, args.seed, engines) for size in sizes}
    if args.interleave:   # each turn: one repetition of every size by every engine
        turns = [(size, range(rep, rep + 1)) for rep in range(args.repeat) for size in sizes]
    else:
        turns = [(size, range(args.repeat)) for size in sizes]
    for size, reps in turns:
        for engine in (e for e in engines if (e.name, size) not in failed):
            found = time_engine(engine, corpora[size], size, reps, cleanup)
            runs += found
            if any(run["status"] != 0 for run in found):
                failed.add((engine.name, size))
    rows = summarise(runs)
    found_ratios, found_growth = ratios(rows), growth(rows)
    print(markdown(rows, found_ratios, found_growth))
    path = args.json or ROOT / f"bench/results-{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%SZ}.json"
    machine = {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
               "engines": {e.name: e.program for e in engines}}
    path.write_text(json.dumps({"machine": machine, "sizes": sizes, "repeat": args.repeat,
                                "interleave": args.interleave, "notes": notes,
                                "summary": rows, "ratios": found_ratios, "growth": found_growth, "runs": runs},
                               indent=1) + "\n")
    print(f"results: {path}", file=sys.stderr)
    return 0 if all(r["status"] == 0 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
