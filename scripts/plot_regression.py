"""Task 25 figures: the learned surface vs the true function, and the loss curves (plot_task25)."""

from nnlab.logs import tee_to
from nnlab.plots import use_language, word
from nnlab.regression.figures import loss_curves, surface
from nnlab.results import read_rows

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    use_language(sm.input.figure_words)
    surface(sm.input.grid, sm.output.surface)
    baseline = read_rows(sm.input.table)[0]["target_variance"]
    curves = {word("seed", seed=s): h for s, h in zip(sm.params.seeds, sm.input.history, strict=True)}
    loss_curves(curves, sm.output.loss, claim_epoch=sm.params.claim_epoch, baseline=baseline)
