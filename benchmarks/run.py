"""Performance benchmarks: ratios measured in one process, printed as a table and written to
results/benchmarks.json as [{name, value, unit, target, ok}].

    make bench          (or: .venv/bin/python benchmarks/run.py [--quick])

1. engine vs baseline: training throughput of nnlab's engine (whole dataset as tensors on the
   device, per-batch normalisation, seeded shuffles) over the usual PyTorch pipeline (torchvision
   dataset + ToTensor/Normalize transforms + DataLoader) on the same model, batch and threads.
2. roofline: achieved FLOP/s of a full training step (forward, backward, Adam) over the FLOP/s of
   plain torch.mm on the same matrix sizes, measured in the same process.
3. workflow overhead: a dry run and a no-op run of Snakemake, and per-job start-up (imports and
   data load) against a job's training time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import torch
from torch import nn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from nnlab.data import find_source, load_source  # noqa: E402
from nnlab.data.synthetic import make_synthetic  # noqa: E402
from nnlab.engine import train_classifier  # noqa: E402
from nnlab.models import build_model  # noqa: E402

THREADS = 2
BATCH = 128
DATA_DIR = Path(os.environ.get("NNLAB_DATA") or ROOT.parent / "shared" / "data")
MODELS = {
    "task24": {"kind": "mlp", "hidden": []},
    "task28": {"kind": "mlp", "hidden": [1024, 256, 256]},
}


def mnist():
    """Real MNIST when present (the baseline then reads it through torchvision), else synthetic."""
    if (DATA_DIR / "MNIST" / "raw").is_dir():
        return load_source(find_source("mnist", DATA_DIR)), True
    return make_synthetic("mnist", 60000, 10000, seed=0), False


def unpacked_mnist() -> Path:
    """torchvision's MNIST wants the unpacked IDX files; the shared folder holds .gz (read-only)."""
    import gzip
    import shutil

    root = ROOT / "results" / "bench-data"
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for gz in (DATA_DIR / "MNIST" / "raw").glob("*.gz"):
        target = raw / gz.stem
        if not target.exists():
            with gzip.open(gz) as f, open(target, "wb") as out:
                shutil.copyfileobj(f, out)
    return root


def subset(ds, n_train, n_test=1000):
    from nnlab.data import Dataset

    return Dataset(
        ds.name, ds.x_train[:n_train], ds.y_train[:n_train], ds.x_test[:n_test], ds.y_test[:n_test], ds.classes
    )


def engine_seconds_per_batch(ds, spec, n_batches):
    """The real engine's epoch time (its own clock: shuffling, training and a 1000-image test
    pass; not model construction) over n_batches batches."""
    small = subset(ds, n_batches * BATCH)
    r = train_classifier(
        small, spec, epochs=2, batch_size=BATCH, seed=0, device="cpu", threads=THREADS, log=lambda s: None
    )
    return r.seconds[1] / n_batches  # the second epoch: warm caches, as in a real run


def baseline_seconds_per_batch(ds, real, spec, n_batches):
    """The usual pipeline: a torchvision dataset of PIL images, transforms, DataLoader."""
    import torchvision
    from torchvision import transforms

    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    if real:
        dataset = torchvision.datasets.MNIST(str(unpacked_mnist()), train=True, download=False, transform=tf)
    else:
        dataset = torchvision.datasets.FakeData(len(ds.y_train), (1, 28, 28), 10, transform=tf)
    loader = torch.utils.data.DataLoader(dataset, batch_size=BATCH, shuffle=True, num_workers=0)
    torch.manual_seed(0)
    model = build_model(spec, (28, 28, 1), 10)
    opt = torch.optim.Adam(model.parameters(), 1e-3)  # as a notebook would write it
    loss_fn = nn.CrossEntropyLoss()
    start = time.perf_counter()
    for i, (x, y) in enumerate(loader):
        if i == n_batches:
            break
        if i == 0:  # leave out the first batch (warm-up), as for the engine
            start = time.perf_counter()
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()
    return (time.perf_counter() - start) / (n_batches - 1)


