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

from nnlab.engine import evaluate, resolve_device, to_tensors
from nnlab.losses import LOSSES
from nnlab.models import build_mlp, initialise
from nnlab.optim import build_optimizer

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


@dataclass
class GradNormResult:
    norms: list[dict] = field(default_factory=list)  # phase, layer, ... (deterministic on the CPU)
    final: dict = field(default_factory=dict)  # status, accuracies, steps
    seconds: float = 0.0


def gradient_norm_run(
    data,
    depth: int,
    width: int,
    activation: str,
    init: str = "keras",
    optimizer: str = "adam",
    lr: float = 1e-3,
    batch_size: int = 128,
    epochs: int = 1,
    measure_samples: int = 1000,
    seed: int = 0,
    device: str = "auto",
    threads: int = 1,
    log: Callable[[str], None] = print,
) -> GradNormResult:
    """Build a `depth`-hidden-layer MLP (starting weights `init`, see `nnlab.models.initialise`), measure its layer gradient norms, train, measure again."""
    torch.set_num_threads(max(1, threads))
    dev = resolve_device(device)
    torch.manual_seed(seed)
    if dev.type == "cpu":
        torch.use_deterministic_algorithms(True)
    loss_fn = LOSSES["cross_entropy"]
    model = build_mlp(math.prod(data.image_shape), [width] * depth, len(data.classes), activation)
    initialise(model, init)
    model.to(dev)
    opt = build_optimizer(optimizer, model.parameters(), lr)
    x_train, y_train = to_tensors(data.x_train, data.y_train, dev)
    x_test, y_test = to_tensors(data.x_test, data.y_test, dev)
    gen = torch.Generator().manual_seed(seed)
    pick = torch.randperm(len(x_train), generator=gen)[:measure_samples].to(dev)
    xm, ym = x_train[pick].float().div_(255), y_train[pick]

    result = GradNormResult()
    start = time.perf_counter()
    result.norms += [{"phase": "init", **r} for r in layer_gradient_norms(model, loss_fn, xm, ym)]
    _, init_acc = evaluate(model, loss_fn, x_test, y_test)
    n, steps, status, loss_sum = len(x_train), 0, "ok", 0.0
    for epoch in range(1, epochs + 1):
        perm = torch.randperm(n, generator=gen).to(dev)
        epoch_loss = torch.zeros((), device=dev)
        for i in range(0, n, batch_size):
            idx = perm[i : i + batch_size]
            out = model(x_train[idx].float().div_(255))
            batch_loss = loss_fn(out, y_train[idx])
            opt.zero_grad(set_to_none=True)
            batch_loss.backward()
            opt.step()
            epoch_loss += batch_loss.detach() * len(idx)
            steps += 1
        loss_sum = epoch_loss.item() / n
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
    log(f"{activation} depth {depth}: init grad norm layer 1 {first:.3e}, output layer {last:.3e}; "
        f"test accuracy {init_acc:.4f} -> {test_acc:.4f} after {steps} steps")  # fmt: skip
    return result
