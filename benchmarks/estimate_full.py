"""Expected run time of the full config, from a smaller build's measured epoch times.

    python benchmarks/estimate_full.py [--results results] [--overlay scales/quick.yaml] [--measure N]

A full build takes many hours on a 2-core CPU; a quick one minutes. Every training run of a build
writes its seconds per epoch (`timing.csv`) and every job its Snakemake `benchmark:` file. This
script takes the median epoch time of each kind of run in the built tree and multiplies it by the
runs and epochs `config.yaml` asks for; the other jobs (data, plots, report) count as measured,
except task 32's importance-sampled bound and task 23's gradient measurement, scaled by their work.
Prints a Markdown table (the README's). Runs of a kind the build did not train (e.g. width 100000
in the quick scale) are scaled from the nearest measured kind by weight count, and say so; with
`--measure N` they (and task 30's nets that the build trained smaller) are instead timed here for
N batches of the full config's network on the build's cached data, and scaled to an epoch.
Snakemake runs (CPUs / `threads`) training jobs at once: the printed wall time is the sum of the
job times over that number, and `--measure` times as many copies side by side.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "workflow" / "lib"))

from nnlab_workflow.tasks import t27_membw  # noqa: E402

from nnlab.config import overlay  # noqa: E402


def epoch_seconds(results: Path, pattern: str) -> float | None:
    """Median seconds per epoch over the matching runs (first epochs left out when there are more:
    they include one-off warm-up)."""
    seconds = []
    for f in sorted(results.glob(pattern + "/timing.csv")):
        rows = [float(r["seconds"]) for r in csv.DictReader(f.open())]
        seconds += rows[1:] if len(rows) > 1 else rows
    return statistics.median(seconds) if seconds else None


def training_runs(cfg: dict):
    """(task, what, timing folder pattern, runs, epochs) for every training run of `cfg`."""
    t = cfg["task24"]
    yield 24, "2 losses", "task24/*/seed*", len(t["losses"]) * len(t["seeds"]), t["epochs"]
    t = cfg["task25"]
    for b in dict.fromkeys([t["batch_size"], *t["alt_batch_sizes"]]):  # each reading of the batch count
        yield 25, f"regression, batch {b}", f"task25/batch{b}/seed*", len(t["seeds"]), t["epochs"]
    t = cfg["task27"]
    for w in t["widths"]:
        yield 27, f"width {w}", f"task27/w{w}/seed*", len(t["seeds"]), t["epochs_by_width"].get(w, t["epochs"])
    t = cfg["task28"]
    yield 28, "MLP", "task28/seed*", len(t["seeds"]), t["epochs"]
    t = cfg["task29"]
    for opt in t["optimizers"]:
        yield 29, opt, f"task29/test/{opt}/*/seed*", len(t["seeds"]), t["epochs"]
    if "sequential" in t["protocols"]:  # one job per seed, a stage per optimiser
        for opt in t["optimizers"]:
            yield 29, f"sequential {opt}", f"task29/sequential/seed*/{opt}", len(t["seeds"]), t["epochs"]
    s = t["sweep"]
    for opt in s["optimizers"]:  # validation runs train on 55000 images instead of 60000: same cost within 10%
        yield 29, f"sweep {opt}", f"task29/*/{opt}/*/seed*", len(s["lrs"][opt]) * len(s["seeds"]), s["epochs"]
    t = cfg["task30"]
    for ds in t["datasets"]:
        for model in t["models"]:
            yield 30, f"{ds} {model}", f"task30/{ds}/{model}/seed*", len(t["seeds"]), t["epochs"][ds][model]
    t = cfg["task31"]
    yield 31, "autoencoder", "task31/ae/seed*", len(t["seeds"]), t["epochs"]
    for ds, d in cfg["task33"]["datasets"].items():
        yield 33, f"VAE {ds}", f"task33/{ds}", 1, d["epochs"]


def other_jobs(results: Path, full: dict, built: dict) -> dict[int | str, float]:
    """Seconds of the non-training jobs as measured, by task; two scaled by their work."""
    out: dict[int | str, float] = {}
    for tsv in (results / "benchmarks").glob("*/*.tsv"):
        rule = tsv.parent.name
        if rule.startswith("train_"):
            continue
        seconds = float(next(csv.DictReader(tsv.open(), delimiter="\t"))["s"])
        if rule == "iwae_task32":  # cost grows with images x sum of K
            f, b = full["task32"]["iwae"], built["task32"]["iwae"]
            seconds *= f["n_images"] * sum(f["ks"]) / (b["n_images"] * sum(b["ks"]))
        if rule == "quality_task33":  # features, FD and the bootstrap grow with the images per set
            seconds *= full["task33"]["quality"]["n_images"] / built["task33"]["quality"]["n_images"]
        if rule == "gradnorms_task23":  # one job per activation, depth and seed, cost ~ depth x samples
            f, b = full["task23"], built["task23"]
            seconds *= (
                sum(f["depths"])
                * len(f["seeds"])
                * f["measure_samples"]
                / (sum(b["depths"]) * len(b["seeds"]) * b["measure_samples"])
            )
        task = next((int(p[4:]) for p in rule.split("_") if p.startswith("task")), "workflow")
        out[task] = out.get(task, 0.0) + seconds
    return out


def estimate(results: Path, full: dict, built: dict) -> list[dict]:
    rows = [dict(task=task, what=what, runs=runs, epochs=epochs, sec=epoch_seconds(results, pattern), note="")
            for task, what, pattern, runs, epochs in training_runs(full)]  # fmt: skip
    widths = {int(r["what"].split()[1]): r for r in rows if r["task"] == 27}
    measured = [w for w, r in widths.items() if r["sec"] is not None]
    for w, r in widths.items():
        if r["sec"] is None and measured:  # scale the widest measured width by weight count
            w0 = max(measured)
            r["sec"], r["note"] = widths[w0]["sec"] * w / w0, f"scaled from width {w0}"
    arch_full, arch_built = full["task30"]["architectures"], built["task30"]["architectures"]
    for r in rows:
        if r["task"] == 30:
            ds, model = r["what"].split()
            if arch_full[model][ds] != arch_built[model][ds]:
                r["note"] = "smaller net measured: an underestimate"
    return rows


def measure_epoch(results: Path, dataset: str, run: dict, batches: int) -> float:
    """Seconds of one full epoch of `run` (train_classifier settings), from an epoch of `batches`
    batches and a test set of the same share, timed after a warm-up epoch and scaled up."""
    from nnlab.data import Dataset, load_cache
    from nnlab.engine import ClassifierSettings, train_classifier

    ds = load_cache(results / "data" / f"{dataset}.npz")
    n = min(len(ds.y_train), batches * run["batch_size"])
    share = n / len(ds.y_train)
    m = max(1, round(len(ds.y_test) * share))
    small = Dataset(ds.name, ds.x_train[:n], ds.y_train[:n], ds.x_test[:m], ds.y_test[:m], ds.classes)
    r = train_classifier(small, ClassifierSettings(**run, epochs=2, seed=1), log=lambda s: None)
    return r.seconds[1] / share


def measure_side_by_side(results: Path, dataset: str, run: dict, batches: int, jobs: int) -> float:
    """measure_epoch in `jobs` processes at once (the mean), as the build runs `jobs` jobs side by
    side: a net timed alone would look faster than it trains there."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(jobs) as pool:
        times = list(pool.map(measure_epoch, *zip(*[(results, dataset, run, batches)] * jobs)))
    return statistics.mean(times)


