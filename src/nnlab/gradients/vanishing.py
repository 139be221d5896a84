"""Task 23: aggregate the per-layer gradient norms over seeds and their ratios (the figure: `figures`).

No torch here (it runs in the report environment). Norms span orders of magnitude, so seeds are
averaged on the log scale: `log10_*_mean/std` are over seeds, `*_gmean` the geometric means.
"""

from __future__ import annotations

import math
import statistics

from nnlab.results import mean_std, read_rows


def _log10(v: float) -> float:
    return math.log10(v) if v > 0 and math.isfinite(v) else float("nan")


def hidden_factor(norms: dict[int, float], depth: int) -> float:
    """Per-layer factor of the gradient norm across the hidden-to-hidden layers 2..depth.

    Least-squares slope b of log10 ‖∂L/∂W_l‖ against l over l = 2..depth; the factor 10^(-b) is
    what one layer multiplies the norm by on the way back towards the input (< 1: it shrinks).
    """
    ls = list(range(2, depth + 1))
    ys = [_log10(norms[l]) for l in ls]
    if len(ls) < 2 or any(math.isnan(y) for y in ys):
        return float("nan")
    slope = statistics.linear_regression(ls, ys).slope
    return 10 ** (-slope)


def load_runs(final_csvs: list, norms_csvs: list) -> list[dict]:
    """One dict per run: its labels and status from final.csv, its norms by phase and layer."""
    runs = []
    for f, n in zip(final_csvs, norms_csvs, strict=True):
        run = read_rows(f)[0]
        run["norms"], run["spectral"] = {}, {}
        for r in read_rows(n):
            run["norms"].setdefault(r["phase"], {})[r["layer"]] = r["grad_norm"]
            run["spectral"].setdefault(r["phase"], {})[r["layer"]] = r["weight_spectral"]
        runs.append(run)
    return runs


def summarize(final_csvs: list, norms_csvs: list) -> tuple[list[dict], list[dict]]:
    """(per-layer table, per-configuration ratios) over seeds, for each activation, depth, phase."""
    groups: dict[tuple, list[dict]] = {}
    for run in load_runs(final_csvs, norms_csvs):
        groups.setdefault((run["activation"], run["depth"]), []).append(run)
    layers_rows, ratio_rows = [], []
    for (activation, depth), runs in groups.items():
        ok = [r for r in runs if r["status"] == "ok"]
        acc = mean_std([r["final_test_accuracy"] for r in ok])
        init_acc = mean_std([r["init_test_accuracy"] for r in runs])
        for phase in ("init", "trained"):
            use = runs if phase == "init" else ok
            for layer in range(1, depth + 2):
                m, s = mean_std([_log10(r["norms"][phase][layer]) for r in use])
                layers_rows.append(
                    {
                        "activation": activation, "depth": depth, "phase": phase, "layer": layer, "runs": len(use),
                        "log10_grad_norm_mean": m, "log10_grad_norm_std": s, "grad_norm_gmean": 10**m,
                    }
                )  # fmt: skip
            first = mean_std([_log10(r["norms"][phase][1]) for r in use])
            out = mean_std([_log10(r["norms"][phase][depth + 1]) for r in use])
            ratio = mean_std([_log10(r["norms"][phase][1] / r["norms"][phase][depth + 1]) for r in use])
            factor = mean_std([_log10(hidden_factor(r["norms"][phase], depth)) for r in use])
            # geometric mean over the hidden-to-hidden layers 2..depth and seeds of ‖W_l‖_2
            spectral = mean_std(
                [statistics.fmean(_log10(r["spectral"][phase][l]) for l in range(2, depth + 1)) for r in use]
            )
            ratio_rows.append(
                {
                    "activation": activation,
                    "depth": depth,
                    "phase": phase,
                    "runs": len(runs),
                    "diverged": len(runs) - len(ok),
                    "first_grad_norm_gmean": 10 ** first[0],
                    "output_grad_norm_gmean": 10 ** out[0],
                    "ratio_first_output_gmean": 10 ** ratio[0],
                    "log10_ratio_mean": ratio[0],
                    "log10_ratio_std": ratio[1],
                    "hidden_factor_gmean": 10 ** factor[0],
                    "log10_hidden_factor_std": factor[1],
                    "weight_spectral_gmean": 10 ** spectral[0],
                    "init_test_accuracy_mean": init_acc[0],
                    "test_accuracy_mean": acc[0],
                    "test_accuracy_std": acc[1],
                }
            )
    key = lambda r: (r["depth"], r["activation"], r["phase"])
    return sorted(layers_rows, key=lambda r: (*key(r), r["layer"])), sorted(ratio_rows, key=key)
