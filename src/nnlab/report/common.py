"""Report-wide context: the task list, config flattening, software and machine facts."""

from __future__ import annotations

import platform
import sys
from importlib import metadata


# The original report's tasks, in its order. Sections without results show a "not run" box.
TASKS = {
    22: "Backpropagation on a scalar chain",
    23: "Vanishing gradients",
    24: "Mean squared error vs cross-entropy on MNIST",
    25: "Regression of a two-dimensional function",
    27: "Width of the hidden layer",
    28: "Learning curve of a deep MLP",
    29: "Optimisers",
    30: "Convolutional vs dense networks on MNIST and CIFAR-10",
    31: "A two-dimensional autoencoder",
    32: "The evidence lower bound",
    33: "Image generation with a VAE",
}
LOSS_NAMES = {"mse": "MSE", "cross_entropy": "Cross-entropy"}


def describe_model(spec: dict, inputs: int, outputs: int) -> str:
    widths = [inputs, *spec.get("hidden", []), outputs]
    act = spec.get("activation", "relu")
    hidden = f", {act} hidden units" if spec.get("hidden") else ""
    return f"MLP {'-'.join(map(str, widths))}{hidden}, softmax output"


def flatten(d: dict, prefix: str = "") -> list[tuple[str, object]]:
    """Nested config -> [("task24.epochs", 10), ...] for the appendix."""
    out = []
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and v:
            out += flatten(v, key + ".")
        else:
            out.append((key, v))
    return out


def software() -> list[tuple[str, str]]:
    pkgs = ["snakemake", "torch", "torchvision", "numpy", "pandas", "matplotlib", "jinja2"]
    out = [("python", sys.version.split()[0])]
    for p in pkgs:
        try:
            out.append((p, metadata.version(p)))
        except metadata.PackageNotFoundError:
            out.append((p, "not installed"))
    return out


def machine() -> str:
    return f"{platform.system()} {platform.machine()}, {platform.processor() or 'unknown CPU'}"
