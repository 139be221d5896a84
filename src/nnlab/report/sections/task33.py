"""Task 33 section: VAE test ELBO per dataset (nats/image, bits/dim), grids and curves, the images judged
by task 30's CNN (nnlab.vae.quality), facts."""

from __future__ import annotations

import math

from nnlab import significance as sig
from nnlab.results import read_rows

TASK = 33
TITLE = "Image generation with a VAE"  # English; other languages translate it in report/<lang>/terms.yaml (tasks)
FILES = ("final", "history", "samples", "reconstructions", "elbo")


def required(config: dict) -> list[str]:
    """The inputs without which the section cannot be built: every file of each configured dataset."""
    return [f"task33_{ds}_{k}" for ds in config.get("task33", {}).get("datasets", {}) for k in FILES]


PLATEAU = 0.01  # a last-epoch change under 1 % of the gain since epoch 1 counts as flat


def curve_facts(history: list[dict]) -> dict:
    """Where the test ELBO peaks, how much the last epoch changed it, and the KL share at the end."""
    if not history:
        return {}
    best = max(history, key=lambda r: r["test_elbo"])
    last = history[-1]
    change = last["test_elbo"] - history[-2]["test_elbo"] if len(history) > 1 else float("nan")
    # The ELBO's scale includes an irreducible part (the pixel noise), so measure the last step
    # against the progress made since the first epoch, not against the ELBO itself.
    total = last["test_elbo"] - history[0]["test_elbo"]
    rel = abs(change) / abs(total) if len(history) > 1 and total else float("nan")
    return {
        "last_share": rel,
        "best_epoch": best["epoch"],
        "best_elbo": best["test_elbo"],
        "last_epoch": last["epoch"],
        "last_change": change,
        "still_improving": len(history) > 1 and change > 0 and not rel < PLATEAU,
        "flat": len(history) > 1 and rel < PLATEAU,
        "kl_share": last["test_kl"] / -last["test_elbo"] if last["test_elbo"] else float("nan"),
        "overfit_gap": last["train_elbo"] - last["test_elbo"],
    }


def quality_facts(runs: list[dict]) -> dict:
    """The original's claim in numbers: CIFAR-10's samples farther from real images than MNIST's, on the
    normalised Fréchet distance (0: real images, 1: the per-pixel baseline), the difference against its
    bootstrap standard error (the datasets' bootstraps are independent); and whether MNIST's samples beat
    the baseline. Empty unless both datasets were measured."""
    q = {r["dataset"]: r["quality"]["samples"] for r in runs if r.get("quality")}
    if not {"mnist", "cifar10"} <= q.keys():
        return {}
    m, c = q["mnist"], q["cifar10"]
    diff = sig.normal(c["normalised"] - m["normalised"], math.hypot(c["normalised_se"], m["normalised_se"]))
    return diff | {"mnist_vs_baseline": sig.normal(m["normalised"] - 1.0, m["normalised_se"])}


def build(inputs: dict, cfg: dict, original: dict, rel) -> dict:
    """`inputs`: task33_<dataset>_{final,history,samples,reconstructions,elbo}, and where measured
    task33_<dataset>_quality and the figure task33_quality; `cfg`: config["task33"]."""
    runs = []
    for ds in cfg["datasets"]:
        if f"task33_{ds}_final" not in inputs:
            continue
        final = read_rows(inputs[f"task33_{ds}_final"])[0]
        history = read_rows(inputs[f"task33_{ds}_history"])
        orig = original.get(ds, {})
        quality = inputs.get(f"task33_{ds}_quality")
        runs.append(
            final
            | {
                "proper": final["likelihood"] == "discretized_logistic",
                "neg_elbo": -final["test_elbo"],
                "epochs_config": cfg["datasets"][ds]["epochs"],
                "original_epochs": orig.get("epochs"),
                "original_verdict": orig.get("verdict"),  # a key of terms.yaml `original_verdict`; None: not reported
                "facts": curve_facts(history),
                "figures": {k: rel(inputs[f"task33_{ds}_{k}"]) for k in ("samples", "reconstructions", "elbo")},
                "dataset": ds,
                "quality": {r["set"]: r for r in read_rows(quality)} if quality else {},
            }
        )
    return {
        "setup": cfg,
        "runs": runs,
        "quality_figure": rel(inputs["task33_quality"]) if "task33_quality" in inputs else None,
        "quality": quality_facts(runs),
        "any_bernoulli": any(not r["proper"] for r in runs),
        "any_proper": any(r["proper"] for r in runs),
    }


def headline(s: dict, terms: dict) -> dict:
    """The task at a glance (the results page): the test negative ELBO per dataset."""
    parts = [
        f"{terms['datasets'][r['dataset']]} {r['test_bits_per_dim']:.3f}" for r in s["runs"] if r["status"] == "ok"
    ]
    return {"what": "test negative ELBO, bits per dimension", "text": ", ".join(parts) or "–"}
