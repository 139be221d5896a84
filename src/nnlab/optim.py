"""Optimisers by name, with the learning rate (and optional other hyperparameters) given in config."""

from __future__ import annotations

import torch

from nnlab.ftrl import Ftrl

OPTIMIZERS = {
    "sgd": torch.optim.SGD,
    "adam": torch.optim.Adam,
    "adadelta": torch.optim.Adadelta,
    "adagrad": torch.optim.Adagrad,
    "rmsprop": torch.optim.RMSprop,
    "ftrl": Ftrl,
}


def build_optimizer(name: str, params, lr: float, options: dict | None = None) -> torch.optim.Optimizer:
    """`options` are further keyword arguments of the torch optimizer (e.g. {"eps": 1e-7})."""
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; known: {', '.join(OPTIMIZERS)}")
    try:
        return OPTIMIZERS[name](params, lr=lr, **(options or {}))
    except TypeError as err:
        raise ValueError(f"optimizer {name!r}: bad options {options}: {err}") from None
