"""Is bfloat16 safe? The same runs in float32 and in bf16 (autocast), same seeds, real data.

    .venv/bin/python benchmarks/precision_accuracy.py [--tasks task24 task28 task25] [--seeds 1 2 3]
                                                      [--epochs N] [--out results/precision_accuracy.json]

Task 24's net and task 28's MLP on MNIST with config.yaml's settings (test accuracy), task 25's
regression (held-out grid RMSE), task 31's autoencoder (test loss) and task 33's MNIST VAE (test
ELBO). Epochs are config.yaml's except where that takes too long for a benchmark (SHORTER: task
28's MLP for 10 epochs, as tasks 29 and 30 train it, the autoencoder 10, the VAE 3). For each task it prints the metric per seed in both precisions, the mean difference bf16 - fp32
with its paired standard error over seeds, the seed-to-seed standard deviation of fp32, the
verdict (|difference| <= 2 paired standard errors, or within one seed sd when there is one seed)
and the epoch-time ratio fp32 / bf16. Takes about 20 minutes on 2 idle cores; `--epochs`
sets every run's epochs (the metric is then that of a shorter training).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
from pathlib import Path

import torch
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from nnlab.data import find_source, load_source  # noqa: E402
from nnlab.engine import ClassifierSettings, train_classifier  # noqa: E402
from nnlab.latent.autoencoder import AutoencoderSettings, train_autoencoder  # noqa: E402
from nnlab.precision import native_bf16  # noqa: E402
from nnlab.regression.train import RegressionSettings, make_data, train_regressor  # noqa: E402
from nnlab.vae.model import VAESettings, train_vae  # noqa: E402

DATA_DIR = Path(os.environ.get("NNLAB_DATA") or ROOT.parent / "shared" / "data")
THREADS = 2
SHORTER = {"task28": 10, "task31": 10, "task33": 3}
CPU = dict(device="cpu", threads=THREADS)
QUIET = lambda s: None  # noqa: E731 - the runs' log


def classifier(task: str, cfg: dict):
    c = cfg[task]
    spec, loss = c["model"], c.get("loss", "cross_entropy")
    if task == "task24":
        loss = "cross_entropy"  # the network later tasks build on

    def run(data, seed, precision, epochs):
        run = ClassifierSettings(model_spec=spec, loss=loss, optimizer=c["optimizer"], lr=c["lr"],
                                 epochs=epochs or c["epochs"], batch_size=c["batch_size"], seed=seed, precision=precision,
                                 **CPU)  # fmt: skip
        r = train_classifier(data, run, QUIET)
        return r.history[-1]["test_accuracy"], r.seconds

    return "test accuracy", run


def regression(cfg: dict):
    c = cfg["task25"]
    x, y = make_data(**c["data"])

    def run(_data, seed, precision, epochs):
        run = RegressionSettings(hidden=c["model"]["hidden"], activation=c["model"]["activation"],
                                 optimizer=c["optimizer"], lr=c["lr"], epochs=epochs or c["epochs"],
                                 batch_size=c["batch_size"], seed=seed, grid_size=c["grid"]["size"],
                                 grid_range=(c["data"]["low"], c["data"]["high"]), precision=precision, **CPU)  # fmt: skip
        r = train_regressor(x, y, run, QUIET)
        return r.errors["grid_rmse"], r.seconds

    return "grid RMSE", run


def autoencoder(cfg: dict):
    c = cfg["task31"]

    def run(data, seed, precision, epochs):
        run = AutoencoderSettings(hidden=c["model"]["hidden"], latent=c["model"]["latent"],
                                  activation=c["model"]["activation"], loss=c["loss"], optimizer=c["optimizer"],
                                  lr=c["lr"], epochs=epochs or c["epochs"], batch_size=c["batch_size"], seed=seed,
                                  precision=precision, **CPU)  # fmt: skip
        r = train_autoencoder(data, run, QUIET)
        return r.history[-1]["test_loss"], r.seconds

    return "test BCE", run


def vae(cfg: dict):
    c = cfg["task33"]
    d = c["datasets"]["mnist"]

    def run(data, seed, precision, epochs):
        run = VAESettings(latent_dim=c["model"]["latent_dim"], channels=c["model"]["channels"],
                          likelihood=d["likelihood"], lr=c["lr"], epochs=epochs or d["epochs"],
                          batch_size=c["batch_size"], seed=seed, precision=precision, **CPU)  # fmt: skip
        r = train_vae(data, run, QUIET)
        return r.history[-1]["test_elbo"], r.seconds

    return "test ELBO", run


TASKS = {
    "task24": lambda cfg: classifier("task24", cfg),
    "task28": lambda cfg: classifier("task28", cfg),
    "task25": regression,
    "task31": autoencoder,
    "task33": vae,
}


def compare(fp32: list[float], bf16: list[float]) -> dict:
    """Mean paired difference bf16 - fp32, its standard error, fp32's seed sd, and the verdict."""
    diffs = [b - f for f, b in zip(fp32, bf16)]
    mean = statistics.fmean(diffs)
    se = statistics.stdev(diffs) / math.sqrt(len(diffs)) if len(diffs) > 1 else float("nan")
    sd = statistics.stdev(fp32) if len(fp32) > 1 else float("nan")
    bound = 2 * se if len(diffs) > 1 else float("nan")
    return {"difference": mean, "paired_se": se, "fp32_seed_sd": sd, "within_noise": abs(mean) <= bound}


def main(argv=None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tasks", nargs="+", default=list(TASKS), choices=list(TASKS))
    ap.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3])
    ap.add_argument("--epochs", type=int, default=0, help="epochs per run (default: config.yaml's)")
    ap.add_argument("--out", default=str(ROOT / "results" / "precision_accuracy.json"))
    args = ap.parse_args(argv)
    if not native_bf16(torch.device("cpu")):
        print("note: this CPU has no native bf16 units: bf16 is emulated here (slow, same numbers)")
    cfg = yaml.safe_load((ROOT / "config.yaml").read_text())
    mnist = load_source(find_source("mnist", DATA_DIR))
    out = []
    for task in args.tasks:
        metric, run = TASKS[task](cfg)
        values, seconds = {}, {}
        for precision in ("fp32", "bf16"):
            values[precision], seconds[precision] = [], []
            for seed in args.seeds:
                value, secs = run(mnist, seed, precision, args.epochs or SHORTER.get(task, 0))
                values[precision].append(value)
                seconds[precision] += secs[1:] or secs  # epoch 1 includes warm-up
                print(f"{task} seed {seed} {precision}: {metric} {value:.5g}", flush=True)
        row = {"task": task, "metric": metric, "seeds": args.seeds, "epochs": args.epochs or SHORTER.get(task, "config"),
               "fp32": values["fp32"], "bf16": values["bf16"], **compare(values["fp32"], values["bf16"]),
               "speedup": statistics.median(seconds["fp32"]) / statistics.median(seconds["bf16"])}  # fmt: skip
        print(f"{task}: {metric} bf16 - fp32 = {row['difference']:+.5f} (paired se {row['paired_se']:.5f}, "
              f"fp32 seed sd {row['fp32_seed_sd']:.5f}) -> {'within' if row['within_noise'] else 'OUTSIDE'} "
              f"noise; epoch fp32/bf16 = {row['speedup']:.2f}x", flush=True)  # fmt: skip
        out.append(row)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=1))
    return out


if __name__ == "__main__":
    main()
