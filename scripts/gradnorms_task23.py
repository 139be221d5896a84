"""Measure one deep MLP's per-layer gradient norms before and after training (rule gradnorms_task23)."""

from nnlab.data import load_cache
from nnlab.engine import resolve_device
from nnlab.gradients.gradnorms import NORM_FIELDS, gradient_norm_run
from nnlab.logs import tee_to
from nnlab.resources import memory_guard
from nnlab.results import write_rows

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

on_cpu = resolve_device(sm.params.run["device"]).type == "cpu"
# The whole job under its memory request: loading the data and writing the outputs count too.
with tee_to(sm.log[0]), memory_guard(sm.rule, f"run {sm.params.labels}", sm.resources.mem_mb, on_cpu):
    data = load_cache(sm.input.npz, sm.input.meta)
    print(f"run {sm.params.labels}: {sm.params.run}")
    result = gradient_norm_run(data, threads=sm.threads, **sm.params.run)
    write_rows(sm.output.norms, result.norms, NORM_FIELDS)
    write_rows(sm.output.final, [{**sm.params.labels, **result.final}])
    write_rows(sm.output.timing, [{"seconds": result.seconds}])
