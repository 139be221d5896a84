"""Performance benchmarks: ratios measured in one process, printed as a table and written to
results/benchmarks.json as [{name, value, unit, target, ok}].

    make bench          (or: .venv/bin/python benchmarks/run.py [--quick])

1. engine vs baseline: epochs per second (training pass + test pass) of nnlab's engine (whole
   dataset as tensors on the device, seeded shuffles, fused optimiser, channels-last convolutions)
   over the usual PyTorch pipeline (torchvision dataset + ToTensor/Normalize transforms +
   DataLoader) on the same model, batch and threads: task 24's net, task 28's MLP, task 30's CNN.
2. roofline: achieved FLOP/s of a full float32 training step (forward, backward, Adam) over the
   FLOP/s of plain torch.mm on the same matrix sizes, measured in the same process. The target
   counts the step's FLOPs the usual way (6·batch·weights); the products really computed are a
   little fewer (no input gradient for the first layer), and their fraction is printed beside it.
3. bf16: torch.mm's bfloat16 peak on the step's products, the step in bf16 (`precision: bf16`)
   against its bound (the products' FLOPs at that peak plus the step's memory traffic at the
   measured bandwidth: fused Adam's 28 bytes per weight and autocast's ~14 for the bf16 weight
   copy and gradient cast), the bf16 over fp32 step speed-up, and FTRL's epoch over Adam's.
   Channels-last: task 30's CNN training step (MNIST and CIFAR-10 networks, fp32 and bf16) in the
   default NCHW layout over the step in channels-last (NHWC), which the engine uses for CNNs on the CPU.
4. how jobs share the 2 cores: two 1-thread jobs side by side over one 2-thread job (the
   `threads` setting), and the step with freed memory reused over glibc's default allocation.
5. workflow overhead: a dry run and a no-op run of Snakemake on the full config, and per-job
   start-up (imports and cached-data load) against a job's training time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch
import yaml
from torch import nn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from nnlab.data import find_source, load_source  # noqa: E402
from nnlab.data.synthetic import make_synthetic  # noqa: E402
from nnlab.engine import ClassifierSettings, train_classifier  # noqa: E402
from nnlab.models import build_model  # noqa: E402
from nnlab.sizing import BF16_STEP_BYTES_PER_WEIGHT  # noqa: E402

THREADS = 2
BATCH = 128
DATA_DIR = Path(os.environ.get("NNLAB_DATA") or ROOT.parent / "shared" / "data")


def config_models() -> dict:
    """The benchmarked models as config.yaml defines them, each with its target speed-up over the
    usual pipeline and the share of batches timed (a CNN step costs ~30 MLP steps)."""
    cfg = yaml.safe_load((ROOT / "config.yaml").read_text())
    return {
        "task24": (cfg["task24"]["model"], 20.0, 1.0),
        "task28": (cfg["task28"]["model"], 3.0, 1.0),
        "task30_mnist_cnn": (cfg["task30"]["architectures"]["cnn"]["mnist"], 1.15, 0.25),
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


def engine_seconds_per_batch(ds, spec, n_batches, n_test=1000, **run):
    """The real engine's epoch time (its own clock: shuffling, training and an `n_test`-image test
    pass; not model construction) over n_batches batches. `run`: further train_classifier settings
    (precision, optimizer, lr, ...)."""
    small = subset(ds, n_batches * BATCH, n_test)
    settings = ClassifierSettings(
        model_spec=spec, epochs=2, batch_size=BATCH, seed=0, device="cpu", threads=THREADS, **run
    )
    r = train_classifier(small, settings, log=lambda s: None)
    return r.seconds[1] / n_batches  # the second epoch: warm caches, as in a real run


def baseline_seconds_per_batch(ds, real, spec, n_batches, n_test=1000):
    """The usual pipeline, as pytorch/examples' mnist writes it: a torchvision dataset of PIL
    images with ToTensor/Normalize transforms, a DataLoader, Adam, and per epoch a test pass
    (DataLoader of 1000-image batches, eval mode, no_grad) over as many test images as the engine's."""
    import torchvision
    from torchvision import transforms

    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    if real:
        train = torchvision.datasets.MNIST(str(unpacked_mnist()), train=True, download=False, transform=tf)
        test = torchvision.datasets.MNIST(str(unpacked_mnist()), train=False, download=False, transform=tf)
    else:
        train = torchvision.datasets.FakeData(len(ds.y_train), (1, 28, 28), 10, transform=tf)
        test = torchvision.datasets.FakeData(len(ds.y_test), (1, 28, 28), 10, transform=tf)
    loader = torch.utils.data.DataLoader(train, batch_size=BATCH, shuffle=True, num_workers=0)
    test = torch.utils.data.Subset(test, range(n_test))
    test_loader = torch.utils.data.DataLoader(test, batch_size=1000, shuffle=False, num_workers=0)
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
    model.eval()
    with torch.no_grad():
        for x, y in test_loader:
            loss_fn(model(x), y)
    return (time.perf_counter() - start) / (n_batches - 1)


