"""Run outputs as CSV: per-epoch history, per-epoch timing, final metrics; and their aggregation.

history.csv and final.csv are deterministic for a seed on the CPU (byte-identical reruns);
wall-clock seconds live apart in timing.csv because they never repeat.
"""

from __future__ import annotations

import csv
import io
import statistics
from pathlib import Path

from nnlab.io import write_text


def _fmt(v):
    return repr(v) if isinstance(v, float) else v


def write_rows(path: str | Path, rows: list[dict], fieldnames: list[str] | None = None) -> None:
    """Write dict rows as CSV, atomically. Floats keep full precision (repr)."""
    fieldnames = fieldnames or (list(rows[0]) if rows else [])
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fieldnames, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: _fmt(r.get(k, "")) for k in fieldnames})
    write_text(path, buf.getvalue())


def read_rows(path: str | Path) -> list[dict]:
    """Read CSV rows, turning numeric strings back into int/float."""
    with open(path, newline="", encoding="utf-8") as f:
        return [{k: _parse(v) for k, v in r.items()} for r in csv.DictReader(f)]


def _parse(v: str):
    for cast in (int, float):
        try:
            return cast(v)
        except ValueError:
            pass
    return v


HISTORY_FIELDS = ["epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy"]


def run_facts(result, labels: dict) -> dict:
    """What every training run's final.csv row starts with: its `labels` (task, seed, ...), then the
    run's status, epochs run, parameters and precision."""
    return dict(labels) | {
        "status": result.status,
        "epochs_run": len(result.history),
        "parameters": result.parameters,
        "precision": result.precision,
    }


def write_run(result, labels: dict, history_csv, final_csv, timing_csv) -> None:
    """Write one training run's three CSVs. `labels` (task, loss, seed, ...) prefix final.csv."""
    write_rows(history_csv, result.history, HISTORY_FIELDS)
    last = result.history[-1] if result.history else {}
    final = run_facts(result, labels) | {f"final_{k}": last.get(k, float("nan")) for k in HISTORY_FIELDS[1:]}
    write_rows(final_csv, [final])
    write_rows(timing_csv, [{"epoch": i + 1, "seconds": s} for i, s in enumerate(result.seconds)])


def write_predictions(path: str | Path, predictions, labels) -> None:
    """Per test image: its label and the predicted class (for histograms, confusion, examples)."""
    rows = [] if predictions is None else [
        {"index": i, "label": int(y), "prediction": int(p)} for i, (y, p) in enumerate(zip(labels, predictions))
    ]  # fmt: skip
    write_rows(path, rows, ["index", "label", "prediction"])


def mean_std(values: list[float]) -> tuple[float, float]:
    """Mean and sample standard deviation (0 for a single value)."""
    values = [float(v) for v in values]
    if not values:
        return float("nan"), float("nan")
    return statistics.fmean(values), (statistics.stdev(values) if len(values) > 1 else 0.0)


def summarize(final_csvs: list, timing_csvs: list, history_csvs: list, by: list[str]) -> list[dict]:
    """One row per group of runs (e.g. per loss): test accuracy and loss mean ± std, seconds.

    Also the test accuracy after the first epoch, which tells how fast each setting learns.
    """
    groups: dict[tuple, list[tuple[dict, float]]] = {}
    for f, t, h in zip(final_csvs, timing_csvs, history_csvs, strict=True):
        row = read_rows(f)[0]
        history = read_rows(h)
        row["first_test_accuracy"] = history[0]["test_accuracy"] if history else float("nan")
        seconds = sum(r["seconds"] for r in read_rows(t))
        groups.setdefault(tuple(row[k] for k in by), []).append((row, seconds))
    out = []
    for key, runs in groups.items():
        ok = [r for r, _ in runs if r["status"] == "ok"]
        acc_mean, acc_std = mean_std([r["final_test_accuracy"] for r in ok])
        loss_mean, loss_std = mean_std([r["final_test_loss"] for r in ok])
        first_mean, first_std = mean_std([r["first_test_accuracy"] for r in ok])
        sec_mean, sec_std = mean_std([s for _, s in runs])
        out.append(
            dict(zip(by, key))
            | {
                "runs": len(runs),
                "diverged": len(runs) - len(ok),
                "parameters": runs[0][0]["parameters"],
                "test_accuracy_mean": acc_mean,
                "test_accuracy_std": acc_std,
                "test_loss_mean": loss_mean,
                "test_loss_std": loss_std,
                "first_test_accuracy_mean": first_mean,
                "first_test_accuracy_std": first_std,
                "train_seconds_mean": sec_mean,
                "train_seconds_std": sec_std,
            }
        )
    return out
