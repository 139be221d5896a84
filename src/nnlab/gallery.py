"""Image galleries for the report: e.g. a few misclassified test images per model (task 30)."""

from __future__ import annotations

import numpy as np

from nnlab.plots import figure, save


def misclassified(rows: list[dict], count: int) -> tuple[list[dict], int]:
    """`count` wrongly predicted test images drawn across the true classes, and how many are wrong in all.

    `rows` are a predictions CSV's rows (index, label, prediction). The first error (by index) of
    each class in turn, then the second of each, ...: a test set sorted by class would otherwise show
    one class only. Deterministic, not a random draw, so the figure is the same on every rerun.
    """
    wrong = [r for r in rows if r["label"] != r["prediction"]]
    by_class: dict = {}
    for r in wrong:
        by_class.setdefault(r["label"], []).append(r)
    queues = [by_class[c] for c in sorted(by_class)]
    shown = [q[i] for i in range(max(map(len, queues), default=0)) for q in queues if i < len(q)]
    return shown[:count], len(wrong)


def gallery(panels: list[dict], path, columns: int) -> None:
    """One row of images per panel: {"title", "images" (N, H, W, C) uint8, "captions", "note"}.

    Grey images (C = 1) are shown black on white, as digits are printed; colour ones as they are.
    """
    columns = max(1, columns)
    rows = max(1, len(panels))
    # the panel titles take about 1.3 in on the left; the images share the rest of the text width
    fig, axes = figure(1.0, 1.15 * rows, rows, columns, squeeze=False)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
        for side in ax.spines.values():
            side.set_visible(False)
    for r, panel in enumerate(panels):
        row = axes[r]
        row[0].set_ylabel(panel["title"], rotation=0, ha="right", va="center", labelpad=6)
        images = panel["images"]
        if len(images) == 0:
            row[0].text(0.5, 0.5, panel.get("note") or "none", ha="center", va="center", transform=row[0].transAxes)
        for c, (img, caption) in enumerate(zip(images, panel["captions"])):
            if c >= columns:
                break
            img = np.asarray(img)
            if img.shape[-1] == 1:
                row[c].imshow(img[..., 0], cmap="gray_r", vmin=0, vmax=255, interpolation="nearest")
            else:
                row[c].imshow(img, interpolation="nearest")
            row[c].set_title(caption, pad=2)
    save(fig, path)
