"""Image grids as PNG files (Pillow only, no matplotlib: usable from the torch environment)."""

from __future__ import annotations

import numpy as np
from PIL import Image

from nnlab.io import atomic_path


def tile(images: np.ndarray, ncol: int, pad: int = 1, upscale: int = 3) -> np.ndarray:
    """[n, H, W, C] floats in [0, 1] -> one grid image [rows*(H+pad)+pad, ncol*(W+pad)+pad, C] with
    white gaps, upscaled by pixel repetition so a PDF viewer's smoothing does not blur it."""
    n, h, w, c = images.shape
    rows = -(-n // ncol)
    grid = np.ones((rows * (h + pad) + pad, ncol * (w + pad) + pad, c))
    for i, img in enumerate(images):
        r, q = divmod(i, ncol)
        grid[pad + r * (h + pad) : pad + r * (h + pad) + h, pad + q * (w + pad) : pad + q * (w + pad) + w] = img
    return grid.repeat(upscale, 0).repeat(upscale, 1)


def save_grid(images: np.ndarray, path, ncol: int) -> None:
    """An image grid as an 8-bit PNG (grayscale for one channel, RGB for three), written atomically."""
    grid = (np.clip(tile(images, ncol), 0.0, 1.0) * 255).round().astype(np.uint8)
    img = Image.fromarray(grid[..., 0] if grid.shape[2] == 1 else grid)
    with atomic_path(path) as tmp:
        img.save(tmp, format="PNG")


def reconstruction_pairs(originals: np.ndarray, recons: np.ndarray, ncol: int) -> np.ndarray:
    """Interleave rows: `ncol` originals, then their reconstructions below, and so on."""
    out = []
    for i in range(0, len(originals), ncol):
        out += [originals[i : i + ncol], recons[i : i + ncol]]
    return np.concatenate(out)
