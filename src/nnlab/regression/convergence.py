"""Facts about per-epoch curves (task 25): when a loss settles, how much of its decrease is done by an epoch.

numpy only (no torch), so summary jobs run in the report environment.
"""

from __future__ import annotations

import math

import numpy as np

from nnlab.results import read_rows


def convergence(losses, tolerance: float = 0.05, claim_epoch: int = 10) -> dict:
    """Facts about when a loss curve (one value per epoch, epoch 1 first) settles.

    - settle_epoch: the first epoch from which every later value stays within `tolerance`
      (relative) of the final value: |L_t - L_end| <= tolerance * |L_end| for all t >= settle_epoch.
    - loss_at_claim, loss_final, ratio_claim_to_final: the loss at `claim_epoch` vs at the end.
    - linear_share_by_claim: the share of the total decrease done by `claim_epoch` on a linear
      scale, (L_1 - L_claim) / (L_1 - L_end) — what a plot with a linear y axis shows.
    - log_share_by_claim: the same on a log scale, (log L_1 - log L_claim) / (log L_1 - log L_end).
    - holds: the curve has settled (in the sense above) by `claim_epoch`.
    """
    L = np.asarray(losses, dtype=np.float64)
    if L.ndim != 1 or len(L) == 0:
        raise ValueError("convergence needs a non-empty 1-D loss curve")
    final = L[-1]
    outside = np.abs(L - final) > tolerance * abs(final)
    # the last epoch (1-based) outside the band; the curve has settled from the next one on
    settle = int(np.nonzero(outside)[0][-1]) + 2 if outside.any() else 1
    c = min(claim_epoch, len(L))
    at_claim = L[c - 1]
    lin_total = L[0] - final
    linear_share = (L[0] - at_claim) / lin_total if lin_total != 0 else float("nan")
    if L[0] > 0 and final > 0 and at_claim > 0 and L[0] != final:
        log_share = (math.log(L[0]) - math.log(at_claim)) / (math.log(L[0]) - math.log(final))
    else:
        log_share = float("nan")
    return {
        "tolerance": tolerance,
        "claim_epoch": c,
        "settle_epoch": settle,
        "loss_first": float(L[0]),
        "loss_at_claim": float(at_claim),
        "loss_final": float(final),
        "loss_min": float(L.min()),
        "min_epoch": int(L.argmin()) + 1,
        "ratio_claim_to_final": float(at_claim / final) if final != 0 else float("inf"),
        "linear_share_by_claim": float(linear_share),
        "log_share_by_claim": float(log_share),
        "holds": bool(settle <= c),
    }


def summarize_regression(final_csvs, history_csvs, tolerance: float = 0.05, claim_epoch: int = 10) -> list[dict]:
    """One row per run (task 25): its final metrics and the convergence facts of its train loss.

    Also the held-out grid RMSE at `claim_epoch` beside its final value.
    """
    rows = []
    for f, h in zip(final_csvs, history_csvs, strict=True):
        row = read_rows(f)[0]
        history = read_rows(h)
        if history:
            facts = convergence([r["train_loss"] for r in history], tolerance, claim_epoch)
            row |= facts
            row["grid_rmse_at_claim"] = history[facts["claim_epoch"] - 1]["grid_rmse"]
            row["claim_below_constant"] = facts["loss_at_claim"] < row["target_variance"]
        rows.append({k: int(v) if isinstance(v, bool) else v for k, v in row.items()})  # CSV: 0/1
    return rows
