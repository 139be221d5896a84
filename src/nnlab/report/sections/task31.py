"""Task 31 section: a 2-D autoencoder vs a 2-D PCA; how well digits separate in each plane."""

from __future__ import annotations

import math

from nnlab import significance as sig
from nnlab.results import mean_std, read_rows

TASK = 31
TITLE = "A two-dimensional autoencoder"  # English; other languages translate it in report/<lang>/terms.yaml (tasks)
# The inputs without which the section cannot be built.
REQUIRED = ("task31_table", "task31_pca", "task31_scatter", "task31_loss")

SEPARATED = 0.9  # leave-one-out 5-NN accuracy in the plane from which the digits count as separate clusters


def _compare(ae: list[dict], pca: dict, key: str) -> dict:
    """AE (mean over seeds) vs PCA on a k-NN leave-one-out accuracy, judged by
    `nnlab.significance.not_independent`: the points' scores are not independent trials (each depends
    on its neighbours), so only the autoencoder's seed spread can speak, and one seed cannot."""
    values = [r[key] for r in ae]
    mean, std = mean_std(values)
    r = sig.not_independent(values, pca[key])
    return r | {
        "ae": mean,
        "ae_std": std,
        "pca": pca[key],
        "n": pca[f"n_{key.split('_')[1]}"],
        "winner": "autoencoder" if r["diff"] > 0 else "pca" if r["diff"] < 0 else "tie",
        "ae_seeds_above": sum(1 for v in values if v > pca[key]),
    }


def build(inputs: dict, cfg: dict, original: dict, rel) -> dict:
    """`inputs`: task31_table, task31_pca, task31_scatter, task31_loss; `cfg`: config["task31"]."""
    rows = read_rows(inputs["task31_table"])
    ae = [r for r in rows if r["method"] == "autoencoder" and r["status"] == "ok"]
    pca = next((r for r in rows if r["method"] == "pca"), None)
    variance = read_rows(inputs["task31_pca"])
    facts = None
    if ae and pca:
        facts = {
            "runs": len(ae),
            "selected": _compare(ae, pca, "knn_selected"),
            "all": _compare(ae, pca, "knn_all"),
            "chance": pca["chance"],
            "test_loss": mean_std([r["final_test_loss"] for r in ae]),
            "pca_explained": sum(v["explained_ratio"] for v in variance),
        }
        # "each digit sits in its own cluster" (the original) when 9 in 10 codes have a majority of
        # their 5 nearest neighbours from their own digit
        facts["separated"] = facts["selected"]["ae"] >= SEPARATED
        facts["separated_threshold"] = SEPARATED
    m = cfg["model"]
    widths = [784, *m["hidden"], m["latent"], *reversed(m["hidden"]), 784]
    return {
        "setup": cfg,
        "architecture": "-".join(map(str, widths)),
        "rows": rows,
        "diverged": sum(1 for r in rows if r["method"] == "autoencoder" and r["status"] != "ok"),
        "facts": facts,
        "original": original,
        "figures": {"scatter": rel(inputs["task31_scatter"]), "loss": rel(inputs["task31_loss"])},
    }


def headline(s: dict, terms: dict) -> dict:
    """The task at a glance (the results page): how well the 2-D code separates the digits."""
    vals = [r["knn_selected"] for r in s["rows"] if r["method"] != "pca"]
    mean = sum(vals) / len(vals) if vals else math.nan
    return {"what": "k-NN accuracy of the 2-D code, digits 0/1/2 (leave-one-out)",
            "text": f"{mean:.4f} ({len(vals)} seed{'s' if len(vals) != 1 else ''}; chance {s['facts']['chance']:.3f})"}  # fmt: skip
