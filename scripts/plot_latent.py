"""Task 31 figures: the chosen digits in the autoencoder's and the PCA's plane; the autoencoder's loss."""

from nnlab.latent.figures import loss_curve, scatter_pair
from nnlab.logs import tee_to
from nnlab.plots import use_language, word

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    use_language(sm.input.figure_words)
    titles = {k: word(key, seed=sm.params.seeds[0]) for k, key in sm.params.titles.items()}  # the AE's: its first seed
    scatter_pair({titles["ae"]: sm.input.ae, titles["pca"]: sm.input.pca}, sm.output.scatter, sm.params.classes,
                 sm.params.per_class)  # fmt: skip
    curves = {word("seed", seed=s): h for s, h in zip(sm.params.seeds, sm.input.history, strict=True)}
    loss_curve(curves, sm.output.loss, sm.params.loss_label)
