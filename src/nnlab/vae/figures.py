"""VAE figure (task 33): the ELBO terms per epoch (PDF). The image grids are in nnlab.vae.images."""

from __future__ import annotations

from matplotlib.ticker import MaxNLocator

from nnlab.plots import figure, save
from nnlab.results import read_rows


def elbo_curves(history_csv, path, title: str = "") -> None:
    """Left: ELBO and reconstruction term E_q[log p(x|z)]; right: KL(q(z|x) || p(z)); nats per image,
    training (dashed, running mean over the epoch) and test (solid)."""
    rows = read_rows(history_csv)
    epochs = [r["epoch"] for r in rows]
    fig, (a, b) = figure(0.85, 2.6, 1, 2)
    for split, style in (("train", "--"), ("test", "-")):
        a.plot(epochs, [r[f"{split}_elbo"] for r in rows], style, color="C0", marker=".", label=f"ELBO ({split})")
        a.plot(
            epochs, [r[f"{split}_rec"] for r in rows], style, color="C1", marker=".", label=f"reconstruction ({split})"
        )
        b.plot(epochs, [r[f"{split}_kl"] for r in rows], style, color="C2", marker=".", label=f"KL ({split})")
    a.set_ylabel("nats per image")
    b.set_ylabel("KL, nats per image")
    for ax in (a, b):
        if len(epochs) <= 12:
            ax.set_xticks(epochs)
        else:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    save(fig, path)
