"""VAE figures (task 33): image grids (PNG) and the ELBO terms per epoch (PDF)."""

from __future__ import annotations

import numpy as np

from matplotlib.ticker import MaxNLocator

from nnlab.io import atomic_path
from nnlab.plots import plt, save
from nnlab.results import read_rows


def tile(images: np.ndarray, ncol: int, pad: int = 1, upscale: int = 3) -> np.ndarray:
    """[n, H, W, C] floats in [0, 1] -> one [rows*(H+pad)+pad, ...] grid image (white gaps), upscaled
    by pixel repetition so a PDF viewer's smoothing does not blur it."""
    n, h, w, c = images.shape
    rows = -(-n // ncol)
    grid = np.ones((rows * (h + pad) + pad, ncol * (w + pad) + pad, c))
    for i, img in enumerate(images):
        r, q = divmod(i, ncol)
        grid[pad + r * (h + pad) : pad + r * (h + pad) + h, pad + q * (w + pad) : pad + q * (w + pad) + w] = img
    grid = grid.repeat(upscale, 0).repeat(upscale, 1)
    return grid[..., 0] if c == 1 else grid


def save_grid(images: np.ndarray, path, ncol: int) -> None:
    """An image grid as a PNG, written atomically (grayscale for one channel)."""
    grid = np.clip(tile(images, ncol), 0.0, 1.0)
    with atomic_path(path) as tmp:
        plt.imsave(tmp, grid, cmap="gray" if grid.ndim == 2 else None, vmin=0.0, vmax=1.0)


def reconstruction_pairs(originals: np.ndarray, recons: np.ndarray, ncol: int) -> np.ndarray:
    """Interleave rows: `ncol` originals, then their reconstructions below, and so on."""
    out = []
    for i in range(0, len(originals), ncol):
        out += [originals[i : i + ncol], recons[i : i + ncol]]
    return np.concatenate(out)


def elbo_curves(history_csv, path, title: str = "") -> None:
    """Left: ELBO and reconstruction term E_q[log p(x|z)]; right: KL(q(z|x) || p(z)); nats per image,
    training (dashed, running mean over the epoch) and test (solid)."""
    rows = read_rows(history_csv)
    epochs = [r["epoch"] for r in rows]
    fig, (a, b) = plt.subplots(1, 2, figsize=(7.5, 3.0))
    for split, style in (("train", "--"), ("test", "-")):
        a.plot(epochs, [r[f"{split}_elbo"] for r in rows], style, color="C0", marker=".", label=f"ELBO ({split})")
        a.plot(epochs, [r[f"{split}_rec"] for r in rows], style, color="C1", marker=".", label=f"reconstruction ({split})")
        b.plot(epochs, [r[f"{split}_kl"] for r in rows], style, color="C2", marker=".", label=f"KL ({split})")
    a.set_ylabel("nats per image")
    b.set_ylabel("KL, nats per image")
    for ax in (a, b):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    if title:
        fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    save(fig, path)