def step_products(widths, batch):
    """The matrix products one training step of an MLP computes, as (m, k, n, left, right) where
    `left`/`right` say which operand is a transposed view, as torch lays them out (a weight W is
    out x in): per layer the forward x·Wᵀ, the weight gradient gᵀ·x and, except for the first
    layer (its input needs no gradient, so autograd skips it), the input gradient g·W."""
    shapes = []
    for i, (a, b) in enumerate(zip(widths, widths[1:])):
        shapes += [(batch, a, b, False, True), (b, batch, a, True, False)]
        shapes += [(batch, b, a, False, False)] if i else []
    return shapes


def model_flops(widths, batch):
    """The usual count for a training step (as in "model FLOPs utilisation"): forward 2·B·in·out
    per layer, backward twice that. It credits the first layer's input gradient, not computed."""
    return sum(6 * batch * a * b for a, b in zip(widths, widths[1:]))


def hardware_flops(widths, batch):
    """The FLOPs of the products actually computed (step_products)."""
    return sum(2 * m * k * n for m, k, n, *_ in step_products(widths, batch))


def mm_flops_per_second(widths, batch, reps, dtype=torch.float32):
    """FLOP/s of plain torch.mm on exactly the step's matrix products, in `dtype`."""

    def operand(rows, cols, transposed):
        return torch.randn(cols, rows, dtype=dtype).t() if transposed else torch.randn(rows, cols, dtype=dtype)

    mats = [(operand(m, k, left), operand(k, n, right)) for m, k, n, left, right in step_products(widths, batch)]
    for p, q in mats:
        torch.mm(p, q)  # warm up
    start = time.perf_counter()
    for _ in range(reps):
        for p, q in mats:
            torch.mm(p, q)
    return hardware_flops(widths, batch) * reps / (time.perf_counter() - start)


def roofline(ds, hidden, steps, rounds=5):
    """(model-FLOPs fraction, hardware-FLOPs fraction, torch.mm FLOP/s): medians over `rounds` of
    the engine measured right beside torch.mm, as this machine's clock drifts by 1.5x over seconds."""
    widths = [784, *hidden, 10]
    model, hardware, peaks = [], [], []
    for _ in range(rounds):
        seconds = engine_seconds_per_batch(ds, {"kind": "mlp", "hidden": hidden}, steps, 200, precision="fp32")
        peak = mm_flops_per_second(widths, BATCH, 20)
        model.append(model_flops(widths, BATCH) / seconds / peak)
        hardware.append(hardware_flops(widths, BATCH) / seconds / peak)
        peaks.append(peak)
    return statistics.median(model), statistics.median(hardware), statistics.median(peaks)


