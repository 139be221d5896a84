"""Facts for discussion text, computed from results (the templates only phrase them)."""

from __future__ import annotations

import math


def compare(a: dict, b: dict, metric: str = "test_accuracy") -> dict:
    """Compare two summary rows (mean, std, runs) on `metric`: who wins, by how much, beyond noise?

    The difference counts as real when it exceeds twice its standard error
    sqrt(s_a^2/n_a + s_b^2/n_b) (about a 95% two-sided interval). With one seed per side there
    is no noise estimate, and the facts say so.
    """
    ma, mb = a[f"{metric}_mean"], b[f"{metric}_mean"]
    sa, sb = a[f"{metric}_std"], b[f"{metric}_std"]
    na, nb = a["runs"] - a.get("diverged", 0), b["runs"] - b.get("diverged", 0)
    winner, loser = (a, b) if ma >= mb else (b, a)
    diff = abs(ma - mb)
    if min(na, nb) < 2:
        se, verdict = float("nan"), "unknown"
    else:
        se = math.sqrt(sa**2 / na + sb**2 / nb)
        verdict = "significant" if diff > 2 * se else "within noise"
    return {"winner": winner, "loser": loser, "diff": diff, "se": se, "verdict": verdict}


def versus_original(mean: float, std: float, runs: int, original: float | None) -> dict | None:
    """Our mean over `runs` seeds against the original's single number: does it agree within noise?

    The original ran once, so its own seed noise is taken to be ours: the difference has standard
    error std * sqrt(1 + 1/runs), and it agrees when within twice that ("agrees"), else "differs".
    With one seed there is no noise estimate ("unknown"). None without an original number.
    """
    if original is None or mean is None or math.isnan(mean):
        return None
    diff = mean - original
    if runs < 2:
        return {"ours": mean, "std": std, "original": original, "diff": diff, "se": float("nan"), "verdict": "unknown"}
    se = std * math.sqrt(1 + 1 / runs)
    verdict = "agrees" if abs(diff) <= 2 * se else "differs"
    return {"ours": mean, "std": std, "original": original, "diff": diff, "se": se, "verdict": verdict}
