"""What the rules compute from the config: a run's settings, epochs, resource estimates, run lists.

Every function takes the (validated) `config` and plain values, and returns plain data: no globals
of the .smk files, so the order of their includes does not matter, and tests can call them.
Result paths stay in the rules (`rules.<name>.output`); the functions here give wildcard values.
"""

from __future__ import annotations

import math

from nnlab.classification.optstudy import lr_tag
from nnlab.sizing import BF16_STEP_BYTES_PER_WEIGHT, mlp_parameters, train_mem_mb, train_runtime_min

# A classifier run's settings, in the order the job logs them; `model_spec` is the task's `model`.
CLASSIFIER_KEYS = ("model_spec", "loss", "optimizer", "lr", "epochs", "batch_size")
CONFIG_NAMES = {"model_spec": "model"}


def run_params(config: dict, task: str, seed, keys=CLASSIFIER_KEYS, **given) -> dict:
    """One training job's `run` params: each of `keys` from `config[task]` unless `given` (a wildcard's
    value, a derived one), then the other `given` settings, the seed, and the build's device, init and
    precision."""
    settings = config[task]
    run = {k: given.pop(k) if k in given else settings[CONFIG_NAMES.get(k, k)] for k in keys}
    return {**run, **given, "seed": int(seed), **{k: config[k] for k in ("device", "init", "precision")}}


def run_labels(task: int, wildcards, **types) -> dict:
    """The labels that start a run's final.csv: the task, then each wildcard in the order of the output
    path, converted by `types` (e.g. `seed=int`) or kept as text."""
    return {"task": task, **{name: types.get(name, str)(value) for name, value in wildcards.items()}}


# --- task 27: width of the hidden layer -------------------------------------------------------------
# Resources, sized from measured runs on real MNIST (2-core Xeon shared with other engineers' jobs,
# torch 2.14, 2 threads, eval batch 1000, bf16 autocast where `precision: auto` picks it; peak
# resident memory from the memory guard's log line; seconds from timing.csv):
#   width     10:      7,960 parameters, peak 0.82 GB,    4.7 s/epoch
#   width  10000:  7,950,010 parameters, peak 0.98 GB
#   width 100000: 79,500,010 parameters, peak 2.8 GB, 2602 s/epoch wall at 33 % of the CPU (load ~12
#                 on 2 cores); 865 CPU seconds (559 user + 306 system), so ~430 s/epoch idle.
# nnlab.sizing models memory as base + 16 bytes/parameter (Adam) + evaluation activations + the
# checkpoint twice (24 bytes/parameter), x1.3 (with the float32 base below).
# The first full build (freed memory kept, resumed runs) peaked at 1039-1390 MB for width 10000 and
# 3305 MB for width 100000, where two seeds went past the 3739 MB declared without the checkpoint term.
# Without native bf16 (AMD EPYC Zen 3, 2026-12-05: `precision: auto` trains in float32) width 10000 peaked
# at 1384 and 1556 MB in two plain runs and went past 1664 MB in a quick build's job (the job's process
# also holds Snakemake's script preamble), so the base is that of a float32 run: width 10 -> 1561 MB,
# 10000 -> 2054 MB, 100000 -> 6495 MB.
# Runtime uses the measured wall rate on the shared machine (2602 s / 79.5 M parameters per epoch), x2.
T27_BASE_MB = 1200
T27_SECONDS_PER_PARAMETER_EPOCH = 3.3e-5


def t27_epochs(config: dict, width) -> int:
    """Epochs of one width: `epochs_by_width` (keys are ints from YAML, strings from --config) or `epochs`."""
    t27 = config["task27"]
    by_width = {int(w): int(e) for w, e in t27["epochs_by_width"].items()}
    return by_width.get(int(width), t27["epochs"])


def t27_parameters(width) -> int:
    return mlp_parameters(784, [int(width)], 10)


def t27_mem_mb(config: dict, width) -> int:
    return train_mem_mb(t27_parameters(width), config["task27"]["eval_batch_size"], int(width), T27_BASE_MB)


def t27_runtime(config: dict, width) -> int:
    return train_runtime_min(t27_parameters(width), t27_epochs(config, width), T27_SECONDS_PER_PARAMETER_EPOCH)


# A width whose training step streams more than this through memory claims the `membw` resource,
# of which the profiles allow one: two such jobs side by side share one memory bus and each runs
# nearly half as fast (width 100000: 119 s/epoch alone, ~235 s beside another in the first full
# build, AMD EPYC Zen 4); beside a compute-bound job it keeps its speed.
T27_STREAMED_BYTES = 1e9


