"""Wall time, CPU time and peak memory of each job, from Snakemake's `benchmark:` files.

A benchmark file is `<root>/<rule>/<job>.tsv` with columns s, h:m:s, max_rss (MB), ..., cpu_time.
Very short jobs may have `-` or NA for the memory columns; those become NaN (printed as a dash).

A benchmark file measures a job's last attempt only. A training job stopped (a killed build, the end
of a session) and resumed from its checkpoint trained its first epochs in earlier attempts: its log
(`<logs>/<rule>/<job>.log`, rewritten by each attempt) says "resuming from <checkpoint> after epoch
N/E" (`nnlab.loop`), and the run's timing.csv beside that checkpoint keeps every epoch's seconds
across attempts, so those N epochs' seconds are added as `earlier_seconds`. What that leaves out,
the earlier attempts' start-up and the epoch a kill cut short, is small beside an epoch worth resuming.

A job restored from the results archive (`make report`, nnlab_workflow.archive) kept the archived
build's benchmark file: its row is marked `restored` while that file is the one the archive's record
(results/restored.json) names by checksum, so a job trained again later is this build's own.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

RESUMED = re.compile(r"resuming from (\S+) after epoch (\d+)/\d+")


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


def earlier_attempts(log: str | Path) -> dict:
    """What a job's attempts before its last trained, from its log: {resumed_after: epochs (0 if it
    was not resumed), earlier_seconds: their seconds from the run's timing.csv (NaN if that file is
    not beside the checkpoint)}. A job with several loops (task 29's stages) may resume several."""
    log = Path(log)
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    epochs, seconds = 0, 0.0
    for checkpoint, after in RESUMED.findall(text):
        timing = Path(checkpoint).parent / "timing.csv"
        epochs += int(after)
        if not timing.exists():
            seconds = float("nan")
            continue
        with open(timing, newline="") as f:
            seconds += sum(_num(r["seconds"]) for r in csv.DictReader(f) if int(r["epoch"]) <= int(after))
    return {"resumed_after": epochs, "earlier_seconds": seconds}


def restored_record(paths) -> dict | None:
    """The results archive's record of the jobs it restored (results/restored.json: the archive's
    `build` and each `restored` job's `benchmark` path and `sha256`), given as a list of at most one
    path (a rule's optional input); None without one."""
    return json.loads(Path(paths[0]).read_text(encoding="utf-8")) if paths else None


def _sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def collect(paths: list, root: str | Path, logs: str | Path | None = None, restored: dict | None = None) -> list[dict]:
    """Rows for every benchmark file, sorted by rule and job; with `logs` (the log folder, laid out
    like `root`), each row adds what its earlier attempts trained (`earlier_attempts`); `restored`
    (`restored_record`) says whether the file is still the archived one the record names."""
    archived = {Path(r["benchmark"]): r["sha256"] for r in (restored or {}).get("restored", []) if r.get("benchmark")}
    rows = []
    for p in paths:
        row = read_benchmark(p, root) | {"resumed_after": 0, "earlier_seconds": 0.0}
        if logs is not None:
            row |= earlier_attempts(Path(logs, row["rule"], row["job"] + ".log"))
        row["restored"] = Path(p) in archived and _sha256(p) == archived[Path(p)]
        rows.append(row)
    return sorted(rows, key=lambda r: (r["rule"], r["job"]))


# Snakemake samples a job's memory while it runs; a job shorter than the first sample reports a few MB
# or nothing, which is not a measurement (a Python job alone holds more than this).
MIN_MEASURED_MB = 10.0


def measured(rows: list[dict]) -> list[dict]:
    """The rows as the appendix prints them: a peak memory below MIN_MEASURED_MB blanked (NaN, printed
    as a dash), `wall_seconds`, the job's wall time with its earlier attempts' training added, and
    `restored` a bool (the CSV holds True/False as text)."""
    out = []
    for r in rows:
        earlier = r.get("earlier_seconds", 0.0)
        r = r | {"wall_seconds": r["seconds"] + (earlier if earlier == earlier else 0.0)}
        r["restored"] = r.get("restored") in (True, "True")
        out.append(r | {"max_rss_mb": float("nan")} if not r["max_rss_mb"] >= MIN_MEASURED_MB else r)
    return out


def totals(rows: list[dict]) -> dict:
    """Sums of wall (earlier attempts included) and CPU seconds, the largest peak memory, over the
    jobs; and how many were resumed and how many restored from the results archive."""
    fin = lambda k: [r.get(k, 0.0) for r in rows if r.get(k, 0.0) == r.get(k, 0.0)]
    return {
        "jobs": len(rows),
        "resumed": sum(1 for r in rows if r.get("resumed_after")),
        "restored": sum(1 for r in rows if r.get("restored") is True),
        "earlier_seconds": sum(fin("earlier_seconds")),
        "seconds": sum(fin("seconds")) + sum(fin("earlier_seconds")),
        "cpu_seconds": sum(fin("cpu_seconds")),
        "max_rss_mb": max(fin("max_rss_mb"), default=float("nan")),
    }
