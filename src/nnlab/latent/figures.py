"""Task 31 figures: chosen test images in two 2-D embeddings side by side, and the autoencoder's loss."""

from __future__ import annotations

from nnlab.latent.embedding import first_per_class, read_latent
from nnlab.plots import epoch_axis, figure, save, word
from nnlab.results import read_rows

# the original's colours: 0 red, 1 green, 2 blue; further classes take the default cycle
CLASS_COLOURS = {0: "red", 1: "green", 2: "blue"}


def scatter_pair(panels: dict, path, classes, per_class: int) -> None:
    """One scatter per embedding: `panels` maps a title (in the figure's language) to a latent CSV; the
    first `per_class` test images of each class are drawn, coloured by class."""
    fig, axes = figure(1.0, 3.2, 1, len(panels), squeeze=False)
    for ax, (title, csv) in zip(axes[0], panels.items()):
        z, labels = read_latent(csv)
        sel = first_per_class(labels, classes, per_class)
        for j, c in enumerate(classes):
            pts = z[sel][labels[sel] == c]
            ax.scatter(pts[:, 0], pts[:, 1], s=9, alpha=0.8, color=CLASS_COLOURS.get(c, f"C{j}"), label=str(c))
        ax.set_title(title)
        ax.set_xlabel("$z_1$")
        ax.set_ylabel("$z_2$")
        ax.legend(title=word("digit"))
        ax.grid(alpha=0.3)
    save(fig, path)


def loss_curve(history_csvs: dict, path, ylabel: str) -> None:
    """Train (dashed) and test (solid) reconstruction loss per epoch, one colour per run: `history_csvs`
    maps a label (in the figure's language) to a history CSV; `ylabel` is a key of the figure words."""
    fig, ax = figure(0.6, 2.4)
    for i, (label, csv) in enumerate(history_csvs.items()):
        rows = read_rows(csv)
        ep = [r["epoch"] for r in rows]
        for split, style in (("train", "--"), ("test", "-")):
            name = word("curve", label=label, split=word(split))
            ax.plot(ep, [r[f"{split}_loss"] for r in rows], style, color=f"C{i}", label=name)
    epoch_axis(ax)
    ax.set_ylabel(word(ylabel))
    ax.grid(alpha=0.3)
    ax.legend()
    save(fig, path)
