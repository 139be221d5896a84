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


# Fused kernels update every parameter in one pass over memory; torch's CPU default is a Python
# loop of one op per parameter and per moment. Adam with fused=True takes a width-10000 step on
# 2 cores from 66 ms to 30 ms (benchmarks/run.py, roofline). Where no fused kernel exists the
# multi-tensor ("foreach") path is next best. Both are deterministic on the CPU.
FAST_PATH = {"sgd": "fused", "adam": "fused", "adagrad": "fused", "rmsprop": "foreach", "adadelta": "foreach"}


def build_optimizer(name: str, params, lr: float, options: dict | None = None) -> torch.optim.Optimizer:
    """`options` are further keyword arguments of the torch optimizer (e.g. {"eps": 1e-7}).

    Unless `options` choose an implementation (`fused`/`foreach`), the fastest one is used.
    """
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; known: {', '.join(OPTIMIZERS)}")
    options = dict(options or {})
    if name in FAST_PATH and not {"fused", "foreach"} & options.keys():
        options[FAST_PATH[name]] = True
    try:
        return OPTIMIZERS[name](params, lr=lr, **options)
    except TypeError as err:
        raise ValueError(f"optimizer {name!r}: bad options {options}: {err}") from None
