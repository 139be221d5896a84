"""Task 25: regression of a two-dimensional function with a small MLP.

The data (points drawn uniformly on a square, target plus uniform noise), the training loop
(mini-batch MSE, seeded shuffles, the held-out grid error recorded every epoch), the grid
evaluation and the run's CSVs; the convergence facts of its loss curve live in `convergence`.
Knows nothing of Snakemake; imports no plotting or report code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import torch
from torch import nn

from nnlab.loop import EpochLoop, train_epoch
from nnlab.models import ACTIVATIONS, count_parameters, initialise
from nnlab.optim import build_optimizer
from nnlab.precision import forward, resolve_precision
from nnlab.results import run_facts, write_rows
from nnlab.run import RunSettings, setup_run


def target(x1, x2):
    """f(x1, x2) = 10 - 10 exp(-0.2 (x1^2 + x2^2)) - exp((cos x1 + cos x2) / 2), as the original writes it.

    Works on floats, numpy arrays and torch tensors alike. (The standard Ackley function has a
    square root, 2*pi inside the cosines and other constants; the original's formula is used as is.)
    """
    lib = torch if isinstance(x1, torch.Tensor) else np
    return 10 - 10 * lib.exp(-0.2 * (x1**2 + x2**2)) - lib.exp((lib.cos(x1) + lib.cos(x2)) / 2)


def make_data(n: int, low: float, high: float, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """n points with x1, x2 ~ U[low, high] and y = f(x1, x2) + eps, eps ~ U[-noise, noise].

    Returns x as float64 (n, 2) and y as float64 (n,); one seeded generator draws x, then eps.
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(low, high, size=(n, 2))
    eps = rng.uniform(-noise, noise, size=n)
    return x, target(x[:, 0], x[:, 1]) + eps


def make_grid(n: int, low: float, high: float) -> tuple[np.ndarray, np.ndarray]:
    """An n x n grid over [low, high]^2 (endpoints included): x1 and x2 as (n, n) arrays, x1 along columns."""
    axis = np.linspace(low, high, n)
    return np.meshgrid(axis, axis)


def build_regressor(hidden: list[int], activation: str = "relu") -> nn.Sequential:
    """2 -> hidden... -> 1 with the given hidden activation and a linear output."""
    layers: list[nn.Module] = []
    width = 2
    for h in hidden:
        layers += [nn.Linear(width, h), ACTIVATIONS[activation]()]
        width = h
    layers.append(nn.Linear(width, 1))
    return nn.Sequential(*layers)


def predict(model: nn.Module, x: np.ndarray, device: torch.device | str = "cpu") -> np.ndarray:
    """The model's output for points x (m, 2), as float64 (m,)."""
    model.eval()
    with torch.inference_mode():
        out = model(torch.as_tensor(x, dtype=torch.float32, device=device)).squeeze(1)
    model.train()
    return out.double().cpu().numpy()


def grid_errors(
    pred: np.ndarray, truth: np.ndarray, x: np.ndarray | None = None, center_radius: float | None = None
) -> dict:
    """RMSE and maximum absolute error of predictions against the noise-free function values.

    With the points x (m, 2) and a `center_radius`, also the RMSE inside that radius of the origin
    (the central dip of f) and outside it.
    """
    err = np.asarray(pred, dtype=np.float64) - np.asarray(truth, dtype=np.float64)
    out = {"grid_rmse": float(np.sqrt(np.mean(err**2))), "grid_max_abs": float(np.max(np.abs(err)))}
    if x is not None and center_radius is not None:
        inside = (np.asarray(x) ** 2).sum(1) <= center_radius**2
        rmse = lambda e: float(np.sqrt(np.mean(e**2))) if len(e) else float("nan")  # noqa: E731
        out |= {"grid_rmse_center": rmse(err[inside]), "grid_rmse_outer": rmse(err[~inside])}
    return out


@dataclass(frozen=True, kw_only=True)
class RegressionSettings(RunSettings):
    """A regression run (`train_regressor`): the settings every run shares, and these."""

    hidden: list[int]  # the hidden widths of `build_regressor`
    activation: str = "relu"  # of the hidden layers (nnlab.models.ACTIVATIONS)
    epochs: int = 1000
    batch_size: int = 100
    grid_size: int = 101  # the held-out grid's points per axis (`make_grid`)
    grid_range: tuple[float, float] = (-10.0, 10.0)  # its low and high end on both axes
    center_radius: float = 3.0  # the grid's RMSE is also given inside and outside this radius (`grid_errors`)


@dataclass
class RegressionResult:
    history: list[dict] = field(default_factory=list)  # epoch, train_loss, grid_rmse; deterministic
    seconds: list[float] = field(default_factory=list)  # wall time per epoch
    status: str = "ok"  # "ok" or "diverged"
    parameters: int = 0
    device: str = "cpu"
    precision: str = "fp32"
    grid: dict | None = None  # x1, x2, truth, prediction (flattened grid) after the last epoch
    errors: dict = field(default_factory=dict)  # grid_rmse, grid_max_abs, grid_rmse_center/_outer at the end


def train_regressor(
    x: np.ndarray,
    y: np.ndarray,
    run: RegressionSettings,
    log: Callable[[str], None] = print,
    log_every: int = 50,
    checkpoint: str | None = None,
    checkpoint_every_s: float = 2.0,
) -> RegressionResult:
    """Fit `build_regressor(run.hidden)` to (x, y) with the MSE and mini-batches in seeded random order.

    Per epoch: the train MSE (mean over the epoch's batches, weighted by batch size, as Keras
    reports it) and the RMSE on the held-out grid against the noise-free target; after the last
    epoch also the RMSE inside and outside `run.center_radius`. Inputs and targets are used unscaled,
    as in the original; the grid predictions are float32. `log` gets epoch 1, every `log_every`-th
    and the last; with `checkpoint` (a file path) the run saves and resumes there
    (`nnlab.loop.EpochLoop`), after an epoch only when `checkpoint_every_s` seconds have passed
    since the last save (an epoch takes milliseconds; saving each one would slow the run by a
    quarter), and after the last epoch.
    """
    dev = setup_run(run)
    model = build_regressor(run.hidden, run.activation)
    initialise(model, run.init)
    model = model.to(dev)
    run = replace(run, precision=resolve_precision(run.precision, dev, model))
    precision, center_radius = run.precision, run.center_radius
    opt = build_optimizer(run.optimizer, model.parameters(), run.lr, run.optimizer_options)
    xt = torch.as_tensor(x, dtype=torch.float32, device=dev)
    yt = torch.as_tensor(y, dtype=torch.float32, device=dev)
    g1, g2 = make_grid(run.grid_size, *run.grid_range)
    grid_x = np.stack([g1.ravel(), g2.ravel()], axis=1)
    grid_truth = target(grid_x[:, 0], grid_x[:, 1])
    shuffler = torch.Generator().manual_seed(run.seed)
    result = RegressionResult(parameters=count_parameters(model), device=str(dev), precision=precision)
    n = len(xt)
    loop = EpochLoop(run.epochs, model, opt, [shuffler], log, checkpoint, run.checkpoint_settings(), data=(x, y),
                     log_every=log_every, save_every_s=checkpoint_every_s)  # fmt: skip

    def batch_loss(idx):
        return nn.functional.mse_loss(forward(model, xt[idx], precision).squeeze(1), yt[idx])

    for epoch in loop:
        train_loss = train_epoch(opt, batch_loss, n, run.batch_size, shuffler, dev)
        if loop.diverged(train_loss):
            break
        pred = predict(model, grid_x, dev)
        errors = grid_errors(pred, grid_truth, grid_x, center_radius)
        row = {"epoch": epoch, "train_loss": train_loss, "grid_rmse": errors["grid_rmse"]}
        # the grid prediction of the last good epoch is an output: a resumed run needs it back
        loop.end_epoch(row, f"train MSE {train_loss:.5f}  grid RMSE {errors['grid_rmse']:.4f}", {"prediction": pred})
    result.history, result.seconds, result.status = loop.history, loop.seconds, loop.status
    if "prediction" in loop.extra:
        pred = loop.extra["prediction"]
        result.errors = grid_errors(pred, grid_truth, grid_x, center_radius)
        result.grid = {"x1": grid_x[:, 0], "x2": grid_x[:, 1], "truth": grid_truth, "prediction": pred}
    return result


HISTORY_FIELDS = ["epoch", "train_loss", "grid_rmse"]


def write_regression_run(
    result: RegressionResult, labels: dict, y: np.ndarray, history_csv, final_csv, timing_csv, grid_csv
) -> None:
    """Write a run's per-epoch history, final metrics (prefixed by `labels`), timing and grid predictions.

    final.csv also records the variance of the training targets: the MSE of the best constant
    predictor, a baseline for the training loss.
    """
    write_rows(history_csv, result.history, HISTORY_FIELDS)
    last = result.history[-1] if result.history else {}
    final = run_facts(result, labels) | {
        "final_train_loss": last.get("train_loss", float("nan")),
        "grid_rmse": result.errors.get("grid_rmse", float("nan")),
        "grid_max_abs": result.errors.get("grid_max_abs", float("nan")),
        "grid_rmse_center": result.errors.get("grid_rmse_center", float("nan")),
        "grid_rmse_outer": result.errors.get("grid_rmse_outer", float("nan")),
        "target_variance": float(np.var(y)),
    }
    write_rows(final_csv, [final])
    write_rows(timing_csv, [{"epoch": i + 1, "seconds": s} for i, s in enumerate(result.seconds)])
    g = result.grid or {"x1": [], "x2": [], "truth": [], "prediction": []}
    rows = [
        {"x1": float(a), "x2": float(b), "truth": float(t), "prediction": float(p)}
        for a, b, t, p in zip(g["x1"], g["x2"], g["truth"], g["prediction"])
    ]
    write_rows(grid_csv, rows, ["x1", "x2", "truth", "prediction"])
