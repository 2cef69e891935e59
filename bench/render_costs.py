"""How well the render's cost model cuts the pages into shards: `python bench/render_costs.py DIR [--workers N]`.

The render stage cuts its pages into shards of about equal estimated cost (`render._Work.cost`, in
milliseconds), which its workers take one at a time (parallel.py); a shard much slower than the
others keeps the rest waiting at the end of its round. This builds the corpus in DIR (`DIR/content`,
`DIR/site.yaml`) from scratch, as a cold build does (workers, cache, into `DIR/../costs-out`), times
every page in the worker that renders it, and prints the median and largest measured time of a
shard, the slowest shards with their estimates, and for each kind of page the measured and
estimated totals and their ratio. When the ratios of the kinds drift apart, the costs in
`render.py` want measuring again.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generator import render  # noqa: E402
from generator.build import BuildOptions, build_site  # noqa: E402
from generator.parallel import default_workers  # noqa: E402


def item_kind(item) -> str:
    """The kind of a render item: a page key's first part, `site feed`, or `page` for a page planned already."""
    if isinstance(item, render.Page):
        return "page"
    return "site feed" if item[0] == "feed" and not item[1] else item[0]


def timed_build(corpus: Path, workers: int, log: Path) -> None:
    """A cold build of the corpus whose render workers write (kind, measured ms, estimated ms) of each item,
    one JSON file per shard into `log`."""
    render_item, render_shard = render._Work.render_item, render._render_shard
    rows: list[tuple[str, float, float]] = []

    def timed_item(work, item, keep):
        started = time.perf_counter()
        result = render_item(work, item, keep)
        rows.append((item_kind(item), (time.perf_counter() - started) * 1000, work.cost(item)))
        return result

    def timed_shard(shared, shard, shards):
        rows.clear()
        started = time.perf_counter()
        result = render_shard(shared, shard, shards)
        staging = (time.perf_counter() - started) * 1000 - sum(row[1] for row in rows)
        (log / f"{shard:04d}.json").write_text(json.dumps({"rows": rows, "other": staging}), encoding="utf-8")
        return result

    output, cache = corpus.parent / "costs-out", corpus.parent / "costs-cache"
    shutil.rmtree(output, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    render._Work.render_item, render._render_shard = timed_item, timed_shard
    try:
        build_site(BuildOptions(corpus / "content", output, corpus / "site.yaml", config_required=True,
                                cache=cache, workers=workers))
    finally:
        render._Work.render_item, render._render_shard = render_item, render_shard


def report(log: Path, slowest: int = 5) -> list[str]:
    """The lines that compare measured and estimated milliseconds: of the shards (the slowest listed), and by kind of page."""
    shards, measured, estimated, counts = [], Counter(), Counter(), Counter()
    for path in sorted(log.glob("*.json")):
        run = json.loads(path.read_text(encoding="utf-8"))
        kinds = Counter(kind for kind, _, _ in run["rows"])
        shards.append((sum(r[1] for r in run["rows"]) + run["other"], sum(r[2] for r in run["rows"]), int(path.stem),
                       ", ".join(f"{n} {k}" for k, n in kinds.items())))
        for kind, took, guess in run["rows"]:
            measured[kind] += took
            estimated[kind] += guess
            counts[kind] += 1
    took = sorted(shard[0] for shard in shards)
    lines = [f"{len(shards)} shards; measured ms a shard: median {statistics.median(took):.0f}, largest {took[-1]:.0f}",
             f"{'shard':>5} {'measured ms':>12} {'estimated ms':>13}  pages   (the {slowest} slowest)"]
    for took_ms, guess, number, pages in sorted(shards, reverse=True)[:slowest]:
        lines.append(f"{number:5d} {took_ms:12.0f} {guess:13.0f}  {pages}")
    lines.append(f"{'kind':<10} {'pages':>6} {'measured ms':>12} {'estimated ms':>13} {'ratio':>6}   "
                 "(rendering alone: a shard's time above includes staging its files)")
    for kind in sorted(counts, key=lambda k: -measured[k]):
        ratio = measured[kind] / estimated[kind] if estimated[kind] else float("nan")
        lines.append(f"{kind:<10} {counts[kind]:6d} {measured[kind]:12.0f} {estimated[kind]:13.0f} {ratio:6.2f}")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Build once and print how the measured render costs compare with the estimates."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="a folder with content/ and site.yaml (see corpus.py)")
    parser.add_argument("--workers", type=int, default=default_workers(), help="processes (default: one per core)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        timed_build(args.corpus.resolve(), args.workers, Path(folder))
        print("\n".join(report(Path(folder))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
