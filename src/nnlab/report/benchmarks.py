"""Wall time, CPU time and peak memory of each job, from Snakemake's `benchmark:` files.

A benchmark file is `<root>/<rule>/<job>.tsv` with columns s, h:m:s, max_rss (MB), ..., cpu_time.
Very short jobs may have `-` or NA for the memory columns; those become NaN (printed as a dash).
"""

from __future__ import annotations

import csv
from pathlib import Path


def _num(v) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return float("nan")


def read_benchmark(path: str | Path, root: str | Path) -> dict:
    """One job's row: its rule and job name (from the path), seconds, CPU seconds, peak RSS in MB."""
    rel = Path(path).relative_to(root)
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    if not rows:
        raise ValueError(f"benchmark file {path} has no measurement")
    r = rows[-1]  # with `benchmark: repeat(...)` the last repetition
    return {
        "rule": rel.parts[0],
        "job": str(Path(*rel.parts[1:]).with_suffix("")),
        "seconds": _num(r.get("s")),
        "cpu_seconds": _num(r.get("cpu_time")),
        "max_rss_mb": _num(r.get("max_rss")),
    }


def collect(paths: list, root: str | Path) -> list[dict]:
    """Rows for every benchmark file, sorted by rule and job."""
    return sorted((read_benchmark(p, root) for p in paths), key=lambda r: (r["rule"], r["job"]))


# Snakemake samples a job's memory while it runs; a job shorter than the first sample reports a few MB
# or nothing, which is not a measurement (a Python job alone holds more than this).
MIN_MEASURED_MB = 10.0


def measured(rows: list[dict]) -> list[dict]:
    """The rows with a peak memory below MIN_MEASURED_MB blanked (NaN, printed as a dash)."""
    return [r | {"max_rss_mb": float("nan")} if not r["max_rss_mb"] >= MIN_MEASURED_MB else r for r in rows]


def totals(rows: list[dict]) -> dict:
    """Sums of wall and CPU seconds, and the largest peak memory, over the jobs."""
    fin = lambda k: [r[k] for r in rows if r[k] == r[k]]
    return {
        "jobs": len(rows),
        "seconds": sum(fin("seconds")),
        "cpu_seconds": sum(fin("cpu_seconds")),
        "max_rss_mb": max(fin("max_rss_mb"), default=float("nan")),
    }
