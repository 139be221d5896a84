"""Network builders, from a small dict spec written in config.yaml."""

from __future__ import annotations

import math

from torch import nn

ACTIVATIONS = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh}


def build_mlp(in_features: int, hidden: list[int], n_out: int, activation: str = "relu") -> nn.Sequential:
    """Dense layers in_features -> hidden... -> n_out. Outputs are logits: softmax lives in the loss.

    With `hidden=[]` this is task 24's single-layer network (784 -> 10, softmax output).
    """
    layers: list[nn.Module] = [nn.Flatten()]
    width = in_features
    for h in hidden:
        layers += [nn.Linear(width, h), ACTIVATIONS[activation]()]
        width = h
    layers.append(nn.Linear(width, n_out))
    return nn.Sequential(*layers)


def build_model(spec: dict, image_shape: tuple[int, int, int], n_classes: int) -> nn.Module:
    """`spec` is e.g. {"kind": "mlp", "hidden": [1024, 256, 256], "activation": "relu"}."""
    kind = spec.get("kind", "mlp")
    if kind == "mlp":
        return build_mlp(math.prod(image_shape), list(spec.get("hidden", [])), n_classes, spec.get("activation", "relu"))
    raise ValueError(f"unknown model kind {kind!r}; known: mlp")


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
