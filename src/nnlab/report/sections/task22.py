"""Task 22 section: the chain's expressions (sympy's LaTeX), the checks, the original's slips."""

from __future__ import annotations

import math

from nnlab.results import read_rows

TASK = 22
TITLE = "Backpropagation on a scalar chain"  # English; other languages translate it in report/<lang>/terms.yaml (tasks)
# The inputs without which the section cannot be built.
REQUIRED = ("task22_expressions", "task22_autograd", "task22_checks", "task22_original")


def _bool(v) -> bool:
    return str(v).strip().lower() == "true"


def build(inputs: dict, cfg: dict, original: dict, rel) -> dict:
    """`inputs`: task22_expressions, task22_autograd, task22_checks, task22_original; `cfg`: config["task22"]."""
    exprs = {r["name"]: {k: str(v) for k, v in r.items()} for r in read_rows(inputs["task22_expressions"])}
    layers = sorted(int(k[5:]) for k in exprs if k.startswith("dL_dw") and k[5:].isdigit())
    n = max(layers)
    checks = read_rows(inputs["task22_checks"])
    for c in checks:
        c["passed"] = _bool(c["passed"])
    compared = read_rows(inputs["task22_original"])
    for r in compared:
        r["agrees"] = _bool(r["agrees"])
        r["original"], r["ours"] = str(r["original"]), str(r["ours"])
        # which of our expressions the original's (wrong) formula actually equals, e.g. yhat
        r["equals"] = [
            k for k, e in exprs.items() if k != r["name"] and not k.endswith("_delta") and e["latex"] == r["original"]
        ]
    # A wrong h(l) whose next pre-activation u(l+1) = w h(l) the original gets right was only miscopied
    # into its list: the derivation went on from the right value (a transcription slip).
    agrees = {r["name"]: r["agrees"] for r in compared}
    for r in compared:
        nxt = f"u{int(r['name'][1:]) + 1}" if r["name"][:1] == "h" and r["name"][1:].isdigit() else None
        r["slip"] = not r["agrees"] and nxt is not None and agrees.get(nxt, False)
    return {
        "setup": cfg,
        "n": n,
        "layers": layers,  # weight indices 2..n
        "hidden": list(range(2, n)),  # δ(l) for l < n use the recursion
        "e": exprs,
        "autograd": read_rows(inputs["task22_autograd"]),
        "checks": checks,
        "symbolic": [c for c in checks if c["kind"] == "symbolic"],
        "numeric": [c for c in checks if c["kind"] == "autograd"],
        "all_passed": all(c["passed"] for c in checks),
        # layers whose δ form was shown equal to the direct derivative
        "delta_ok": [
            l for l in layers if any(c["passed"] and c["check"].startswith(f"delta form of dL/dw{l} ") for c in checks)
        ],
        "compared": compared,
        "wrong": [r for r in compared if not r["agrees"]],
        "right": [r for r in compared if r["agrees"]],
    }


def headline(s: dict, terms: dict) -> dict:
    """The task at a glance (the results page): what it measures and this build's value."""
    worst = max(r["max_rel_error"] for r in s["autograd"]) if s["autograd"] else math.nan
    agree = sum(r["agrees"] for r in s["compared"])
    return {"what": "formulas vs sympy; gradients vs autograd",
            "text": f"{agree} of {len(s['compared'])} formulas agree; max relative error {worst:.1e}"}  # fmt: skip
