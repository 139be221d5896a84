"""Task 29 figures: prediction histograms, test curves per optimiser, learning-rate sweep.

Named inputs other than table/sweep/predictions/figure_words are the optimisers: {name: [history CSVs]}.
"""

from nnlab.classification.figures import optimizer_curves, prediction_histograms, sweep_curves
from nnlab.logs import tee_to
from nnlab.plots import use_language

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    use_language(sm.input.figure_words)
    groups = {k: list(v) for k, v in sm.input.items() if k not in ("table", "sweep", "predictions", "figure_words")}
    prediction_histograms(sm.input.table, sm.input.predictions, sm.output.predictions)
    optimizer_curves(groups, sm.input.table, sm.output.curves)
    sweep_curves(sm.input.sweep, sm.input.table, sm.output.sweep)
