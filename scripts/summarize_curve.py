"""Final metrics over seeds (table) and the per-epoch mean learning curve (summarize_* rules of long runs)."""

from nnlab.classification.curves import CURVE_FIELDS, mean_curve
from nnlab.logs import tee_to
from nnlab.results import summarize, write_rows

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    rows = summarize(list(sm.input.final), list(sm.input.timing), list(sm.input.history), list(sm.params.by))
    write_rows(sm.output.table, rows)
    curve = mean_curve(list(sm.input.history))
    write_rows(sm.output.curve, curve, CURVE_FIELDS)
    print(f"{len(rows)} rows -> {sm.output.table}; {len(curve)} epochs -> {sm.output.curve}")
