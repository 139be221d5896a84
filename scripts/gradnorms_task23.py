"""Measure one deep MLP's per-layer gradient norms before and after training (rule gradnorms_task23)."""

from nnlab.data import load_cache
from nnlab.gradients.gradnorms import NORM_FIELDS, GradNormSettings, gradient_norm_run
from nnlab.results import write_rows
from nnlab.run import training_job

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with training_job(sm.log[0], sm.rule, sm.params.labels, sm.resources.mem_mb, sm.params.run):
    data = load_cache(sm.input.npz, sm.input.meta)
    run = GradNormSettings(**sm.params.run, threads=sm.threads)
    result = gradient_norm_run(data, run)
    write_rows(sm.output.norms, result.norms, NORM_FIELDS)
    write_rows(sm.output.final, [{**sm.params.labels, **result.final}])
    write_rows(sm.output.timing, [{"seconds": result.seconds}])
