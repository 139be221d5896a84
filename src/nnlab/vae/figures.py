"""VAE figures (task 33): the ELBO terms per epoch and the image-quality scores (PDF). The image grids are
in nnlab.vae.images."""

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


DATASET_LABELS = {"mnist": "MNIST", "cifar10": "CIFAR-10"}
QUALITY_SETS = (("test", "real (test)"), ("samples", "samples"), ("reconstructions", "reconstructions"),
                ("baseline", "per-pixel Gaussian"))  # fmt: skip


def quality_bars(tables, path) -> None:
    """Left: normalised Fréchet distance of the samples and reconstructions per dataset, with 95 %
    bootstrap intervals, between real images (0) and the per-pixel Gaussian baseline (1). Right: the
    classifier's mean confidence on each set (nnlab.vae.quality)."""
    rows = [r for t in tables for r in read_rows(t)]
    datasets = list(dict.fromkeys(r["dataset"] for r in rows))
    by = {(r["dataset"], r["set"]): r for r in rows}
    fig, (a, b) = figure(0.85, 3.1, 1, 2)
    for i, (key, label) in enumerate(QUALITY_SETS[1:3]):
        x = [j + (i - 0.5) * 0.35 for j in range(len(datasets))]
        vals = [by[(d, key)]["normalised"] for d in datasets]
        err = [1.96 * by[(d, key)]["normalised_se"] for d in datasets]
        a.bar(x, vals, 0.35, yerr=err, capsize=3, color=f"C{i + 1}", label=label)
    a.axhline(0, color="k", lw=0.8)
    a.axhline(1, color="k", lw=0.8, ls="--", label="per-pixel Gaussian")
    a.set_ylabel("normalised Fréchet distance")
    for i, (key, label) in enumerate(QUALITY_SETS):
        x = [j + (i - 1.5) * 0.2 for j in range(len(datasets))]
        b.bar(x, [by[(d, key)]["confidence"] for d in datasets], 0.2, color=f"C{i}", label=label)
    b.set_ylabel("mean classifier confidence")
    a.set_ylim(0, None)
    b.set_ylim(0, 1)
    for ax in (a, b):
        ax.set_xticks(range(len(datasets)), [DATASET_LABELS.get(d, d) for d in datasets])
        ax.grid(alpha=0.3, axis="y")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2)  # below: the bars fill the axes
    save(fig, path)
