"""A final metric against a swept setting, with the original report's points (plot_* rules of sweeps)."""

import yaml

from nnlab.classification.figures import metric_vs_setting
from nnlab.logs import tee_to
from nnlab.plots import use_language

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    use_language(sm.input.figure_words)
    with open(sm.input.original) as f:
        original = yaml.safe_load(f).get(sm.params.original_key) or {}
    p = sm.params
    metric_vs_setting(
        sm.input.table, p.x, sm.output.figure, original=original, logx=p.logx, xlabel=p.xlabel, notes=p.notes
    )
    print(f"{p.x} sweep -> {sm.output.figure}")
