"""Task 29: aggregate the optimiser runs and the learning-rate sweep into table, sweep and prediction CSVs."""

from nnlab.classification.optstudy import summarize_task29
from nnlab.logs import tee_to
from nnlab.results import write_rows

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    test = {k: list(sm.input[k]) for k in ("final", "timing", "history", "predictions")}
    sweep = {k: list(sm.input[f"sweep_{k}"]) for k in ("final", "timing", "history")}
    sequential = {k: list(sm.input[f"seq_{k}"]) for k in ("final", "timing", "history", "predictions")}
    table, sweep_rows, shares = summarize_task29(
        test, sweep, list(sm.params.optimizers), sm.params.n_classes, sequential
    )
    write_rows(sm.output.table, table)
    write_rows(
        sm.output.sweep,
        sweep_rows,
        None if sweep_rows else ["optimizer", "lr", "runs", "diverged", "val_accuracy_mean"],
    )
    write_rows(sm.output.predictions, shares)
    print(f"{len(table)} optimisers, {len(sweep_rows)} sweep settings -> {sm.output.table}, {sm.output.sweep}")
