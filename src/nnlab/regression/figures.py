"""Task 25 figures: the learned surface against the true function, and the loss curves."""

from __future__ import annotations

import numpy as np

from nnlab.plots import canvas, epoch_axis, figure, save, word
from nnlab.results import read_rows


def _grid(rows: list[dict], key: str) -> np.ndarray:
    n = int(round(np.sqrt(len(rows))))
    return np.array([r[key] for r in rows], dtype=np.float64).reshape(n, n)


def surface(grid_csv, path, lines: int = 26) -> None:
    """Left: 3-D wireframes of the model (red) and the true function (blue), as the original drew
    them. Right: the error f_NN - f on the grid as a colour map.

    `lines` is about how many wireframe lines are drawn in each direction.
    """
    rows = read_rows(grid_csv)
    x1, x2 = _grid(rows, "x1"), _grid(rows, "x2")
    truth, pred = _grid(rows, "truth"), _grid(rows, "prediction")
    stride = max(1, (len(x1) - 1) // (lines - 1))
    # placed by hand: constrained layout sets a 3-D axes' labels over its neighbour's
    fig = canvas(1.0, 2.9, layout=None)
    ax = fig.add_axes((0.0, 0.02, 0.47, 0.96), projection="3d")
    ax.plot_wireframe(x1, x2, truth, rstride=stride, cstride=stride, color="tab:blue", lw=0.5, label=word("true_f"))
    ax.plot_wireframe(x1, x2, pred, rstride=stride, cstride=stride, color="tab:red", lw=0.5, label=word("model_f"))
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_zlabel("$f$")
    ax.view_init(elev=25, azim=-60)
    ax.legend(loc="upper left")
    ax2 = fig.add_axes((0.64, 0.15, 0.27, 0.75))
    err = pred - truth
    lim = float(np.abs(err).max()) or 1.0
    im = ax2.imshow(
        err, origin="lower", extent=(x1.min(), x1.max(), x2.min(), x2.max()), cmap="RdBu_r", vmin=-lim, vmax=lim
    )
    ax2.set_xlabel("$x_1$")
    ax2.set_ylabel("$x_2$")
    ax2.set_title(word("error_map"))
    fig.colorbar(im, cax=fig.add_axes((0.93, 0.15, 0.02, 0.75)))
    save(fig, path)


def loss_curves(history_csvs: dict, path, claim_epoch: int | None = None, baseline: float | None = None) -> None:
    """Train MSE (solid) and held-out grid MSE (dashed) per epoch on a log y axis, one colour per seed.

    `history_csvs` maps a label (in the figure's language, e.g. "seed 1") to a history CSV; `claim_epoch`
    draws a vertical line, `baseline` (the variance of the targets: the best constant's MSE) a horizontal one.
    """
    fig, ax = figure(0.62, 2.6)
    for i, (label, csv) in enumerate(history_csvs.items()):
        rows = read_rows(csv)
        if not rows:
            continue
        ep = [r["epoch"] for r in rows]
        ax.plot(ep, [r["train_loss"] for r in rows], "-", color=f"C{i}", lw=1, label=word("train_mse", label=label))
        ax.plot(ep, [r["grid_rmse"] ** 2 for r in rows], "--", color=f"C{i}", lw=1, label=word("grid_mse", label=label))
    if claim_epoch:
        ax.axvline(claim_epoch, color="grey", ls=":", lw=1, label=word("epoch_n", epoch=claim_epoch))
    if baseline is not None:
        ax.axhline(baseline, color="black", ls="-.", lw=0.8, label=word("constant_predictor"))
    ax.set_yscale("log")
    epoch_axis(ax)
    ax.set_ylabel(word("names.mse"))
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    save(fig, path)
