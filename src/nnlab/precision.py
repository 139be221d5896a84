"""Arithmetic precision of training: float32, or bfloat16 matrix products under autocast.

`bf16` runs the network's matrix products and convolutions in bfloat16 (torch.autocast) while the
weights, the optimiser state and every loss stay float32 ("mixed precision"): on CPUs with native
bfloat16 multiply units (AMX, AVX512-BF16) and CUDA GPUs of compute capability >= 8.0 a training
step is 1.4-3x faster (benchmarks/run.py), and test accuracies stay within seed-to-seed noise
(benchmarks/precision_accuracy.py). `auto` picks bf16 where it pays: on hardware with those units
(emulated bf16 is slower than fp32) and for networks of at least `AUTO_MIN_WEIGHTS` weights. A
smaller net's step is a few microseconds of arithmetic among per-op overheads, and autocast's
casts only add to those: task 24's 784-10 net (7850 weights) trains 0.8x as fast in bf16, task
25's 2-32-16-1 regression (641) 0.15x (benchmarks/precision_accuracy.py). Nor does it pay for a
network with transposed convolutions on the CPU: task 33's VAE stepped 7-10x slower in bf16 than
in float32 (torch 2.14, AVX512-BF16, NCHW and channels-last alike: no fast bf16 kernel for them).

Callers wrap the *forward pass* in `autocast(...)` and compute the loss on `.float()` outputs,
outside it: autocast caches bf16 copies of the weights for the duration of one context, so a
context must not outlive an optimiser step, and a likelihood or softmax in bf16 would lose the
digits that the loss needs.
"""

from __future__ import annotations

import contextlib
import functools
from pathlib import Path

# torch is imported where it is used: the report's environment (no torch) reads the CPU flags.

PRECISIONS = ("auto", "fp32", "bf16")
AUTO_MIN_WEIGHTS = 100_000

# CPU flags (Linux /proc/cpuinfo) of native bfloat16 multiply instructions.
BF16_CPU_FLAGS = ("amx_bf16", "avx512_bf16")


@functools.cache
def cpu_flags() -> frozenset[str]:
    """The CPU's feature flags (empty where /proc/cpuinfo does not exist, e.g. macOS)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return frozenset()
    for line in text.splitlines():
        if line.startswith("flags"):
            return frozenset(line.split(":", 1)[1].split())
    return frozenset()


def native_bf16_cpu_flags() -> list[str]:
    """This CPU's flags of native bfloat16 multiply instructions (empty: bf16 would be emulated)."""
    return [flag for flag in BF16_CPU_FLAGS if flag in cpu_flags()]


def report_facts(setting: str) -> dict:
    """What the report's appendix says about the precision: the setting, auto's size threshold
    and this machine's native bf16 flags."""
    return {"setting": setting, "min_weights": AUTO_MIN_WEIGHTS, "flags": native_bf16_cpu_flags()}


def native_bf16(device) -> bool:
    """Does `device` (a torch.device) multiply bfloat16 natively, so that bf16 autocast is faster?"""
    if device.type == "cuda":
        import torch

        return torch.cuda.get_device_capability(device) >= (8, 0)
    if device.type == "cpu":
        return bool(native_bf16_cpu_flags())
    return False  # mps and others: float32


def resolve_precision(precision: str, device, model) -> str:
    """`auto` -> "bf16" where `device` multiplies bfloat16 natively and `model` (a torch module) has
    at least `AUTO_MIN_WEIGHTS` weights (and, on the CPU, no transposed convolution), else "fp32";
    "fp32" and "bf16" as given."""
    if precision not in PRECISIONS:
        raise ValueError(f"unknown precision {precision!r}; known: {', '.join(PRECISIONS)}")
    if precision == "auto":
        large = sum(p.numel() for p in model.parameters()) >= AUTO_MIN_WEIGHTS
        slow = device.type == "cpu" and any(type(m).__name__.startswith("ConvTranspose") for m in model.modules())
        return "bf16" if large and not slow and native_bf16(device) else "fp32"
    return precision


def autocast(device, precision: str):
    """The context for one forward pass on `device`: bf16 autocast for "bf16", nothing for "fp32"."""
    if precision == "bf16":
        import torch

        return torch.autocast(device.type, dtype=torch.bfloat16)
    return contextlib.nullcontext()


def forward(fn, x, precision: str):
    """`fn(x)` (a model or one of its methods) under `autocast`, its output(s) as float32."""
    with autocast(x.device, precision):
        out = fn(x)
    return tuple(o.float() for o in out) if isinstance(out, tuple) else out.float()
