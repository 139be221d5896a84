"""VAE figures (task 33): the ELBO terms per epoch and the image-quality scores (PDF). The image grids are
in nnlab.vae.images."""

from __future__ import annotations

from nnlab.plots import epoch_axis, figure, save, word
from nnlab.results import read_rows


def elbo_curves(history_csv, path, dataset: str = "", likelihood: str = "") -> None:
    """Left: ELBO and reconstruction term E_q[log p(x|z)]; right: KL(q(z|x) || p(z)); nats per image,
    training (dashed, running mean over the epoch) and test (solid). Titled by `dataset` and `likelihood`
    (config names) where given."""
    rows = read_rows(history_csv)
    epochs = [r["epoch"] for r in rows]
    fig, (a, b) = figure(0.85, 2.6, 1, 2)
    for split, style in (("train", "--"), ("test", "-")):
        for ax, term, colour in ((a, "elbo", "C0"), (a, "rec", "C1"), (b, "kl", "C2")):
            name = word("curve", label=word(f"terms.{term}"), split=word(split))
            ax.plot(epochs, [r[f"{split}_{term}"] for r in rows], style, color=colour, marker=".", label=name)
    a.set_ylabel(word("nats_per_image"))
    b.set_ylabel(word("kl_nats_per_image"))
    for ax in (a, b):
        epoch_axis(ax)
        ax.grid(alpha=0.3)
        ax.legend()
    if dataset:
        fig.suptitle(word("elbo_title", dataset=word(f"names.{dataset}"), likelihood=word(f"names.{likelihood}")))
    save(fig, path)


QUALITY_SETS = ("test", "samples", "reconstructions", "baseline")  # the sets of nnlab.vae.quality, in order


def quality_bars(tables, path) -> None:
    """Left: normalised Fréchet distance of the samples and reconstructions per dataset, with 95 %
    bootstrap intervals, between real images (0) and the per-pixel Gaussian baseline (1). Right: the
    classifier's mean confidence on each set (nnlab.vae.quality)."""
    rows = [r for t in tables for r in read_rows(t)]
    datasets = list(dict.fromkeys(r["dataset"] for r in rows))
    by = {(r["dataset"], r["set"]): r for r in rows}
    fig, (a, b) = figure(0.85, 3.1, 1, 2)
    for i, key in enumerate(QUALITY_SETS[1:3]):
        x = [j + (i - 0.5) * 0.35 for j in range(len(datasets))]
        vals = [by[(d, key)]["normalised"] for d in datasets]
        err = [1.96 * by[(d, key)]["normalised_se"] for d in datasets]
        a.bar(x, vals, 0.35, yerr=err, capsize=3, color=f"C{i + 1}", label=word(f"sets.{key}"))
    a.axhline(0, color="k", lw=0.8)
    a.axhline(1, color="k", lw=0.8, ls="--", label=word("sets.baseline"))
    a.set_ylabel(word("normalised_fd"))
    for i, key in enumerate(QUALITY_SETS):
        x = [j + (i - 1.5) * 0.2 for j in range(len(datasets))]
        b.bar(x, [by[(d, key)]["confidence"] for d in datasets], 0.2, color=f"C{i}", label=word(f"sets.{key}"))
    b.set_ylabel(word("mean_confidence"))
    a.set_ylim(0, None)
    b.set_ylim(0, 1)
    for ax in (a, b):
        ax.set_xticks(range(len(datasets)), [word(f"names.{d}") for d in datasets])
        ax.grid(alpha=0.3, axis="y")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2)  # below: the bars fill the axes
    save(fig, path)
