"""Task 23: the figure of gradient norm per layer, log scale (rule plot_task23)."""

from nnlab.gradients.figures import norms_by_layer
from nnlab.logs import tee_to
from nnlab.plots import use_language
from nnlab.results import read_rows

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    use_language(sm.input.figure_words)
    norms_by_layer(read_rows(sm.input.norms), sm.output.figure)
