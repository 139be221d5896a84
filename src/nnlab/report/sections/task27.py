"""Task 27 section: test accuracy against hidden width, beside the original, with discussion facts."""

from __future__ import annotations

from nnlab.report.discussion import compare, n_test, run_predictions, versus_original
from nnlab.results import read_rows

TASK = 27
TITLE = "Width of the hidden layer"  # English; other languages translate it in report/<lang>/terms.yaml (tasks)
# The inputs without which the section cannot be built (optional: task27_data, the test-set size, and
# task27_run_predictions_<width>_seed<N>, each run's per-image predictions, for the paired tests).
REQUIRED = ("task27_table", "task27_accuracy_vs_width")


def epochs_for(cfg: dict, width: int) -> int:
    """Epochs a width trained for: `epochs`, unless `epochs_by_width` overrides it."""
    override = {int(w): int(e) for w, e in (cfg.get("epochs_by_width") or {}).items()}
    return override.get(int(width), cfg["epochs"])


def build(inputs: dict, cfg: dict, original: dict, rel) -> dict:
    """`inputs`: task27_table, task27_accuracy_vs_width, task27_data (the dataset's sidecar: its number
    of test images), task27_run_predictions_<width>_seed<N>; `cfg`: config["task27"]."""
    n = n_test(inputs.get("task27_data"))
    rows = sorted(read_rows(inputs["task27_table"]), key=lambda r: r["width"])
    original = {int(k): v for k, v in (original or {}).items()}
    for r in rows:
        r["epochs"] = epochs_for(cfg, r["width"])
        r["reduced"] = r["epochs"] != cfg["epochs"]
        r["seconds_per_epoch"] = r["train_seconds_mean"] / r["epochs"]
        r["original"] = original.get(r["width"])
        r["delta"] = r["test_accuracy_mean"] - r["original"] if r["original"] is not None else None
    # Each step to the next width, among the widths that trained the full epochs and did not all
    # diverge: gain in test accuracy, and whether it is beyond seed noise.
    full = [r for r in rows if not r["reduced"] and r["runs"] > r["diverged"]]
    correct = run_predictions(inputs, "task27_run_predictions_")  # "<width>" -> per-seed correctness
    steps = []
    for a, b in zip(full, full[1:]):
        c = compare(b, a, n=n, correct=(correct.get(str(b["width"])), correct.get(str(a["width"]))))
        steps.append(c | {"from": a["width"], "to": b["width"], "gain": c["diff"]})
    # Saturation: the smallest width from which no later step gains more than `tolerance`, a tenth
    # of a percentage point (the original gained 0.01 and 0.02 points beyond width 1000).
    tolerance = 0.001
    plateau = next((r for i, r in enumerate(full) if all(st["gain"] <= tolerance for st in steps[i:])), None)
    widths = sorted(original)
    orig_gains = [original[b] - original[a] for a, b in zip(widths, widths[1:])]
    orig_plateau = next((w for i, w in enumerate(widths) if all(g <= tolerance for g in orig_gains[i:])), None)
    facts = {
        "full": full,
        "best": max(full, key=lambda r: r["test_accuracy_mean"]) if full else None,
        "steps": steps,
        "monotone": all(st["gain"] >= 0 for st in steps),
        "plateau": plateau,
        "plateau_is_last": bool(full) and plateau is full[-1],
        "tolerance": tolerance,
        "span": full[-1]["test_accuracy_mean"] - full[0]["test_accuracy_mean"] if len(full) > 1 else None,
        "original_span": original[widths[-1]] - original[widths[0]] if widths else None,
        "original_plateau": orig_plateau,
        "reduced": [r for r in rows if r["reduced"]],
        "time_ratio": rows[-1]["seconds_per_epoch"] / rows[0]["seconds_per_epoch"] if len(rows) > 1 else None,
        "param_ratio": rows[-1]["parameters"] / rows[0]["parameters"] if len(rows) > 1 else None,
    }
    best = facts["best"]
    facts["best_vs"] = (
        versus_original(best["test_accuracy_mean"], best["test_accuracy_std"], best["runs"] - best["diverged"],
                        best["original"], n)
        if best else None
    )  # fmt: skip
    return {
        "setup": cfg,
        "seeds": len(cfg["seeds"]),
        "rows": rows,
        "facts": facts,
        "figure": rel(inputs["task27_accuracy_vs_width"]),
    }


def original_numbers(s: dict, terms: dict) -> list[dict]:
    """Each of the original's numbers beside ours: what, our summary row, its test images."""
    n = (s["facts"]["best_vs"] or {}).get("n")
    return [{"what": f"test accuracy, width {r['width']:,}", "row": r, "n": n} for r in s["rows"]]


def headline(s: dict, terms: dict) -> dict:
    """The task at a glance (the results page): the best width's test accuracy."""
    best = next((x for x in original_numbers(s, terms) if x["row"] is s["facts"]["best"]), None)
    if best is None:
        return {"what": "test accuracy, best width", "text": "–"}
    return best | {"what": f"test accuracy, best width ({best['row']['width']:,})"}