def t27_membw(width) -> int:
    return int(t27_parameters(width) * BF16_STEP_BYTES_PER_WEIGHT > T27_STREAMED_BYTES)


def t27_epoch_notes(config: dict) -> dict:
    """Widths that train other than `epochs`, with their epochs (the figure labels them "1 epoch")."""
    t27 = config["task27"]
    return {w: t27_epochs(config, w) for w in t27["widths"] if t27_epochs(config, w) != t27["epochs"]}


# --- task 29: optimisers ---------------------------------------------------------------------------
def t29_epochs(config: dict, split: str) -> int:
    t29 = config["task29"]
    return t29["epochs"] if split == "test" else t29["sweep"]["epochs"]


def t29_runs(config: dict, split: str, optimizers=None) -> dict[str, list]:
    """Wildcard values of task 29's training jobs of `split`, as columns for `expand(..., zip, **columns)`:
    `test`, each optimiser at its learning rate over the seeds; `sweep`, each swept optimiser, rate and
    seed. With `optimizers`, only their jobs."""
    t29 = config["task29"]
    if split == "test":
        runs = [(opt, t29["lr"][opt], seed) for opt in t29["optimizers"] for seed in t29["seeds"]]
    elif split == "sweep":
        sw = t29["sweep"]
        runs = [(opt, lr, seed) for opt in sw["optimizers"] for lr in sw["lrs"][opt] for seed in sw["seeds"]]
    else:
        raise ValueError(f"task 29 has no split {split!r} (test or sweep)")
    runs = [run for run in runs if optimizers is None or run[0] in optimizers]
    return {
        "split": [split] * len(runs),
        "optimizer": [opt for opt, _, _ in runs],
        "lr": [lr_tag(lr) for _, lr, _ in runs],
        "seed": [seed for _, _, seed in runs],
    }


def t29_sequential_seeds(config: dict) -> list:
    """Seeds of the sequential protocol's jobs: none when it is not among `protocols`."""
    t29 = config["task29"]
    return t29["seeds"] if "sequential" in t29["protocols"] else []


def t29_problems(config: dict) -> list[str]:
    """Settings of task 29 that name an optimiser without the entries it needs (empty when consistent)."""
    t29 = config["task29"]
    problems = [
        f"task29.{key} has no entry for optimizer {opt!r} (listed in task29.optimizers)"
        for opt in t29["optimizers"]
        for key in ("lr", "options")
        if opt not in t29[key]
    ]
    problems += [
        f"task29.sweep.optimizers lists {opt!r}, which needs an entry in task29.optimizers and task29.sweep.lrs"
        for opt in t29["sweep"]["optimizers"]
        if opt not in t29["optimizers"] or opt not in t29["sweep"]["lrs"]
    ]
    return problems


# --- task 30: convolution or not -----------------------------------------------------------------
# Measured on the 2-core development machine with the default networks (2 torch threads, batch
# 128, full data, machine otherwise idle): training seconds per epoch (from per-step timings:
# MNIST CNN 115 ms, CIFAR-10 CNN 523 ms, MLPs 10 and 24 ms per batch). Memory: peak resident memory
# (real data, evaluation in batches of 128) MNIST CNN 0.92 GB, CIFAR-10 CNN 1.25 GB, MLPs 0.85 and
# 1.2 GB (the CIFAR-10 arrays, uint8 and float32 views of batches, are most of the difference); +30 %.
T30_SECONDS_PER_EPOCH = {("mnist", "cnn"): 60, ("cifar10", "cnn"): 210, ("mnist", "mlp"): 7, ("cifar10", "mlp"): 12}
# Without native bf16 (AMD EPYC Zen 3, float32, 2026-12-05) the CNNs peaked higher and less evenly: MNIST
# 990 MB in one quick build and past its 1200 MB in the next, CIFAR-10 1557 MB of 1650; their requests
# are now those float32 peaks +30 %.
T30_MEM_MB = {("mnist", "cnn"): 1600, ("cifar10", "cnn"): 2100, ("mnist", "mlp"): 1100, ("cifar10", "mlp"): 1600}


def t30_epochs(config: dict, dataset: str, model: str) -> int:
    return config["task30"]["epochs"][dataset][model]


def t30_runtime(config: dict, dataset: str, model: str) -> int:
    """Minutes: measured seconds per epoch x epochs, doubled for a busy machine, plus start-up."""
    return 5 + math.ceil(2 * T30_SECONDS_PER_EPOCH[(dataset, model)] * t30_epochs(config, dataset, model) / 60)
