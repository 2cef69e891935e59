"""How well the render's cost model shares the pages out: `python bench/render_costs.py DIR [--workers N]`.

The render stage cuts its pages into runs of about equal estimated cost (`render._Work.cost`, in
milliseconds) for its workers; a run that takes longer than its estimate keeps the others waiting
at the end of its round. This builds the corpus in DIR (`DIR/content`, `DIR/site.yaml`) from
scratch, as a cold build does (workers, cache, into `DIR/../costs-out`), times every page in the
worker that renders it, and prints, for each run, the measured and estimated milliseconds, and for
each kind of page their totals and ratio. When the ratios of the kinds drift apart, the costs in
`render.py` want measuring again.
"""

from __future__ import annotations

import argparse
import json
import shutil
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
    one JSON file per run into `log`."""
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


def report(log: Path) -> list[str]:
    """The lines that compare measured and estimated milliseconds, by run and by kind of page."""
    lines = [f"{'run':>4} {'measured ms':>12} {'estimated ms':>13}  pages"]
    measured, estimated, counts = Counter(), Counter(), Counter()
    for path in sorted(log.glob("*.json")):
        run = json.loads(path.read_text(encoding="utf-8"))
        kinds = Counter(kind for kind, _, _ in run["rows"])
        lines.append(f"{int(path.stem):4d} {sum(r[1] for r in run['rows']) + run['other']:12.0f} "
                     f"{sum(r[2] for r in run['rows']):13.0f}  " + ", ".join(f"{n} {k}" for k, n in kinds.items()))
        for kind, took, guess in run["rows"]:
            measured[kind] += took
            estimated[kind] += guess
            counts[kind] += 1
    lines.append(f"{'kind':<10} {'pages':>6} {'measured ms':>12} {'estimated ms':>13} {'ratio':>6}   "
                 "(rendering alone: a run's time above includes staging its files)")
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
