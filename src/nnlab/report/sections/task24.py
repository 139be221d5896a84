"""Task 24 section: MSE vs cross-entropy, table beside the original, discussion facts."""

from __future__ import annotations

from nnlab.report.common import LOSS_NAMES, describe_model
from nnlab.report.discussion import compare
from nnlab.results import read_rows


def build(inputs: dict, cfg: dict, original: dict, rel) -> dict:
    """`inputs`: task24_table, task24_accuracy, task24_loss; `cfg`: config["task24"]."""
    rows = read_rows(inputs["task24_table"])
    by_loss = {r["loss"]: r for r in rows}
    for r in rows:
        r["name"] = LOSS_NAMES.get(r["loss"], r["loss"])
        r["original"] = original.get(r["loss"])
        r["delta"] = r["test_accuracy_mean"] - r["original"] if r["original"] is not None else None
    facts = None
    if "mse" in by_loss and "cross_entropy" in by_loss:
        facts = compare(by_loss["cross_entropy"], by_loss["mse"])
        o = original
        facts["original_winner"] = "cross_entropy" if o["cross_entropy"] >= o["mse"] else "mse"
        facts["original_diff"] = abs(o["cross_entropy"] - o["mse"])
        facts["agrees"] = facts["winner"]["loss"] == facts["original_winner"]
        facts["early"] = compare(by_loss["cross_entropy"], by_loss["mse"], "first_test_accuracy")
    return {
        "setup": cfg,
        "model": describe_model(cfg["model"], 784, 10),
        "seeds": len(cfg["seeds"]),
        "rows": rows,
        "facts": facts,
        "figures": {"accuracy": rel(inputs["task24_accuracy"]), "loss": rel(inputs["task24_loss"])},
    }