def memory_bandwidth(n=2**25, reps=5) -> float:
    """Bytes per second of an out-of-place float32 add over arrays far larger than the caches
    (two reads and one write per element), the traffic an optimiser step is made of."""
    a, b, c = torch.rand(n), torch.rand(n), torch.empty(n)
    torch.add(a, b, out=c)
    start = time.perf_counter()
    for _ in range(reps):
        torch.add(a, b, out=c)
    return 3 * 4 * n * reps / (time.perf_counter() - start)


def bf16_bound(ds, hidden, steps, rounds, bandwidth):
    """(measured bf16 step / its bound, bf16 torch.mm FLOP/s, fp32 step / bf16 step): medians over
    `rounds`, each measured back to back. The bound: the step's products at torch.mm's bf16 speed
    on the same shapes, plus BF16_STEP_BYTES_PER_WEIGHT per weight at `bandwidth`."""
    widths = [784, *hidden, 10]
    weights = sum(a * b + b for a, b in zip(widths, widths[1:]))
    spec = {"kind": "mlp", "hidden": hidden}
    ratios, peaks, speedups = [], [], []
    for _ in range(rounds):
        bf16 = engine_seconds_per_batch(ds, spec, steps, 200, precision="bf16")
        fp32 = engine_seconds_per_batch(ds, spec, steps, 200, precision="fp32")
        peak = mm_flops_per_second(widths, BATCH, 3, torch.bfloat16)
        bound = hardware_flops(widths, BATCH) / peak + weights * BF16_STEP_BYTES_PER_WEIGHT / bandwidth
        ratios.append(bf16 / bound)
        peaks.append(peak)
        speedups.append(fp32 / bf16)
    return statistics.median(ratios), statistics.median(peaks), statistics.median(speedups)


def channels_last_speedup(dataset: str, precision: str, steps: int, rounds: int) -> float:
    """Task 30's CNN for `dataset` (config.yaml's network, built and initialised as a run builds it, at
    config.yaml's `threads` as a job runs it) training on random uint8 images of the dataset's shape
    with Adam, through the engine's own step: NCHW step time over channels-last step time (> 1:
    channels-last is faster; each a median step), median of `rounds` with the two layouts measured
    back to back on the same batches."""
    from nnlab.engine import train_step
    from nnlab.losses import LOSSES
    from nnlab.models import initialise
    from nnlab.optim import build_optimizer

    torch.use_deterministic_algorithms(True)  # as a run on the CPU (nnlab.engine)
    cfg = yaml.safe_load((ROOT / "config.yaml").read_text())
    spec = cfg["task30"]["architectures"]["cnn"][dataset]
    shape = {"mnist": (28, 28, 1), "cifar10": (32, 32, 3)}[dataset]
    x = torch.randint(0, 256, (8 * BATCH, shape[2], shape[0], shape[1]), dtype=torch.uint8)
    y = torch.randint(0, 10, (8 * BATCH,))
    loss_fn = LOSSES[cfg["task30"]["loss"]]

    def seconds(channels_last: bool) -> float:
        torch.manual_seed(0)
        model = build_model(spec, shape, 10)
        initialise(model, cfg["init"])
        if channels_last:
            model = model.to(memory_format=torch.channels_last)
        opt = build_optimizer(cfg["task30"]["optimizer"], model.parameters(), cfg["task30"]["lr"])
        batches = [torch.arange(BATCH) + BATCH * (i % 8) for i in range(steps + 1)]
        train_step(model, opt, loss_fn, x, y, batches[0], channels_last, precision)  # warm-up
        times = []
        for idx in batches[1:]:
            start = time.perf_counter()
            train_step(model, opt, loss_fn, x, y, idx, channels_last, precision)
            times.append(time.perf_counter() - start)
        return statistics.median(times)  # a step slowed by another process's burst does not count

    ratios, threads = [], torch.get_num_threads()
    torch.set_num_threads(cfg["threads"])
    for _ in range(rounds):
        nchw, nhwc = seconds(False), seconds(True)
        print(f"task30 {dataset} CNN {precision}: NCHW {1e3 * nchw:.0f} ms, channels-last {1e3 * nhwc:.0f} ms a step")
        ratios.append(nchw / nhwc)
    torch.set_num_threads(threads)
    return statistics.median(ratios)


