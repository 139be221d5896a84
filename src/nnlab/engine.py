"""The training engine: whole dataset resident on the device, seeded shuffles, no per-sample Python.

Per epoch it records train loss/accuracy (running mean over the epoch's batches, as Keras
reports them), test loss/accuracy (one pass under inference mode) and wall seconds. On the CPU the
same seed and thread count give bit-identical metrics.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import torch
from torch import nn

from nnlab.loop import EpochLoop
from nnlab.losses import LOSSES
from nnlab.models import build_model, count_parameters, initialise
from nnlab.optim import build_optimizer
from nnlab.precision import forward, resolve_precision
from nnlab.run import NOT_IN_CHECKPOINT, RunSettings, setup_run


@dataclass(frozen=True, kw_only=True)
class ClassifierSettings(RunSettings):
    """A classifier's run (`train_classifier`): the settings every run shares, and these."""

    model_spec: dict  # the network, as nnlab.models.build_model reads it
    loss: str = "cross_entropy"  # a name in nnlab.losses.LOSSES
    # test images per forward pass when evaluating (speed and memory, not results); by default the batch size
    eval_batch_size: int | None = field(default=None, metadata=NOT_IN_CHECKPOINT)


@dataclass
class TrainResult:
    history: list[dict] = field(default_factory=list)  # one row per epoch, deterministic
    seconds: list[float] = field(default_factory=list)  # wall time per epoch
    status: str = "ok"  # "ok" or "diverged" (loss became NaN/inf)
    parameters: int = 0
    device: str = "cpu"
    precision: str = "fp32"  # what the run trained in ("fp32" or "bf16"), after resolving "auto"
    test_predictions: np.ndarray | None = None  # predicted class per test image, after the last epoch
    model: nn.Module | None = None  # the trained network (not written; the sequential protocol carries it on)
    optimizer: torch.optim.Optimizer | None = None


def _bar(epoch: int, epochs: int, frac: float, width: int = 30) -> None:
    """A one-line progress bar on the terminal itself (sys.__stderr__), so logs stay clean."""
    import sys

    done = int(frac * width)
    end = "\r" if frac < 1 else "\r" + " " * (width + 30) + "\r"
    sys.__stderr__.write(
        f"\r  epoch {epoch}/{epochs} [{'#' * done}{'.' * (width - done)}] {frac:4.0%}" + (end if frac >= 1 else "")
    )
    sys.__stderr__.flush()


def to_tensors(x: np.ndarray, y: np.ndarray, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """uint8 NHWC images -> uint8 NCHW tensor on the device (normalised per batch, not here)."""
    xt = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2))).to(device)
    return xt, torch.from_numpy(y).to(device)


def uses_channels_last(model: nn.Module, device: torch.device) -> bool:
    """Convolutions on the CPU train faster on channels-last (NHWC) tensors (measured by benchmarks/run.py's
    channels_last_speedup rows; README, Performance). Dense nets do not care."""
    return device.type == "cpu" and any(isinstance(m, nn.Conv2d) for m in model.modules())


def as_input(x: torch.Tensor, channels_last: bool) -> torch.Tensor:
    """uint8 image batch -> float in [0, 1], in the memory layout the model runs fastest on."""
    x = x / 255.0  # uint8 / float: one op that converts and scales (not .float().div_(255): two)
    return x.contiguous(memory_format=torch.channels_last) if channels_last and x.dim() == 4 else x


def train_step(model, opt, loss_fn, x, y, idx, channels_last: bool, precision: str):
    """One optimiser step on the images `idx` of (x, y); returns the detached float32 outputs and loss."""
    # index_select, not x[idx]: the same gather, measured faster on the CPU
    xb, yb = as_input(x.index_select(0, idx), channels_last), y.index_select(0, idx)
    out = forward(model, xb, precision)  # float32 logits: the loss in float32 in any precision
    loss = loss_fn(out, yb)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return out.detach(), loss.detach()


def evaluate(
    model,
    loss_fn,
    x: torch.Tensor,
    y: torch.Tensor,
    predictions: list | None = None,
    batch_size: int = 128,
    channels_last: bool = False,
) -> tuple[float, float]:
    """Mean loss and accuracy over a whole split; predicted classes appended to `predictions`.

    `batch_size` images go through at once. Not "as large as fits": a CNN's activations for 1000
    images overflow the CPU caches and it evaluates 2x slower than at 128 (dense nets are equally
    fast at either); smaller also bounds the memory of a wide net. Always in float32, whatever
    precision trained the model: a reported metric is that of the float32 weights, the ones kept.
    """
    model.eval()
    total_loss, correct = 0.0, 0
    with torch.inference_mode():
        for i in range(0, len(x), batch_size):
            xb, yb = as_input(x[i : i + batch_size], channels_last), y[i : i + batch_size]
            out = model(xb)
            total_loss += loss_fn(out, yb).item() * len(yb)
            pred = out.argmax(1)
            correct += (pred == yb).sum().item()
            if predictions is not None:
                predictions.append(pred.cpu().numpy())
    model.train()
    return total_loss / len(x), correct / len(x)


