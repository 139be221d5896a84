"""Task 31: a dense autoencoder with a low-dimensional bottleneck, its training loop and encoder.

Images are flattened and scaled to [0, 1]; the decoder ends in a sigmoid. With the binary
cross-entropy the sigmoid is folded into the loss (`binary_cross_entropy_with_logits`, the same
function, numerically stable). Knows nothing of Snakemake; imports no plotting or report code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from nnlab.loop import EpochLoop, train_epoch
from nnlab.models import ACTIVATIONS, count_parameters, initialise
from nnlab.optim import build_optimizer
from nnlab.precision import forward, resolve_precision
from nnlab.results import run_facts, write_rows
from nnlab.run import RunSettings, setup_run

EVAL_BATCH = 10_000


def _mlp(widths: list[int], activation: str) -> list[nn.Module]:
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(widths[:-1], widths[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(widths) - 2:
            layers.append(ACTIVATIONS[activation]())
    return layers


class Autoencoder(nn.Module):
    """in -> hidden... -> latent (linear) -> reversed hidden... -> in (logits; sigmoid gives the image)."""

    def __init__(self, in_features: int, hidden: list[int], latent: int = 2, activation: str = "relu"):
        super().__init__()
        # hidden layers get the activation; the bottleneck and the output layer are linear
        self.encoder = nn.Sequential(*_mlp([in_features, *hidden, latent], activation))
        self.decoder = nn.Sequential(*_mlp([latent, *reversed(hidden), in_features], activation))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Reconstruction logits for flattened inputs x (N, in_features)."""
        return self.decoder(self.encoder(x))


def reconstruction_loss(logits: torch.Tensor, x: torch.Tensor, kind: str = "bce") -> torch.Tensor:
    """Mean over pixels and batch: binary cross-entropy of sigmoid(logits) vs x, or their squared error."""
    if kind == "bce":
        return F.binary_cross_entropy_with_logits(logits, x)
    if kind == "mse":
        return F.mse_loss(torch.sigmoid(logits), x)
    raise ValueError(f"unknown reconstruction loss {kind!r}; known: bce, mse")


@dataclass(frozen=True, kw_only=True)
class AutoencoderSettings(RunSettings):
    """An autoencoder's run (`train_autoencoder`): the settings every run shares, and these."""

    hidden: list[int]  # the encoder's hidden widths, input side first; the decoder mirrors them
    latent: int = 2  # the bottleneck's width
    activation: str = "relu"  # of the hidden layers (nnlab.models.ACTIVATIONS)
    loss: str = "bce"  # the reconstruction loss, "bce" or "mse" (reconstruction_loss)


@dataclass
class AutoencoderResult:
    history: list[dict] = field(default_factory=list)  # epoch, train_loss, test_loss; deterministic
    seconds: list[float] = field(default_factory=list)
    status: str = "ok"
    parameters: int = 0
    device: str = "cpu"
    precision: str = "fp32"
    model: nn.Module | None = None


def _flat(x: np.ndarray, dev: torch.device) -> torch.Tensor:
    """uint8 (N, H, W, C) -> uint8 (N, H*W*C) on the device (scaled to [0, 1] per batch)."""
    return torch.from_numpy(np.ascontiguousarray(x.reshape(len(x), -1))).to(dev)


def _mean_loss(model, x: torch.Tensor, kind: str) -> float:
    model.eval()
    total = 0.0
    with torch.inference_mode():
        for i in range(0, len(x), EVAL_BATCH):
            xb = x[i : i + EVAL_BATCH].float().div_(255)
            total += reconstruction_loss(model(xb), xb, kind).item() * len(xb)
    model.train()
    return total / len(x)


def train_autoencoder(
    data, run: AutoencoderSettings, log: Callable[[str], None] = print, checkpoint: str | None = None
) -> AutoencoderResult:
    """Train an `Autoencoder` on a `Dataset`'s training images (labels unused).

    Per epoch: the train loss (mean over the epoch's batches, as Keras reports it) and the test
    loss (one pass over the test images). `log` gets a line per epoch; with `checkpoint` (a file
    path) the run saves and resumes there (`nnlab.loop.EpochLoop`).
    """
    dev = setup_run(run)
    x_train, x_test = _flat(data.x_train, dev), _flat(data.x_test, dev)
    model = Autoencoder(x_train.shape[1], list(run.hidden), run.latent, run.activation)
    initialise(model, run.init)
    model = model.to(dev)
    run = replace(run, precision=resolve_precision(run.precision, dev, model))
    precision, loss = run.precision, run.loss
    opt = build_optimizer(run.optimizer, model.parameters(), run.lr, run.optimizer_options)
    shuffler = torch.Generator().manual_seed(run.seed)
    result = AutoencoderResult(parameters=count_parameters(model), device=str(dev), precision=precision, model=model)
    n = len(x_train)
    settings = run.checkpoint_settings()
    loop = EpochLoop(run.epochs, model, opt, [shuffler], log, checkpoint, settings, data=(data.x_train, data.x_test))

    def batch_loss(idx):
        xb = x_train[idx].float().div_(255)
        return reconstruction_loss(forward(model, xb, precision), xb, loss)

    for epoch in loop:
        train_loss = train_epoch(opt, batch_loss, n, run.batch_size, shuffler, dev)
        if loop.diverged(train_loss):
            break
        test_loss = _mean_loss(model, x_test, loss)
        row = {"epoch": epoch, "train_loss": train_loss, "test_loss": test_loss}
        loop.end_epoch(row, f"train {loss} {train_loss:.5f}  test {test_loss:.5f}")
    result.history, result.seconds, result.status = loop.history, loop.seconds, loop.status
    return result


def encode(model: Autoencoder, x: np.ndarray, device: torch.device | str = "cpu") -> np.ndarray:
    """Bottleneck coordinates of uint8 images x (N, H, W, C), as float64 (N, latent)."""
    dev = torch.device(device)
    xt = _flat(x, dev)
    model.eval()
    out = []
    with torch.inference_mode():
        for i in range(0, len(xt), EVAL_BATCH):
            out.append(model.encoder(xt[i : i + EVAL_BATCH].float().div_(255)).double().cpu().numpy())
    model.train()
    return np.concatenate(out)


HISTORY_FIELDS = ["epoch", "train_loss", "test_loss"]


def write_autoencoder_run(result: AutoencoderResult, labels: dict, history_csv, final_csv, timing_csv) -> None:
    """A run's per-epoch history, final metrics (prefixed by `labels`) and timing."""
    write_rows(history_csv, result.history, HISTORY_FIELDS)
    last = result.history[-1] if result.history else {}
    final = run_facts(result, labels) | {
        "final_train_loss": last.get("train_loss", float("nan")),
        "final_test_loss": last.get("test_loss", float("nan")),
    }
    write_rows(final_csv, [final])
    write_rows(timing_csv, [{"epoch": i + 1, "seconds": s} for i, s in enumerate(result.seconds)])
