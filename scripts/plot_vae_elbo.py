"""Task 33: the ELBO, reconstruction and KL terms per epoch (rule plot_task33)."""

from nnlab.logs import tee_to
from nnlab.plots import use_language
from nnlab.vae.figures import elbo_curves

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    use_language(sm.input.figure_words)
    elbo_curves(sm.input.history, sm.output.elbo, **sm.params.title)  # title: its dataset and likelihood
