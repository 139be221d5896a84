"""Task 25: one row per seed with the grid errors and the convergence facts of its loss curve."""

from nnlab.logs import tee_to
from nnlab.regression.convergence import summarize_regression
from nnlab.results import write_rows

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    rows = summarize_regression(list(sm.input.final), list(sm.input.history), **sm.params.convergence)
    write_rows(sm.output.table, rows)
    print(f"{len(rows)} rows -> {sm.output.table}")
