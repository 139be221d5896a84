"""Learning curves averaged over seeds (task 28). The convergence facts of task 25's loss curves are
in nnlab.regression.convergence.

No torch, so summary jobs run in the report environment.
"""

from __future__ import annotations

from nnlab.results import HISTORY_FIELDS, mean_std, read_rows

METRICS = HISTORY_FIELDS[1:]


def mean_curve(history_csvs: list) -> list[dict]:
    """One row per epoch that every run reached: `runs`, and `<metric>_mean`/`_std` over the runs.

    A run that diverged stops early, so the curve covers the epochs all runs have.
    """
    runs = [read_rows(p) for p in history_csvs]
    n = min((len(r) for r in runs), default=0)
    out = []
    for i in range(n):
        row = {"epoch": runs[0][i]["epoch"], "runs": len(runs)}
        for m in METRICS:
            row[f"{m}_mean"], row[f"{m}_std"] = mean_std([r[i][m] for r in runs])
        out.append(row)
    return out


CURVE_FIELDS = ["epoch", "runs"] + [f"{m}_{s}" for m in METRICS for s in ("mean", "std")]
