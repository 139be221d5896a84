"""Task 23: per-layer gradient norms of a deep MLP, at initialisation and after training.

The measured quantity is ‖∂L/∂W_l‖_F, the Frobenius norm of each dense layer's weight gradient,
for the mean cross-entropy over a fixed batch of training images. Layer 1 is the input layer
(784 -> width), layer depth+1 the output layer (width -> 10).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import nn

from nnlab.engine import evaluate, to_tensors
from nnlab.loop import train_epoch
from nnlab.losses import LOSSES
from nnlab.models import build_mlp, initialise
from nnlab.optim import build_optimizer
from nnlab.run import RunSettings, setup_run

NORM_FIELDS = ["phase", "layer", "fan_in", "fan_out", "grad_norm", "weight_norm", "weight_spectral"]


def linear_layers(model: nn.Module) -> list[nn.Linear]:
    return [m for m in model.modules() if isinstance(m, nn.Linear)]


def layer_gradient_norms(model: nn.Module, loss_fn, x: torch.Tensor, y: torch.Tensor) -> list[dict]:
    """‖∂L/∂W_l‖_F, ‖W_l‖_F and ‖W_l‖_2 for every dense layer l = 1.. (input side first), one batch."""
    model.zero_grad(set_to_none=True)
    loss_fn(model(x), y).backward()
    rows = []
    for i, m in enumerate(linear_layers(model), 1):
        rows.append(
            {
                "layer": i,
                "fan_in": m.in_features,
                "fan_out": m.out_features,
                "grad_norm": m.weight.grad.norm().item(),
                "weight_norm": m.weight.detach().norm().item(),
                "weight_spectral": torch.linalg.matrix_norm(m.weight.detach().cpu().double(), ord=2).item(),
            }
        )
    model.zero_grad(set_to_none=True)
    return rows


@dataclass(frozen=True, kw_only=True)
class GradNormSettings(RunSettings):
    """A gradient-norm run (`gradient_norm_run`): the settings every run shares, and these."""

    depth: int  # hidden layers of the MLP
    width: int  # units per hidden layer
    activation: str  # of the hidden layers (nnlab.models.ACTIVATIONS)
    measure_samples: int = 1000  # training images of the fixed batch the norms are measured on
    epochs: int = 1
    precision: str = "fp32"  # the norms are measured, and the network trained, in float32 only

    def __post_init__(self):
        if self.precision != "fp32":
            raise ValueError(f"gradient norms are measured in float32 only, not precision {self.precision!r}")


@dataclass
class GradNormResult:
    norms: list[dict] = field(default_factory=list)  # phase, layer, ... (deterministic on the CPU)
    final: dict = field(default_factory=dict)  # status, accuracies, steps
    seconds: float = 0.0


def gradient_norm_run(data, run: GradNormSettings, log: Callable[[str], None] = print) -> GradNormResult:
    """Build a `run.depth`-hidden-layer MLP, measure its layer gradient norms, train, measure again."""
    dev = setup_run(run)
    depth, epochs = run.depth, run.epochs
    loss_fn = LOSSES["cross_entropy"]
    model = build_mlp(math.prod(data.image_shape), [run.width] * depth, len(data.classes), run.activation)
    initialise(model, run.init)
    model.to(dev)
    opt = build_optimizer(run.optimizer, model.parameters(), run.lr, run.optimizer_options)
    x_train, y_train = to_tensors(data.x_train, data.y_train, dev)
    x_test, y_test = to_tensors(data.x_test, data.y_test, dev)
    gen = torch.Generator().manual_seed(run.seed)
    pick = torch.randperm(len(x_train), generator=gen)[: run.measure_samples].to(dev)
    xm, ym = x_train[pick].float().div_(255), y_train[pick]

    result = GradNormResult()
    start = time.perf_counter()
    result.norms += [{"phase": "init", **r} for r in layer_gradient_norms(model, loss_fn, xm, ym)]
    _, init_acc = evaluate(model, loss_fn, x_test, y_test)
    n, steps, status, loss_sum = len(x_train), 0, "ok", 0.0
    batch_loss = lambda idx: loss_fn(model(x_train[idx].float().div_(255)), y_train[idx])  # noqa: E731
    for epoch in range(1, epochs + 1):
        loss_sum = train_epoch(opt, batch_loss, n, run.batch_size, gen, dev)
        steps += math.ceil(n / run.batch_size)
        if not math.isfinite(loss_sum):
            status = "diverged"
            log(f"epoch {epoch}/{epochs}: training loss is {loss_sum}; run marked diverged")
            break
        log(f"epoch {epoch}/{epochs}  train loss {loss_sum:.4f}")
    if status == "ok":
        trained = layer_gradient_norms(model, loss_fn, xm, ym)
        _, test_acc = evaluate(model, loss_fn, x_test, y_test)
    else:
        nan = float("nan")
        trained = [{**r, "grad_norm": nan, "weight_norm": nan, "weight_spectral": nan} for r in result.norms]
        test_acc = float("nan")
    result.norms += [{**r, "phase": "trained"} for r in trained]
    result.seconds = time.perf_counter() - start
    result.final = {
        "status": status,
        "steps": steps,
        "init_test_accuracy": init_acc,
        "final_train_loss": loss_sum,
        "final_test_accuracy": test_acc,
    }
    first, last = result.norms[0]["grad_norm"], result.norms[depth]["grad_norm"]
    log(f"{run.activation} depth {depth}: init grad norm layer 1 {first:.3e}, output layer {last:.3e}; "
        f"test accuracy {init_acc:.4f} -> {test_acc:.4f} after {steps} steps")  # fmt: skip
    return result
