"""Task 31 figures: the chosen digits in the autoencoder's and the PCA's plane; the autoencoder's loss."""

from nnlab.latent.figures import loss_curve, scatter_pair
from nnlab.logs import tee_to
from nnlab.plots import use_language

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    use_language(sm.input.figure_words)
    panels = {sm.params.titles["ae"]: sm.input.ae, sm.params.titles["pca"]: sm.input.pca}
    scatter_pair(panels, sm.output.scatter, sm.params.classes, sm.params.per_class)
    curves = {f"seed {s}": h for s, h in zip(sm.params.seeds, sm.input.history, strict=True)}
    loss_curve(curves, sm.output.loss, sm.params.loss_label)
