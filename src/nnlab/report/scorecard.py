"""The claims scorecard: each claim the original makes, judged against this build's section facts.

A claim's words are the original's (`report/original.yaml`, `claims`), translated in each language's
`terms.yaml`; this module decides only the verdict and the reason (a key the templates phrase), from the
facts the section builders computed. Difference verdicts come from `nnlab.significance` through those
facts; a claim the build cannot test at its scale is "inconclusive", never "reproduced".
"""

from __future__ import annotations

from nnlab import significance as sig

REPRODUCED, NOT_REPRODUCED, INCONCLUSIVE = "reproduced", "not reproduced", "inconclusive"


def _t22(s: dict) -> tuple[str, str]:
    derivatives = [r for r in s["compared"] if r["name"].startswith("dL_dw")]
    if derivatives and all(r["agrees"] for r in derivatives):
        return REPRODUCED, "slip only" if s["wrong"] else "all agree"
    return NOT_REPRODUCED, "derivative wrong"


def _t23(s: dict) -> tuple[str, str]:
    init = [p for p in s["pairs"] if p["phase"] == "init"]
    if not init:
        return INCONCLUSIVE, "one activation"
    if not s["consistent"]:
        return NOT_REPRODUCED, "no gap"
    if any(p["cmp"]["verdict"] == sig.INCONCLUSIVE for p in init):
        return INCONCLUSIVE, "gap, one seed"
    return REPRODUCED, "gap"


def _comparison(cmp: dict, ours_agrees: bool) -> tuple[str, str]:
    """A claim that one thing beats another: reproduced only when our paired test finds the same
    winner, not reproduced when it finds the other one."""
    if cmp["verdict"] == sig.DIFFERS:
        return (REPRODUCED, "differs") if ours_agrees else (NOT_REPRODUCED, "reversed")
    return INCONCLUSIVE, cmp["reason"] or "within noise"


def _t24(s: dict) -> tuple[str, str]:
    f = s["facts"]
    if not f:
        return INCONCLUSIVE, "one loss"
    return _comparison(f, f["winner"]["loss"] == "cross_entropy")


def _t25(s: dict) -> tuple[str, str]:
    f = s["facts"]
    if not f:
        return INCONCLUSIVE, "no run"
    if s["claim_fits"]:
        return REPRODUCED, "settled"
    if f["still_falling"]:
        return NOT_REPRODUCED, "still falling"
    return NOT_REPRODUCED, "not settled"


def _t27_rises(s: dict) -> tuple[str, str]:
    steps = s["facts"]["steps"]
    if not steps:
        return INCONCLUSIVE, "one width"
    if any(st["verdict"] == sig.DIFFERS and st["gain"] < 0 for st in steps):
        return NOT_REPRODUCED, "falls"
    if s["facts"]["monotone"] and any(st["verdict"] == sig.DIFFERS for st in steps):
        return REPRODUCED, "rises"
    return INCONCLUSIVE, steps[0]["reason"] or "within noise"


def _t27_saturates(s: dict) -> tuple[str, str]:
    f = s["facts"]
    beyond = [st for st in f["steps"] if st["from"] >= 1000]
    if not beyond:
        return INCONCLUSIVE, "no wide widths"
    if any(st["verdict"] == sig.DIFFERS and st["gain"] > f["tolerance"] for st in beyond):
        return NOT_REPRODUCED, "still gains"
    if all(st["verdict"] == sig.NOISE for st in beyond):
        return REPRODUCED, "flat"
    return INCONCLUSIVE, next((st["reason"] for st in beyond if st["reason"]), "within noise")


def _t28(s: dict, original: dict) -> tuple[str, str]:
    f = s["facts"]
    if not f["epochs"]:
        return INCONCLUSIVE, "no run"
    if f["bottomed_out"] and f["rise"] > 0 and f["train_loss_falls"]:
        return REPRODUCED, "loss rises"
    if f["epochs"] < original.get("epochs", 0):
        return INCONCLUSIVE, "fewer epochs"
    return NOT_REPRODUCED, "no rise"


def _t29(s: dict) -> tuple[str, str]:
    f = s["facts"]
    failed = f["original_failed"]
    if not failed:
        return INCONCLUSIVE, "not run"
    ok = [r for r in failed if r["reproduces"] or r.get("inherits")]
    if len(ok) == len(failed):
        return REPRODUCED, "all fail" if all(r["reproduces"] for r in failed) else "inherited"
    return NOT_REPRODUCED, "some learn" if ok else "all learn"


def _t30(s: dict) -> tuple[str, str]:
    c = s["contrast"]
    if not c:
        return INCONCLUSIVE, "one dataset"
    return _comparison(c, c["larger_for_cifar"])


def _t31(s: dict) -> tuple[str, str]:
    f = s["facts"]
    if not f:
        return INCONCLUSIVE, "no run"
    return (REPRODUCED, "clusters") if f["separated"] else (NOT_REPRODUCED, "overlap")


def _t32(s: dict) -> tuple[str, str]:
    f = s["lg_facts"]
    iwae_ok = all(d["facts"]["monotone"] and d["facts"]["above_elbo"] for d in s["iwae"])
    if f and f["bounded"] and f["identity_holds"] and iwae_ok:
        return REPRODUCED, "bound holds"
    if f and not (f["bounded"] and f["identity_holds"]):
        return NOT_REPRODUCED, "bound broken"
    return INCONCLUSIVE, "no check"


def _t33(s: dict) -> tuple[str, str]:
    """CIFAR-10 generated worse than MNIST: its samples' normalised Fréchet distance larger beyond the
    noise, and MNIST's samples better than the per-pixel baseline ("it could")."""
    q = s.get("quality")
    if not q:
        return INCONCLUSIVE, "no image measure"
    if q["verdict"] != sig.DIFFERS:
        return INCONCLUSIVE, "images within noise"
    if q["diff"] < 0:
        return NOT_REPRODUCED, "images reversed"
    if not (q["mnist_vs_baseline"]["verdict"] == sig.DIFFERS and q["mnist_vs_baseline"]["diff"] < 0):
        return NOT_REPRODUCED, "mnist no better"
    return REPRODUCED, "images differ"


JUDGES = {
    "t22_backprop": (22, _t22),
    "t23_vanishing": (23, _t23),
    "t24_cross_entropy": (24, _t24),
    "t25_converged": (25, _t25),
    "t27_rises": (27, _t27_rises),
    "t27_saturates": (27, _t27_saturates),
    "t28_overfitting": (28, None),
    "t29_failures": (29, _t29),
    "t30_colour": (30, _t30),
    "t31_clusters": (31, _t31),
    "t32_bound": (32, _t32),
    "t33_generation": (33, _t33),
}


def claims(sections: dict, original: dict) -> list[dict]:
    """One row per claim of `original["claims"]` (id -> {section, words}) whose task has results:
    {id, task, section, words, verdict, reason}. A task without results gets no row (its section
    says "not run")."""
    rows = []
    for cid, claim in (original.get("claims") or {}).items():
        task, judge = JUDGES[cid]
        if task not in sections:
            continue
        s = sections[task]
        verdict, reason = _t28(s, original.get("task28", {})) if cid == "t28_overfitting" else judge(s)
        rows.append({"id": cid, "task": task, "section": claim["section"], "words": claim["words"],
                     "verdict": verdict, "reason": reason})  # fmt: skip
    return rows
