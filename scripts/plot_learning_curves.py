"""Accuracy and loss per epoch, one curve pair per group of runs (plot_* rules).

Named inputs other than `figure_words` are the groups: {label: [history CSVs of its seeds]}.
"""

from nnlab.classification.figures import learning_curves
from nnlab.logs import tee_to
from nnlab.plots import use_language

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    use_language(sm.input.figure_words)
    groups = {k: list(v) for k, v in sm.input.items() if k != "figure_words"}
    learning_curves(groups, "accuracy", sm.output.accuracy)
    learning_curves(groups, "loss", sm.output.loss)
