"""Task 23 section: the derivative bounds (sympy), the measured gradient norms, discussion facts."""

from __future__ import annotations

import math

from nnlab import significance as sig
from nnlab.results import read_rows

TASK = 23
TITLE = "Vanishing gradients"  # English; other languages translate it in report/<lang>/terms.yaml (tasks)
# The inputs without which the section cannot be built.
REQUIRED = ("task23_derivation", "task23_ratios", "task23_norms", "task23_figure")

PHASES = ("init", "trained")


def _log_compare(a: dict, b: dict) -> dict:
    """b's first/output ratio over a's, in orders of magnitude (log10), judged by the seed spread
    (`nnlab.significance.seeds`: a gradient ratio has no per-image structure)."""
    r = sig.seeds(b["log10_ratio_mean"], b["log10_ratio_std"], b["runs"] - b["diverged"],
                  a["log10_ratio_mean"], a["log10_ratio_std"], a["runs"] - a["diverged"])  # fmt: skip
    return r | {"orders": r["diff"], "factor": 10 ** r["diff"]}


U_SHAPE = 10  # a middle layer this many times below both ends makes the profile U-shaped


def profile(layers: list[dict]) -> dict | None:
    """One network's gradient norm across its layers (rows of norms.csv, layer 1 = input side): the
    smallest norm among the middle layers and how far it lies below the first and the output layer.
    A straight-line per-layer factor cannot show a dip in the middle; this can."""
    rows = sorted(layers, key=lambda r: r["layer"])
    if len(rows) < 3:
        return None
    low = min(rows[1:-1], key=lambda r: r["grad_norm_gmean"])
    first, last = rows[0]["grad_norm_gmean"], rows[-1]["grad_norm_gmean"]
    below_first, below_last = first / low["grad_norm_gmean"], last / low["grad_norm_gmean"]
    return {"layer": low["layer"], "below_first": below_first, "below_last": below_last,
            "u_shaped": min(below_first, below_last) >= U_SHAPE}  # fmt: skip


def build(inputs: dict, cfg: dict, original: dict, rel) -> dict:
    """`inputs`: task23_derivation, task23_ratios, task23_norms, task23_figure; `cfg`: config["task23"]."""
    facts = {r["fact"]: {**r, "latex": str(r["latex"])} for r in read_rows(inputs["task23_derivation"])}
    ratios = read_rows(inputs["task23_ratios"])
    norms = read_rows(inputs["task23_norms"]) if "task23_norms" in inputs else []
    profiles = {}
    for r in norms:
        profiles.setdefault((r["activation"], r["depth"], r["phase"]), []).append(r)
    by = {(r["activation"], r["depth"], r["phase"]): r for r in ratios}
    depths = sorted({r["depth"] for r in ratios})
    activations = sorted({r["activation"] for r in ratios}, key=lambda a: (a != "sigmoid", a))
    table = [
        {"activation": a, "depth": d, **{p: by[(a, d, p)] for p in PHASES}}
        for d in depths for a in activations if all((a, d, p) in by for p in PHASES)
    ]  # fmt: skip
    pairs = []  # sigmoid vs ReLU at each depth and phase
    if {"sigmoid", "relu"} <= set(activations):
        for d in depths:
            for p in PHASES:
                sig, relu = by.get(("sigmoid", d, p)), by.get(("relu", d, p))
                if sig and relu and not (math.isnan(sig["log10_ratio_mean"]) or math.isnan(relu["log10_ratio_mean"])):
                    bound = facts.get(f"sigmoid_product_bound_depth{d}")
                    pairs.append(
                        {
                            "depth": d, "phase": p, "sigmoid": sig, "relu": relu, "cmp": _log_compare(sig, relu),
                            "bound": bound,
                            "profile": profile(profiles.get(("sigmoid", d, p), [])),
                            "sigmoid_init": by.get(("sigmoid", d, "init")),
                            # per-layer bound for sigmoid: max σ' times the layers' typical spectral norm
                            "layer_bound": facts["sigmoid_derivative_max"]["value"] * sig["weight_spectral_gmean"],
                        }
                    )  # fmt: skip
    deeper = []  # how the first/output ratio changes from the shallowest to the deepest network
    if len(depths) > 1:
        d0, d1 = depths[0], depths[-1]
        for a in activations:
            r0, r1 = by.get((a, d0, "init")), by.get((a, d1, "init"))
            if r0 and r1:
                deeper.append(
                    {
                        "activation": a,
                        "from": d0,
                        "to": d1,
                        "factor": r1["ratio_first_output_gmean"] / r0["ratio_first_output_gmean"],
                    }
                )
    init_pairs = [p for p in pairs if p["phase"] == "init"]
    relu_init = [by[("relu", d, "init")] for d in depths if ("relu", d, "init") in by]
    return {
        "setup": cfg,
        # the derivation's prediction holds at every depth: sigmoid ≥ 10x less gradient at layer 1, and a
        # per-layer factor below 0.5 and below ReLU's
        "consistent": bool(init_pairs)
        and all(
            p["cmp"]["orders"] >= 1 and p["sigmoid"]["hidden_factor_gmean"] < min(0.5, p["relu"]["hidden_factor_gmean"])
            for p in init_pairs
        ),
        "relu_flat": bool(relu_init) and all(0.5 <= r["hidden_factor_gmean"] <= 2 for r in relu_init),
        "seeds": len(cfg["seeds"]),
        "one_depth": len(depths) == 1,
        "facts": facts,
        "depths": depths,
        "activations": activations,
        "table": table,
        "pairs": pairs,
        "deeper": deeper,
        "bounds": [
            facts[f"sigmoid_product_bound_depth{d}"] for d in depths if f"sigmoid_product_bound_depth{d}" in facts
        ],
        "figure": rel(inputs["task23_figure"]),
    }


def headline(s: dict, terms: dict) -> dict:
    """The task at a glance (the results page): the gradient-norm ratio at initialisation."""
    p = next((p for p in s["pairs"] if p["phase"] == "init"), None)
    if not p:
        return {"what": "first-layer / output gradient norm at initialisation", "text": "–"}
    return {"what": f"first-layer / output gradient norm at initialisation, depth {p['depth']}",
            "text": f"{terms['activation']['sigmoid']} {p['sigmoid']['ratio_first_output_gmean']:.1e}, "
                    f"{terms['activation']['relu']} {p['relu']['ratio_first_output_gmean']:.2g}"}  # fmt: skip