def timed(cmd, cwd):
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - start, proc


def workflow_overhead(snakemake: str) -> tuple[float, float]:
    """Seconds of a dry run and of a no-op run on the full config.

    The no-op run needs every output of the full DAG present and up to date; training them takes
    hours, so a copy of the workflow gets each output as an empty file (`--touch` then orders their
    times). Snakemake's cost is the same: it builds the same DAG and checks the same files.
    """
    import shutil
    import tempfile

    dry, proc = timed([snakemake, "-n", "--cores", "4"], ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"dry run failed:\n{proc.stderr[-2000:]}")
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "wf"
        shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns("results", ".snakemake", ".venv", ".git", "*.pyc"))
        _, summary = timed([snakemake, "--summary", "--cores", "1"], copy)
        for line in summary.stdout.splitlines()[1:]:
            path = copy / line.split("\t")[0]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch()
        _, touch = timed([snakemake, "--touch", "--cores", "1"], copy)
        noop, proc = timed([snakemake, "--cores", "4"], copy)
        if "Nothing to be done" not in proc.stdout + proc.stderr:
            raise RuntimeError(f"the no-op run found work to do:\n{(proc.stdout + proc.stderr)[-2000:]}")
    return dry, noop


def job_startup(ds) -> tuple[float, float]:
    """Seconds a training job spends before its first batch: imports (a fresh interpreter) and
    reading the cached arrays with their checksum check into tensors."""
    import tempfile

    from nnlab.data import load_cache, save_cache
    from nnlab.engine import to_tensors

    imports, _ = timed([sys.executable, "-c", "import torch, nnlab.engine, nnlab.data, nnlab.results"], ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        save_cache(ds, f"{tmp}/mnist.npz", f"{tmp}/mnist.json", "benchmark")
        start = time.perf_counter()
        cached = load_cache(f"{tmp}/mnist.npz", f"{tmp}/mnist.json")
        to_tensors(cached.x_train, cached.y_train, torch.device("cpu"))
        to_tensors(cached.x_test, cached.y_test, torch.device("cpu"))
        load = time.perf_counter() - start
    return imports, load


def ftrl_over_adam(ds, steps, rounds) -> float:
    """FTRL's epoch time over Adam's on task 29's network, with config.yaml's settings for each."""
    cfg = yaml.safe_load((ROOT / "config.yaml").read_text())["task29"]

    def seconds(name):
        return engine_seconds_per_batch(ds, cfg["model"], steps, 200, optimizer=name, lr=cfg["lr"][name],
                                        optimizer_options=cfg["options"][name])  # fmt: skip

    return statistics.median(seconds("ftrl") / seconds("adam") for _ in range(rounds))


def freed_memory_reuse(steps: int, rounds: int) -> float:
    """Width 100000's bf16 step time with glibc's default allocation (every block over 32 MB mapped
    anew and unmapped when freed) over the step with freed memory kept for reuse
    (`nnlab.resources.reuse_freed_memory`, which every run sets). Run first: a run turns reuse on."""
    from nnlab.engine import train_step
    from nnlab.resources import reuse_freed_memory

    model = build_model({"kind": "mlp", "hidden": [100000]}, (28, 28, 1), 10)
    opt = torch.optim.Adam(model.parameters(), 1e-3, fused=True)
    x, y = torch.randint(0, 256, (BATCH, 1, 28, 28), dtype=torch.uint8), torch.randint(0, 10, (BATCH,))

    def seconds(reuse: bool) -> float:
        reuse_freed_memory(reuse)
        idx = torch.arange(BATCH)
        train_step(model, opt, nn.CrossEntropyLoss(), x, y, idx, False, "bf16")  # warm-up
        start = time.perf_counter()
        for _ in range(steps):
            train_step(model, opt, nn.CrossEntropyLoss(), x, y, idx, False, "bf16")
        return (time.perf_counter() - start) / steps

    ratios = [seconds(False) / seconds(True) for _ in range(rounds)]
    reuse_freed_memory(True)
    return statistics.median(ratios)


# One process's steps per second of task 28's MLP at `threads` threads, printed as seconds per step.
STEP_LOOP = """
import sys, time, torch
from nnlab.engine import train_step
from nnlab.models import build_model
from nnlab.run import RunSettings, setup_run
threads, steps = int(sys.argv[1]), int(sys.argv[2])
setup_run(RunSettings(seed=0, device="cpu", threads=threads))
model = build_model({"kind": "mlp", "hidden": [1024, 256, 256]}, (28, 28, 1), 10)
opt = torch.optim.Adam(model.parameters(), 1e-3, fused=True)
x, y = torch.randint(0, 256, (1024, 1, 28, 28), dtype=torch.uint8), torch.randint(0, 10, (1024,))
idx = torch.arange(128)
for _ in range(5):
    train_step(model, opt, torch.nn.CrossEntropyLoss(), x, y, idx, False, "auto")
start = time.perf_counter()
for i in range(steps):
    train_step(model, opt, torch.nn.CrossEntropyLoss(), x, y, (idx + 128 * i) % 1024, False, "auto")
print((time.perf_counter() - start) / steps)
"""


def side_by_side_over_threads(steps: int, rounds: int) -> float:
    """Training throughput on 2 cores of two 1-thread processes side by side (what `threads: 1`
    and `--cores 2` run) over one 2-thread process, on task 28's MLP: median of rounds."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}

    def run(threads: int, copies: int) -> list[float]:
        cmd = [sys.executable, "-c", STEP_LOOP, str(threads), str(steps)]
        procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env) for _ in range(copies)]
        return [float(p.communicate()[0]) for p in procs]

    ratios = []
    for _ in range(rounds):
        (one,) = run(2, 1)
        pair = run(1, 2)
        ratios.append(one / (statistics.mean(pair) / 2))  # steps per second, side by side over alone
    return statistics.median(ratios)


def entry(name, value, unit, target, ok):
    return {"name": name, "value": round(float(value), 4), "unit": unit, "target": target, "ok": bool(ok)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer batches (noisier)")
    ap.add_argument("--smoke", action="store_true", help="the fewest batches that measure every row (the tests)")
    ap.add_argument("--out", default=str(ROOT / "results" / "benchmarks.json"), help="where the JSON goes")
    args = ap.parse_args(argv)
    torch.set_num_threads(THREADS)
    n, rounds = (8, 1) if args.smoke else (40, 1) if args.quick else (200, 3)

    def at_least(k: int) -> int:  # the fewest steps a row takes: one in smoke mode (its numbers are not read)
        return 1 if args.smoke else k

    ds, real = mnist()
    results = []
    ratio = freed_memory_reuse(max(at_least(3), n // 20), rounds)
    unit = "x step speed, width 100000, freed memory reused over glibc's default"
    results.append(entry("freed_memory_reuse_width_100000", ratio, unit, "info", True))

    for task, (spec, target, share) in config_models().items():
        batches = max(8, int(n * share))
        # Median of rounds, each pair measured back to back: the machine's speed drifts over seconds.
        ratio = statistics.median(
            baseline_seconds_per_batch(ds, real, spec, batches) / engine_seconds_per_batch(ds, spec, batches)
            for _ in range(rounds)
        )
        results.append(entry(f"engine_vs_baseline_{task}", ratio, "x epochs/s", f">= {target}", ratio >= target))

    for label, hidden, steps in (("task28_mlp", [1024, 256, 256], n // 2), ("width_10000", [10000], n // 8)):
        model, hardware, peak = roofline(ds, hidden, steps, 2 * rounds - 1)
        unit = "model FLOP/s (6·batch·weights per step) over torch.mm FLOP/s"
        results.append(entry(f"roofline_{label}", model, unit, ">= 0.70", model >= 0.70))
        unit = "FLOP/s of the products computed over torch.mm FLOP/s"
        results.append(entry(f"roofline_hardware_{label}", hardware, unit, "info", True))
        results.append(entry(f"mm_gflops_{label}", peak / 1e9, "GFLOP/s (torch.mm, same sizes)", "info", True))

    bandwidth = memory_bandwidth()
    results.append(entry("memory_bandwidth", bandwidth / 1e9, "GB/s (float32 add, 2 reads + 1 write)", "info", True))
    for label, hidden, steps, reps in (("task28_mlp", [1024, 256, 256], n // 2, rounds),
                                       ("width_10000", [10000], n // 8, rounds),
                                       ("width_100000", [100000], max(at_least(4), n // 25), 1)):  # fmt: skip
        ratio, peak, speedup = bf16_bound(ds, hidden, steps, reps, bandwidth)
        results.append(
            entry(
                f"bf16_step_vs_bound_{label}",
                ratio,
                "x the bf16 bound (products at bf16 torch.mm speed + memory traffic)",
                "<= 2",
                ratio <= 2,
            )
        )
        results.append(entry(f"bf16_speedup_{label}", speedup, "x fp32 step time over bf16", "info", True))
        results.append(
            entry(f"mm_gflops_bf16_{label}", peak / 1e9, "GFLOP/s (bf16 torch.mm, same sizes)", "info", True)
        )
    cnn = config_models()["task30_mnist_cnn"][0]
    steps = max(at_least(4), n // 8)
    speedup = statistics.median(
        engine_seconds_per_batch(ds, cnn, steps, 200, precision="fp32")
        / engine_seconds_per_batch(ds, cnn, steps, 200, precision="bf16")
        for _ in range(rounds)
    )
    results.append(entry("bf16_speedup_task30_mnist_cnn", speedup, "x fp32 step time over bf16", "info", True))
    for dataset in ("mnist", "cifar10"):
        for precision in ("fp32", "bf16"):
            ratio = channels_last_speedup(dataset, precision, max(at_least(3), n // 10), rounds)
            unit = "x NCHW step time over channels-last (task 30's CNN, batch 128, Adam, a job's threads)"
            results.append(entry(f"channels_last_speedup_task30_{dataset}_cnn_{precision}", ratio, unit, "info", True))
    ratio = ftrl_over_adam(ds, n // 2, rounds)
    results.append(
        entry("ftrl_epoch_over_adam_task28", ratio, "x Adam's epoch time (task 28's MLP)", "<= 1.5", ratio <= 1.5)
    )

    ratio = side_by_side_over_threads(4 * n, rounds)
    unit = "x steps/s on 2 cores: two 1-thread jobs over one 2-thread job (task 28's MLP)"
    results.append(entry("threads1_side_by_side_over_threads2", ratio, unit, "info", True))

    dry, noop = workflow_overhead(str(Path(sys.executable).with_name("snakemake")))
    results.append(entry("dry_run_full_config", dry, "s", "< 3", dry < 3))
    results.append(entry("noop_run_full_config", noop, "s", "< 3", noop < 3))
    imports, load = job_startup(ds)
    results.append(entry("job_startup_imports", imports, "s", "info", True))
    results.append(entry("job_startup_cached_mnist_load", load, "s", "info", True))
    epoch = engine_seconds_per_batch(ds, config_models()["task24"][0], n) * (len(ds.y_train) / BATCH)
    results.append(entry("job_startup_vs_task24_epoch", (imports + load) / epoch, "x one training epoch", "info", True))

    out = Path(args.out)
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
