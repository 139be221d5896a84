"""Aggregate final metrics over seeds into one table CSV (summarize_* rules)."""

from nnlab.logs import tee_to
from nnlab.results import summarize, write_rows

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    rows = summarize(list(sm.input.final), list(sm.input.timing), list(sm.input.history), list(sm.params.by))
    write_rows(sm.output.table, rows)
    print(f"{len(rows)} rows -> {sm.output.table}")
