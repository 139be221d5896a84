"""Task 29 section: six optimisers at the original's settings, a learning-rate sweep, and whether the
original's constant-prediction failures (FTRL, RMSProp at 0.1135) reproduce."""

from __future__ import annotations

import math

from nnlab import significance as sig
from nnlab.report import networks
from nnlab.report.discussion import compare, run_predictions, versus_original
from nnlab.results import read_rows

TASK = 29
TITLE = "Optimisers"  # English; other languages translate it in report/<lang>/terms.yaml (tasks)
# The inputs without which the section cannot be built (optional: each run's per-image predictions).
REQUIRED = ("task29_table", "task29_sweep", "task29_predictions", "task29_curves", "task29_sweep_figure")

CONSTANT = 0.9  # a run "predicts one class" when one class takes at least this share of the test images
FAILED = 0.2  # an original accuracy below this is a failure (chance is 0.1)
# A row of ours agrees with the original's Table 3 when within a point of it (about what a change of
# framework moves these nets) or when the significance helper judges the difference within noise.
AGREE = 0.01


def _nan(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def protocol_match(rows: list[dict], prefix: str, n: int | None = None) -> dict:
    """How well one protocol's rows (`prefix` "" fresh, "seq_" sequential) reproduce the original's:
    per row the difference and whether it is within `AGREE` plus twice the seed spread (a failed
    original row also agrees when ours predicts one class, whatever the class); in all, the count of
    agreeing rows and the mean absolute difference."""
    scored = []
    for r in rows:
        if r["original"] is None or r[f"{prefix}runs"] == 0:
            continue
        mean, std = r[f"{prefix}test_accuracy_mean"], r[f"{prefix}test_accuracy_std"]
        share = r[f"{prefix}top_class_share_min"]
        constant = not _nan(share) and share >= CONSTANT
        diff = None if _nan(mean) else mean - r["original"]
        vs = (
            versus_original(mean, 0.0 if _nan(std) else std, r[f"{prefix}runs"], r["original"], n)
            if diff is not None
            else None
        )
        agrees = diff is not None and (abs(diff) <= AGREE or vs["verdict"] == sig.NOISE)
        agrees = agrees or (r["original_failed"] and constant)
        r[f"{prefix}constant"], r[f"{prefix}delta"], r[f"{prefix}agrees"] = constant, diff, agrees
        scored.append(r)
    diffs = [abs(r[f"{prefix}delta"]) for r in scored if r[f"{prefix}delta"] is not None]
    return {
        "rows": len(scored),
        "agree": sum(1 for r in scored if r[f"{prefix}agrees"]),
        "mean_abs": sum(diffs) / len(diffs) if diffs else float("nan"),
    }


def sequential_facts(rows: list[dict], n: int | None = None) -> dict | None:
    """Fresh vs sequential protocol beside the original: which reproduces it, and whether the rows
    after a failed one inherit its failure (constant in the sequential protocol, learning when fresh)."""
    if not rows or not any(r["seq_runs"] for r in rows):
        return None
    fresh, seq = protocol_match(rows, "", n), protocol_match(rows, "seq_", n)
    better = (
        "sequential" if (seq["agree"], -seq["mean_abs"]) > (fresh["agree"], -fresh["mean_abs"])
        else "fresh" if (fresh["agree"], -fresh["mean_abs"]) > (seq["agree"], -seq["mean_abs"])
        else "neither"
    )  # fmt: skip
    first_failed = next((i for i, r in enumerate(rows) if r["original_failed"]), len(rows))
    before = [r["seq_test_accuracy_mean"] for r in rows[:first_failed]]
    after_failure = []
    for i, r in enumerate(rows):
        if i > first_failed and r["original_failed"]:
            r["inherits"] = r["seq_constant"] and not r["constant"]
            after_failure.append(r)
    return {
        "fresh": fresh,
        "sequential": seq,
        "better": better,
        # "rows": more rows agree; "mean": as many agree, the mean difference decides (a weaker verdict)
        "better_by": "rows" if seq["agree"] != fresh["agree"] else "mean",
        "rising": len(before) > 1 and all(b > a for a, b in zip(before, before[1:])),
        "rising_rows": rows[:first_failed],
        "first_failed": rows[first_failed] if first_failed < len(rows) else None,
        "after_failure": after_failure,
    }


def build(inputs: dict, cfg: dict, original: dict, rel) -> dict:
    """`inputs`: task29_table, task29_sweep and the three figures; `cfg`: config["task29"]."""
    rows = read_rows(inputs["task29_table"])
    correct = run_predictions(inputs, "task29_run_predictions_")  # optimiser -> per-seed correctness
    n = next((len(runs[0]) for runs in correct.values() if runs), None)
    sweep = read_rows(inputs["task29_sweep"])
    for r in rows:
        opt = r["optimizer"]
        r["original"] = original.get(opt) if opt != "epochs" else None
        r["all_diverged"] = r["runs"] == r["diverged"]
        r["delta"] = None if r["original"] is None or r["all_diverged"] else r["test_accuracy_mean"] - r["original"]
        r["constant"] = not _nan(r["top_class_share_min"]) and r["top_class_share_min"] >= CONSTANT
        r["original_failed"] = r["original"] is not None and r["original"] < FAILED
        r["options"] = cfg.get("options", {}).get(opt, {})
        r["sweep_rows"] = [s for s in sweep if s["optimizer"] == opt]
        r["loss_gap"] = abs(r["test_loss_mean"] - r["label_entropy"]) if not r["all_diverged"] else None
        r["best_is_original"] = not _nan(r["best_lr"]) and r["best_lr"] == r["lr"]
        r["seq_runs"] = r.get("seq_runs") or 0  # tables written without the sequential protocol lack it
        # set by protocol_match / sequential_facts for the rows they score
        r.update(agrees=False, seq_agrees=False, seq_constant=False, seq_delta=None, inherits=False)
    ok = [r for r in rows if not r["all_diverged"]]
    label_top_share = rows[0]["label_top_share"] if rows else float("nan")
    facts: dict = {
        "constant": [r for r in rows if r["constant"]],
        "diverged": [r for r in rows if r["diverged"]],
        "original_failed": [r for r in rows if r["original_failed"]],
        "label_top_class": rows[0]["label_top_class"] if rows else None,
        "label_top_share": label_top_share,
        "label_entropy": rows[0]["label_entropy"] if rows else float("nan"),
        "sweep_diverged": sum(1 for s in sweep if s["diverged"]),
        "sweep_settings": len(sweep),
    }
    failed_values = {r["original"] for r in facts["original_failed"]}
    facts["original_failed_value"] = failed_values.pop() if len(failed_values) == 1 else None
    v = facts["original_failed_value"]
    facts["failure_is_top_label_share"] = (
        v is not None and not _nan(label_top_share) and abs(v - label_top_share) < 5e-5
    )
    for r in facts["original_failed"]:
        r["reproduces"] = r["constant"]
        r["rescued"] = not _nan(r["best_val_accuracy_mean"]) and r["best_val_accuracy_mean"] >= 0.5
    facts["reproduced"] = [r for r in facts["original_failed"] if r["reproduces"]]
    facts["not_reproduced"] = [r for r in facts["original_failed"] if not r["reproduces"]]
    if ok:
        ranked = sorted(ok, key=lambda r: -r["test_accuracy_mean"])
        facts["ranked"] = ranked
        facts["winner"] = ranked[0]
        facts["winner_vs"] = None
        if len(ranked) > 1:
            first, second = ranked[0]["optimizer"], ranked[1]["optimizer"]
            facts["runner_up"] = compare(ranked[0], ranked[1], n=n, correct=(correct.get(first), correct.get(second)))
        done = [
            o for o in original if o != "epochs" and original[o] is not None and o in {r["optimizer"] for r in rows}
        ]
        if done:
            orig_winner = max(done, key=lambda o: original[o])
            facts["original_winner"] = orig_winner
            facts["same_winner"] = orig_winner == ranked[0]["optimizer"]
            # the headline: our best accuracy against the original's best
            w = ranked[0]
            facts["winner_vs"] = versus_original(
                w["test_accuracy_mean"], w["test_accuracy_std"], w["runs"] - w["diverged"], original[orig_winner], n
            )
    facts["protocols"] = sequential_facts(rows, n)
    # the scale's reduction that bears on every comparison with the original's Table 3
    facts["epochs"], facts["original_epochs"] = cfg["epochs"], original.get("epochs")
    facts["protocols_tolerance"] = AGREE
    swept = [r for r in rows if r["sweep_rows"]]
    facts["swept"] = swept
    facts["improved"] = [
        r for r in swept
        if not r["best_is_original"] and not _nan(r["original_lr_val_accuracy_mean"])
        and r["best_val_accuracy_mean"] - r["original_lr_val_accuracy_mean"] > 0.005
    ]  # fmt: skip
    if swept:
        best = max(
            (r for r in swept if not _nan(r["best_val_accuracy_mean"])),
            key=lambda r: r["best_val_accuracy_mean"],
            default=None,
        )
        facts["sweep_winner"] = best
    return {
        "setup": cfg,
        "model": networks.mlp(cfg["model"], 784, 10),
        "seeds": len(cfg["seeds"]),
        "sweep_seeds": len(cfg["sweep"]["seeds"]),
        "rows": rows,
        "sweep": sweep,
        "facts": facts,
        "constant_threshold": CONSTANT,
        "figures": {
            "predictions": rel(inputs["task29_predictions"]),
            "curves": rel(inputs["task29_curves"]),
            "sweep": rel(inputs["task29_sweep_figure"]),
        },
    }


def original_numbers(s: dict, terms: dict) -> list[dict]:
    """Each of the original's numbers beside ours: what, our summary row, its test images."""
    n = (s["facts"].get("winner_vs") or {}).get("n")
    return [{"what": f"test accuracy, {terms['optimizers'][r['optimizer']]}", "row": r, "n": n}
            for r in s["rows"] if not r["all_diverged"]]  # fmt: skip


def headline(s: dict, terms: dict) -> dict:
    """The task at a glance (the results page): Adam, the original's best."""
    adam = next((x for x in original_numbers(s, terms) if x["row"]["optimizer"] == "adam"), None)
    name = terms["optimizers"]["adam"]
    if adam is None:
        return {"what": f"test accuracy, {name}", "text": "–"}
    return adam | {"what": f"test accuracy, {name} (the original's best)"}


def why(s: dict, row: dict, terms: dict) -> list[str]:
    """What this section's facts say of a row that differs from the original's: the other protocol."""
    if not row.get("seq_runs"):
        return []
    agrees = "sequential agrees" if row["seq_agrees"] else "sequential differs"
    return [terms["why"][agrees].format(accuracy=f"{row['seq_test_accuracy_mean']:.4f}")]
