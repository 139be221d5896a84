"""Task 30 section: with vs without convolution on MNIST and CIFAR-10; tables, gaps and their noise."""

from __future__ import annotations

import json
import math

from nnlab import significance as sig
from nnlab.report import networks
from nnlab.report.discussion import compare, run_predictions
from nnlab.results import read_rows

TASK = 30
TITLE = "Convolutional vs dense networks on MNIST and CIFAR-10"  # English; other languages translate it in report/<lang>/terms.yaml (tasks)
# The inputs without which the section cannot be built (optional: the datasets' sidecars and each run's per-image predictions).
REQUIRED = ("task30_table", "task30_misclassified")

SHAPES = {"mnist": (28, 28, 1), "cifar10": (32, 32, 3)}  # each dataset's image shape


def gap(cnn: dict, mlp: dict, n_test: int, correct=None) -> dict:
    """CNN minus MLP test accuracy, judged by `nnlab.significance`: paired on the test images when
    `correct` (each network's per-seed per-image correctness) is given, else from the accuracies."""
    c = compare(cnn, mlp, n=n_test, correct=correct)
    return c | {"value": cnn["test_accuracy_mean"] - mlp["test_accuracy_mean"]}


def build(inputs: dict, cfg: dict, original: dict, rel) -> dict:
    """`inputs`: task30_table, task30_misclassified, task30_data_<dataset>; `cfg`: config["task30"]."""
    rows = read_rows(inputs["task30_table"])
    correct = run_predictions(inputs, "task30_run_predictions_")  # "<dataset>_<model>" -> per-seed correctness
    datasets = []
    for name in cfg["datasets"]:
        shape = SHAPES[name]
        meta = json.loads(open(inputs[f"task30_data_{name}"]).read()) if f"task30_data_{name}" in inputs else {}
        n_test = sum(meta.get("counts", {}).get("test", []))
        orig = original.get(name, {})
        by_model = {}
        for r in rows:
            if r["dataset"] != name:
                continue
            r["epochs"] = cfg["epochs"][name][r["model"]]
            r["original"] = orig.get(r["model"])
            r["delta"] = r["test_accuracy_mean"] - r["original"] if r["original"] is not None else None
            by_model[r["model"]] = r
        d = {
            "name": name,
            "rows": [by_model[m] for m in cfg["models"] if m in by_model],
            "networks": {m: networks.layers(cfg["architectures"][m][name], shape) for m in cfg["models"]},
            "known": {m: networks.known_name(cfg["architectures"][m][name]) for m in cfg["models"]},
            # the kind of source only: where the files sat on the building machine is not the reader's business
            # ("idx files under /data" -> "idx files"; "download with torchvision into /x" -> "download")
            "source": " ".join(meta.get("source", "unknown").split(" under ")[0].split(" with ")[0].split()),
            "lossy": "imagefolder" in meta.get("source", ""),
            "n_test": n_test,
            "gap": None,
        }
        if "cnn" in by_model and "mlp" in by_model:
            cnn, mlp = by_model["cnn"], by_model["mlp"]
            d["gap"] = gap(cnn, mlp, n_test, (correct.get(f"{name}_cnn"), correct.get(f"{name}_mlp")))
            d["gap"]["original"] = orig["cnn"] - orig["mlp"] if {"cnn", "mlp"} <= set(orig) else None
            # our gap against the original's: the original's gap is taken to be as noisy as ours
            if d["gap"]["original"] is not None:
                d["gap"]["vs_original"] = sig.normal(
                    d["gap"]["value"] - d["gap"]["original"], math.sqrt(2) * d["gap"]["se"]
                )
                d["gap"]["agrees"] = d["gap"]["vs_original"]["verdict"] != sig.DIFFERS
            d["gap"]["equal_epochs"] = cnn["epochs"] == mlp["epochs"]
            d["gap"]["mlp_parameters"] = mlp["parameters"]
            d["gap"]["cnn_parameters"] = cnn["parameters"]
            # Test error shrinks by this factor when convolution is added.
            err_cnn, err_mlp = 1 - cnn["test_accuracy_mean"], 1 - mlp["test_accuracy_mean"]
            d["gap"]["error_ratio"] = err_mlp / err_cnn if err_cnn > 0 else None
        datasets.append(d)
    gaps = {d["name"]: d["gap"] for d in datasets if d["gap"]}
    contrast = None
    if "mnist" in gaps and "cifar10" in gaps:
        m, c = gaps["mnist"], gaps["cifar10"]
        diff = c["value"] - m["value"]
        contrast = sig.normal(diff, math.hypot(m["se"], c["se"])) | {  # different images: independent gaps
            "larger_for_cifar": diff > 0,
            "original_larger_for_cifar": (c["original"] or 0) > (m["original"] or 0),
            "cifar_mlp_parameters": c["mlp_parameters"],
            "cifar_cnn_parameters": c["cnn_parameters"],
            # the explanation of why convolution helps applies only if it does help, beyond noise
            "convolution_helps_cifar": c["value"] > 0 and c["verdict"] == sig.DIFFERS,
        }
    return {
        "setup": cfg,
        "seeds": len(cfg["seeds"]),
        "datasets": datasets,
        "contrast": contrast,
        "figure": rel(inputs["task30_misclassified"]) if "task30_misclassified" in inputs else None,
    }


def original_numbers(s: dict, terms: dict) -> list[dict]:
    """Each of the original's numbers beside ours: what, our summary row, its test images."""
    return [{"what": f"test accuracy, {terms['models'][r['model']]}, {terms['datasets'][d['name']]}", "row": r,
             "n": d["n_test"]} for d in s["datasets"] for r in d["rows"]]  # fmt: skip


def headline(s: dict, terms: dict) -> dict:
    """The task at a glance (the results page): the CNN on CIFAR-10 (on the first dataset without it)."""
    d = next((d for d in s["datasets"] if d["name"] == "cifar10"), s["datasets"][0])
    row = next((r for r in d["rows"] if r["model"] == "cnn"), d["rows"][0])
    return next(x for x in original_numbers(s, terms) if x["row"] is row)


def why(s: dict, row: dict, terms: dict) -> list[str]:
    """What this section's facts say of a row that differs from the original's: the networks are
    ours, and lossy images where the dataset came as JPEG."""
    d = next((d for d in s["datasets"] if any(r is row for r in d["rows"])), None)
    words = terms["why"]
    lossy = [words["lossy"].format(dataset=terms["datasets"][d["name"]])] if d and d["lossy"] else []
    return [words["our networks"], *lossy]