def measure_unbuilt(results: Path, rows: list[dict], full: dict, batches: int) -> None:
    """Replace the scaled or smaller-net estimates of tasks 27 and 30 by timings of the full nets."""
    common = dict(device="cpu", threads=full["threads"], precision=full["precision"])
    for r in rows:
        if not r["note"]:
            continue
        if r["task"] == 27:
            t = full["task27"]
            spec = {"kind": "mlp", "hidden": [int(r["what"].split()[1])], "activation": t["activation"]}
            run = dict(model_spec=spec, loss=t["loss"], optimizer=t["optimizer"], lr=t["lr"],
                       batch_size=t["batch_size"], eval_batch_size=t["eval_batch_size"], **common)  # fmt: skip
            dataset = t["dataset"]
        elif r["task"] == 30:
            t = full["task30"]
            dataset, model = r["what"].split()
            run = dict(model_spec=t["architectures"][model][dataset], loss=t["loss"], optimizer=t["optimizer"],
                       lr=t["lr"], batch_size=t["batch_size"], **common)  # fmt: skip
        else:
            continue
        jobs = concurrent_jobs(full)
        r["sec"] = measure_side_by_side(results, dataset, run, batches, jobs)
        r["note"] = f"full net timed over {batches} batches" + (f", {jobs} side by side" if jobs > 1 else "")


