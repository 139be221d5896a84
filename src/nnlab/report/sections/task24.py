"""Task 24 section: MSE vs cross-entropy, table beside the original, discussion facts."""

from __future__ import annotations

from nnlab.report import networks
from nnlab.report.discussion import compare, n_test, run_predictions
from nnlab.results import read_rows

TASK = 24
TITLE = "Mean squared error vs cross-entropy on MNIST"  # English; other languages translate it in report/<lang>/terms.yaml (tasks)
# The inputs without which the section cannot be built (optional: task24_data, the test-set size, and
# task24_run_predictions_<loss>_seed<N>, each run's per-image predictions, for the paired test).
REQUIRED = ("task24_table", "task24_accuracy", "task24_loss")


def build(inputs: dict, cfg: dict, original: dict, rel) -> dict:
    """`inputs`: task24_table, task24_accuracy, task24_loss, task24_data (the dataset's sidecar: its
    number of test images), task24_run_predictions_<loss>_seed<N>; `cfg`: config["task24"]."""
    rows = read_rows(inputs["task24_table"])
    n = n_test(inputs.get("task24_data"))
    by_loss = {r["loss"]: r for r in rows}
    for r in rows:
        r["original"] = original.get(r["loss"])
        r["delta"] = r["test_accuracy_mean"] - r["original"] if r["original"] is not None else None
    facts = None
    if "mse" in by_loss and "cross_entropy" in by_loss:
        correct = run_predictions(inputs, "task24_run_predictions_")  # loss -> per-seed correctness
        pair = (correct.get("cross_entropy"), correct.get("mse"))
        facts = compare(by_loss["cross_entropy"], by_loss["mse"], n=n, correct=pair)
        o = original
        facts["original_winner"] = "cross_entropy" if o["cross_entropy"] >= o["mse"] else "mse"
        facts["original_diff"] = abs(o["cross_entropy"] - o["mse"])
        facts["agrees"] = facts["winner"]["loss"] == facts["original_winner"]
        # after the first epoch: no per-image predictions were kept, so the accuracies' paired bounds
        facts["early"] = compare(by_loss["cross_entropy"], by_loss["mse"], "first_test_accuracy", n=n)
    return {
        "setup": cfg,
        "model": networks.mlp(cfg["model"], 784, 10),
        "seeds": len(cfg["seeds"]),
        "rows": rows,
        "facts": facts,
        "figures": {"accuracy": rel(inputs["task24_accuracy"]), "loss": rel(inputs["task24_loss"])},
    }


def original_numbers(s: dict, terms: dict) -> list[dict]:
    """Each of the original's numbers beside ours: what, our summary row, its test images."""
    n = s["facts"]["n"] if s["facts"] else None
    return [{"what": f"test accuracy, {terms['loss'][r['loss']]}", "row": r, "n": n} for r in s["rows"]]


def headline(s: dict, terms: dict) -> dict:
    """The task at a glance (the results page): the cross-entropy's test accuracy."""
    numbers = original_numbers(s, terms)
    return next((x for x in numbers if x["row"]["loss"] == "cross_entropy"), numbers[0])
