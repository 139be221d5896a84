"""Task 23: per-layer gradient norms and first/output-layer ratios over seeds (rule summarize_task23)."""

from nnlab.gradients.vanishing import summarize
from nnlab.logs import tee_to
from nnlab.results import write_rows

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    layers, ratios = summarize(list(sm.input.final), list(sm.input.norms))
    write_rows(sm.output.norms, layers)
    write_rows(sm.output.ratios, ratios)
    for r in ratios:
        print(
            f"{r['activation']:8s} depth {r['depth']:3d} {r['phase']:8s} first/output ratio {r['ratio_first_output_gmean']:.3e}"
        )
