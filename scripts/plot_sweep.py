"""A final metric against a swept setting, with the original report's points (plot_* rules of sweeps)."""

import yaml

from nnlab.classification.figures import metric_vs_setting
from nnlab.logs import tee_to
from nnlab.plots import use_language, word

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    use_language(sm.input.figure_words)
    with open(sm.input.original) as f:
        original = yaml.safe_load(f).get(sm.params.original_key) or {}
    p = sm.params
    # points that trained other than the rest's epochs are labelled with theirs ("1 epoch")
    notes = {x: word("epochs_one" if n == 1 else "epochs_many", n=n) for x, n in p.epochs_notes.items()}
    metric_vs_setting(
        sm.input.table, p.x, sm.output.figure, original=original, logx=p.logx, xlabel=p.xlabel, notes=notes
    )
    print(f"{p.x} sweep -> {sm.output.figure}")