def train_classifier(
    data,
    run: ClassifierSettings,
    log: Callable[[str], None] = print,
    checkpoint: str | None = None,
    progress: bool = False,
    start: dict | None = None,
) -> TrainResult:
    """Train a classifier on a `Dataset` and return its per-epoch history.

    `log` gets a line per epoch; with `checkpoint` (a file path) the run saves and resumes there
    (`nnlab.loop.EpochLoop`). With `progress`, a progress bar is drawn on the terminal (not in the
    log) during each epoch. `start`: a state dict to start from instead of `run.init`'s weights
    (the weights of an earlier run; the optimiser starts fresh). Training's forward passes run in
    `run.precision`; weights, losses and the evaluation in float32.
    """
    dev = setup_run(run)
    loss_fn = LOSSES[run.loss]
    model = build_model(run.model_spec, data.image_shape, len(data.classes))
    initialise(model, run.init)
    if start is not None:
        model.load_state_dict(start)
    model = model.to(dev)
    run = replace(run, precision=resolve_precision(run.precision, dev, model))
    epochs, batch_size, precision = run.epochs, run.batch_size, run.precision
    channels_last = uses_channels_last(model, dev)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    opt = build_optimizer(run.optimizer, model.parameters(), run.lr, run.optimizer_options)
    x_train, y_train = to_tensors(data.x_train, data.y_train, dev)
    x_test, y_test = to_tensors(data.x_test, data.y_test, dev)
    shuffler = torch.Generator().manual_seed(run.seed)
    result = TrainResult(
        parameters=count_parameters(model), device=str(dev), precision=precision, model=model, optimizer=opt
    )
    n = len(x_train)
    # the starting weights are part of what a checkpoint belongs to
    starts = [t.cpu().numpy() for t in start.values()] if start is not None else []
    loop = EpochLoop(
        epochs, model, opt, [shuffler], log, checkpoint, run.checkpoint_settings(), (data.y_train, data.x_test, *starts)
    )
    result.test_predictions = loop.extra.get("test_predictions")
    bar_every = max(1, n // batch_size // 50)  # about 50 redraws per epoch
    batch_sizes = torch.full(((n + batch_size - 1) // batch_size,), float(batch_size), device=dev)
    batch_sizes[-1] = n - batch_size * (len(batch_sizes) - 1)
    for epoch in loop:
        perm = torch.randperm(n, generator=shuffler).to(dev)
        # Each batch's loss stays a tensor and its predictions go into one preallocated tensor; both
        # are reduced once per epoch: fewer small ops per step than running totals, and no
        # per-batch .item() sync on CUDA.
        batch_losses = []
        predicted = torch.empty(n, dtype=torch.long, device=dev)
        for j, i in enumerate(range(0, n, batch_size)):
            out, batch_loss = train_step(
                model, opt, loss_fn, x_train, y_train, perm[i : i + batch_size], channels_last, precision
            )
            batch_losses.append(batch_loss)
            torch.argmax(out, 1, out=predicted[i : i + batch_size])
            if progress and (j % bar_every == 0 or i + batch_size >= n):
                _bar(epoch, epochs, min(i + batch_size, n) / n)
        train_loss = (torch.stack(batch_losses) * batch_sizes).sum().item() / n  # mean over images, as Keras reports
        train_correct = (predicted == y_train[perm]).sum().item()
        if loop.diverged(train_loss):
            break
        preds: list = []
        test_loss, test_acc = evaluate(
            model, loss_fn, x_test, y_test, preds, run.eval_batch_size or batch_size, channels_last
        )
        result.test_predictions = np.concatenate(preds)
        row = {
            "epoch": epoch,
            "train_loss": train_loss,
            "train_accuracy": train_correct / n,
            "test_loss": test_loss,
            "test_accuracy": test_acc,
        }
        loop.end_epoch(
            row,
            f"train loss {train_loss:.4f} acc {row['train_accuracy']:.4f}  test loss {test_loss:.4f} acc {test_acc:.4f}",
            extra={"test_predictions": result.test_predictions},
        )
    result.history, result.seconds, result.status = loop.history, loop.seconds, loop.status
    return result