def concurrent_jobs(cfg: dict, cores: int | None = None) -> int:
    """Training jobs at once when Snakemake gets this machine's CPUs as --cores."""
    return max(1, (cores or os.cpu_count() or 1) // cfg["threads"])


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", default=str(ROOT / "results"), help="a built tree (any scale)")
    ap.add_argument("--overlay", default=str(ROOT / "scales/quick.yaml"), help="the overlay it was built with")
    ap.add_argument("--measure", type=int, default=0, metavar="N",
                    help="time the full nets the build did not train over N batches (instead of scaling)")  # fmt: skip
    args = ap.parse_args(argv)
    full = yaml.safe_load((ROOT / "config.yaml").read_text())
    built = overlay(full, yaml.safe_load(Path(args.overlay).read_text()) or {})
    results = Path(args.results)
    rows = estimate(results, full, built)
    if args.measure:
        measure_unbuilt(results, rows, full, args.measure)
    others = other_jobs(results, full, built)
    print("| task | runs | runs × epochs | s/epoch (measured) | hours |\n| --- | --- | --- | --- | --- |")
    total = 0.0
    for task in sorted({r["task"] for r in rows} | {t for t in others if isinstance(t, int)}):
        parts = [r for r in rows if r["task"] == task]
        hours = sum(r["runs"] * r["epochs"] * (r["sec"] or 0) for r in parts) / 3600 + others.get(task, 0) / 3600
        total += hours
        for r in parts:
            sec = "not measured" if r["sec"] is None else f"{r['sec']:.2f}" + (f" ({r['note']})" if r["note"] else "")
            print(f"| {task} | {r['what']} | {r['runs']} × {r['epochs']} | {sec} | |")
        print(
            f"| **{task}** | all jobs{' (incl. ' + format(others.get(task, 0), '.0f') + ' s other)' if task in others else ''} | | | **{hours:.2f}** |"
        )
    rest = others.get("workflow", 0.0) / 3600
    jobs = concurrent_jobs(full)
    print(f"| | data, report | | | {rest:.2f} |\n| | **sum of job times** | | | **{total + rest:.1f}** |")
    # Jobs run `jobs` at a time, so the wall time is about the sum over `jobs`: the build's own
    # epoch times were measured side by side in the same way. The jobs that claim `membw` run one
    # at a time (profiles/default), so the wall time is at least their sum.
    streamed = sum(r["runs"] * r["epochs"] * (r["sec"] or 0) for r in rows if r["task"] == 27
                   and t27_membw(r["what"].split()[1])) / 3600  # fmt: skip
    print(f"| | jobs claiming `membw` (one at a time) | | | {streamed:.1f} |")
    wall = max((total + rest) / jobs, streamed)
    print(f"| | **wall time, {jobs} jobs at a time** | | | **{wall:.1f}** |")


if __name__ == "__main__":
    main()
