"""Task 31 section: a 2-D autoencoder vs a 2-D PCA; how well digits separate in each plane."""

from __future__ import annotations

import math

from nnlab.results import mean_std, read_rows

SEPARATED = 0.9  # leave-one-out 5-NN accuracy in the plane from which the digits count as separate clusters


def _compare(ae: list[dict], pca: dict, key: str) -> dict:
    """AE (mean over seeds) vs PCA on a k-NN accuracy: who wins, by how much, beyond noise?

    The noise of each accuracy is its binomial standard error on the n scored points (which
    images happen to be chosen), plus for the AE the seed-to-seed spread of its mean; the
    difference counts as real when it exceeds twice the combined error. Scoring the same points
    for both makes this conservative.
    """
    n = pca[f"n_{key.split('_')[1]}"]
    mean, std = mean_std([r[key] for r in ae])
    p = pca[key]
    se = math.sqrt(mean * (1 - mean) / n + p * (1 - p) / n + (std**2 / len(ae) if len(ae) > 1 else 0.0))
    diff = mean - p
    return {
        "ae": mean,
        "ae_std": std,
        "pca": p,
        "n": n,
        "diff": diff,
        "se": se,
        "winner": "autoencoder" if diff > 0 else "pca" if diff < 0 else "tie",
        "significant": abs(diff) > 2 * se,
        "ae_seeds_above": sum(1 for r in ae if r[key] > p),
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
