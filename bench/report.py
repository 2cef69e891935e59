"""Benchmark results: medians per size, engine and phase, ratios between engines, growth between sizes."""

from __future__ import annotations

from statistics import median

PHASES = ("cold", "noop", "edit")
TARGETS = {"hugo": "factsheet / hugo, cold (target <= 1.0)", "pelican": "pelican / factsheet, cold (target >= 5)"}


def summarise(runs: list[dict]) -> list[dict]:
    """One row per size and engine: median seconds per phase, peak memory, cores used."""
    rows = []
    for size, engine in dict.fromkeys((r["size"], r["engine"]) for r in runs):
        mine = [r for r in runs if r["size"] == size and r["engine"] == engine and r["status"] == 0]
        if not mine:
            continue
        row = {"size": size, "engine": engine, "pages": max(r.get("pages", 0) for r in mine),
               "runs": len([r for r in mine if r["phase"] == "cold"])}
        for phase in PHASES:
            times = [r["seconds"] for r in mine if r["phase"] == phase]
            row[phase] = median(times) if times else None
        cold = [r for r in mine if r["phase"] == "cold"]
        row["tree_mb"] = median(r["tree_rss_mb"] for r in cold)
        row["pss_mb"] = median(r.get("tree_pss_mb", 0) for r in cold)   # runs saved before PSS was taken have none
        row["max_mb"] = max(r["max_rss_mb"] for r in mine)
        row["cores"] = median(r["cpu"] / r["seconds"] for r in cold)
        kernel = [r["system"] for r in cold if "system" in r]   # runs saved before it was taken have none
        row["system"] = median(kernel) if kernel else None
        rows.append(row)
    return rows


def ratios(rows: list[dict]) -> list[dict]:
    """Factsheet against Hugo and Pelican at each size, on median cold builds."""
    found = []
    ours = {r["size"]: r for r in rows if r["engine"] == "factsheet"}
    for row in rows:
        if row["engine"] in TARGETS and row["size"] in ours and row["cold"] and ours[row["size"]]["cold"]:
            mine, theirs = ours[row["size"]]["cold"], row["cold"]
            value = mine / theirs if row["engine"] == "hugo" else theirs / mine
            found.append({"size": row["size"], "what": TARGETS[row["engine"]], "ratio": value})
    return found


def growth(rows: list[dict]) -> list[dict]:
    """For each engine, how cold time and memory grow from one size to the next larger one."""
    found = []
    for engine in dict.fromkeys(r["engine"] for r in rows):
        mine = sorted((r for r in rows if r["engine"] == engine and r["cold"]), key=lambda r: r["size"])
        for small, large in zip(mine, mine[1:]):
            found.append({"engine": engine, "from": small["size"], "to": large["size"],
                          "size_ratio": large["size"] / small["size"], "time_ratio": large["cold"] / small["cold"],
                          "memory_ratio": large["tree_mb"] / small["tree_mb"]})
    return found


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def markdown(rows: list[dict], found_ratios: list[dict], found_growth: list[dict]) -> str:
    """The results as Markdown tables."""
    lines = ["| articles | engine | pages | runs | cold build s | no-op rebuild s | one-edit rebuild s "
             "| peak memory MB (RSS) | peak memory MB (PSS) | largest process MB | cores used | kernel CPU s (cold) |",
             "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    lines += [f"| {r['size']:,} | {r['engine']} | {r['pages']:,} | {r['runs']} | {_seconds(r['cold'])} | "
              f"{_seconds(r['noop'])} | {_seconds(r['edit'])} | {r['tree_mb']:.0f} | {r['pss_mb']:.0f} | {r['max_mb']:.0f} | "
              f"{r['cores']:.2f} | {_seconds(r.get('system'))} |" for r in rows]
    if found_ratios:
        lines += ["", "| articles | ratio | value |", "| ---: | --- | ---: |"]
        lines += [f"| {r['size']:,} | {r['what']} | {r['ratio']:.2f} |" for r in found_ratios]
    if found_growth:
        lines += ["", "| engine | sizes | size ratio | cold time ratio | memory ratio |", "| --- | --- | ---: | ---: | ---: |"]
        lines += [f"| {g['engine']} | {g['from']:,} -> {g['to']:,} | {g['size_ratio']:.1f} | {g['time_ratio']:.2f} | "
                  f"{g['memory_ratio']:.2f} |" for g in found_growth]
    return "\n".join(lines) + "\n"
