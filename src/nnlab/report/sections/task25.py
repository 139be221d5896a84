"""Task 25 section: regression of a 2-D function; grid errors and a check of the convergence claim."""

from __future__ import annotations

import math

from nnlab.results import mean_std, read_rows

TASK = 25
TITLE = "Regression of a two-dimensional function"  # English; other languages translate it in report/<lang>/terms.yaml (tasks)
# The inputs without which the section cannot be built.
REQUIRED = ("task25_table", "task25_surface", "task25_loss")

DIP_MARGIN = 0.25  # relative difference of the grid RMSE inside vs outside the dip that counts as a difference


def reading_facts(ok: list[dict]) -> dict | None:
    """Errors and convergence facts over the finished runs of one reading (batch size); None without any."""
    facts = None
    if ok:
        stat = lambda key: mean_std([r[key] for r in ok])  # noqa: E731
        holds = [bool(r["holds"]) for r in ok]
        facts = {
            "runs": len(ok),
            "grid_rmse": stat("grid_rmse"),
            "grid_max_abs": stat("grid_max_abs"),
            "rmse_center": stat("grid_rmse_center"),
            "rmse_outer": stat("grid_rmse_outer"),
            "final_loss": stat("loss_final"),
            "claim_loss": stat("loss_at_claim"),
            "claim_grid_rmse": stat("grid_rmse_at_claim"),
            "ratio": stat("ratio_claim_to_final"),
            "linear_share": stat("linear_share_by_claim"),
            "log_share": stat("log_share_by_claim"),
            "settle_min": min(r["settle_epoch"] for r in ok),
            "settle_max": max(r["settle_epoch"] for r in ok),
            "epochs": max(r["epochs_run"] for r in ok),
            "claim_epoch": ok[0]["claim_epoch"],
            "tolerance": ok[0]["tolerance"],
            "holds": "all" if all(holds) else "none" if not any(holds) else "some",
            "holds_count": sum(holds),
            "variance": ok[0]["target_variance"],
            "above_constant": sum(1 for r in ok if not r["claim_below_constant"]),
            # still falling at the end: the minimum lies in the last tenth of the run
            "late_minimum": sum(1 for r in ok if r["min_epoch"] > 0.9 * r["epochs_run"]),
        }
        # a run still falling at the end whose loss only came within the tolerance of its last value in
        # the last tenth has not settled: that "settling epoch" only measures the run's length
        facts["still_falling"] = any(
            r["min_epoch"] > 0.9 * r["epochs_run"] and r["settle_epoch"] > 0.9 * r["epochs_run"] for r in ok
        )
        # where the fit is worse: inside the central dip or outside, when they differ by more than DIP_MARGIN
        c, o = facts["rmse_center"][0], facts["rmse_outer"][0]
        facts["dip"] = "harder" if c > (1 + DIP_MARGIN) * o else "easier" if o > (1 + DIP_MARGIN) * c else "similar"
        facts["dip_margin"] = DIP_MARGIN
        # the run "looks converged" on a linear axis when most of the decrease is done by the claim epoch
        facts["looks_flat"] = facts["linear_share"][0] >= 0.8
    return facts


def build(inputs: dict, cfg: dict, original: dict, rel) -> dict:
    """`inputs`: task25_table, task25_surface, task25_loss; `cfg`: config["task25"].

    The table has a row per run of every reading of the original's "batch の数は 100" (batch size
    `cfg["batch_size"]`, the main reading, and `cfg["alt_batch_sizes"]`); the figures and the main
    facts are the main reading's, `readings` holds each reading's convergence facts side by side.
    """
    rows = read_rows(inputs["task25_table"])
    main = cfg["batch_size"]
    for r in rows:
        r.setdefault("batch_size", main)  # tables from before the readings have the main one only
    sizes = [main, *(b for b in cfg.get("alt_batch_sizes", []) if b != main)]
    readings = []
    for b in sizes:
        mine = [r for r in rows if r["batch_size"] == b]
        if mine:
            ok = [r for r in mine if r["status"] == "ok"]
            steps = math.ceil(cfg["data"]["n"] / b)
            readings.append({"batch_size": b, "steps": steps, "main": b == main, "runs": len(mine),
                             "facts": reading_facts(ok)})  # fmt: skip
    facts = reading_facts([r for r in rows if r["status"] == "ok" and r["batch_size"] == main])
    fits = [g for g in readings if g["facts"] and g["facts"]["holds"] == "all"]
    return {
        "setup": cfg,
        "widths": "-".join(map(str, [2, *cfg["model"]["hidden"], 1])),
        "rows": rows,
        "diverged": sum(1 for r in rows if r["status"] != "ok" and r["batch_size"] == main),
        "facts": facts,
        "readings": readings,
        "claim_fits": fits,
        "original": original,
        "figures": {"surface": rel(inputs["task25_surface"]), "loss": rel(inputs["task25_loss"])},
    }


def headline(s: dict, terms: dict) -> dict:
    """The task at a glance (the results page): the final training loss and when it settled."""
    f = s["facts"]
    mean, sd = f["final_loss"]
    # a run still falling at its end has no settling epoch: that number would only measure its length
    when = "still falling at the end" if f["still_falling"] else f"settled at epoch {f['settle_min']}–{f['settle_max']}"
    return {"what": f"training MSE after {f['epochs']} epochs ({when})",
            "text": f"{mean:.4g}" + (f" ± {sd:.2g}" if f["runs"] > 1 else "")}  # fmt: skip