def mlp_step_flops(widths, batch):
    """Forward 2·B·in·out per layer; backward twice that (input and weight gradients)."""
    return sum(6 * batch * a * b for a, b in zip(widths, widths[1:]))


def mm_flops_per_second(widths, batch, reps):
    """FLOP/s of plain torch.mm on the step's own matrix products (forward and both backward)."""
    mats = []
    for a, b in zip(widths, widths[1:]):
        x, w, g = torch.randn(batch, a), torch.randn(a, b), torch.randn(batch, b)
        mats += [(x, w), (g, w.T), (x.T, g)]
    for p, q in mats:
        torch.mm(p, q)  # warm up
    start = time.perf_counter()
    for _ in range(reps):
        for p, q in mats:
            torch.mm(p, q)
    return mlp_step_flops(widths, batch) * reps / (time.perf_counter() - start)


def step_flops_per_second(ds, hidden, steps):
    widths = [784, *hidden, 10]
    small = subset(ds, steps * BATCH, 200)
    train_classifier(subset(ds, 4 * BATCH, 200), {"kind": "mlp", "hidden": hidden}, epochs=1, batch_size=BATCH,
                     device="cpu", threads=THREADS, log=lambda s: None)  # warm up  # fmt: skip
    r = train_classifier(small, {"kind": "mlp", "hidden": hidden}, epochs=1, batch_size=BATCH, device="cpu",
                         threads=THREADS, log=lambda s: None)  # fmt: skip
    seconds = r.seconds[0]
    return mlp_step_flops(widths, BATCH) * steps / seconds, widths


def timed(cmd, cwd):
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - start, proc


def entry(name, value, unit, target, ok):
    return {"name": name, "value": round(float(value), 4), "unit": unit, "target": target, "ok": bool(ok)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer batches (noisier), for CI")
    args = ap.parse_args(argv)
    torch.set_num_threads(THREADS)
    n = 60 if args.quick else 200
    ds, real = mnist()
    results = []

    targets = {"task24": 20.0, "task28": 3.0}
    for task, spec in MODELS.items():
        ours = engine_seconds_per_batch(ds, spec, n)
        base = baseline_seconds_per_batch(ds, real, spec, n)
        ratio = base / ours
        results.append(
            entry(f"engine_vs_baseline_{task}", ratio, "x epochs/s", f">= {targets[task]}", ratio >= targets[task])
        )

    for label, hidden in (("task28_mlp", [1024, 256, 256]), ("width_10000", [10000])):
        achieved, widths = step_flops_per_second(ds, hidden, n // 2)
        peak = mm_flops_per_second(widths, BATCH, 20)
        frac = achieved / peak
        results.append(entry(f"roofline_{label}", frac, "fraction of torch.mm FLOP/s", ">= 0.70", frac >= 0.70))
        results.append(entry(f"mm_gflops_{label}", peak / 1e9, "GFLOP/s (torch.mm, same sizes)", "info", True))

    snakemake = str(Path(sys.executable).with_name("snakemake"))
    dry, proc = timed([snakemake, "-n", "--cores", "4"], ROOT)
    results.append(entry("dry_run_full_config", dry, "s", "< 3", dry < 3 and proc.returncode == 0))
    start_up, _ = timed([sys.executable, "-c", "import torch, nnlab.engine, nnlab.data"], ROOT)
    load_start = time.perf_counter()
    load_source(find_source("mnist", DATA_DIR)) if real else None
    load = time.perf_counter() - load_start
    results.append(entry("job_startup_imports", start_up, "s", "info", True))
    train_epoch = engine_seconds_per_batch(ds, MODELS["task24"], n) * (60000 / BATCH)
    results.append(
        entry("job_startup_vs_task24_epoch", (start_up + load) / train_epoch, "x one training epoch", "info", True)
    )

    out = ROOT / "results" / "benchmarks.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    width = max(len(r["name"]) for r in results)
    print(f"{'benchmark':<{width}}  {'value':>10}  {'target':>8}  ok  unit")
    for r in results:
        print(
            f"{r['name']:<{width}}  {r['value']:>10.3f}  {r['target']:>8}  {'yes' if r['ok'] else 'NO':>3} {r['unit']}"
        )
    return results


if __name__ == "__main__":
    main()
