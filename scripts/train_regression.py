"""Fit task 25's regression MLP for one seed; write history, final, timing and grid CSVs (train_task25)."""

from pathlib import Path

from nnlab.engine import resolve_device
from nnlab.logs import tee_to
from nnlab.regression.train import make_data, train_regressor, write_regression_run
from nnlab.resources import memory_guard

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

on_cpu = resolve_device(sm.params.run["device"]).type == "cpu"
# The whole job under its memory request: making the data and writing the outputs count too.
with tee_to(sm.log[0]), memory_guard(sm.rule, f"run {sm.params.labels}", sm.resources.mem_mb, on_cpu):
    print(f"run {sm.params.labels}: data {sm.params.data}, training {sm.params.run}")
    # Beside the outputs, not one of them: it survives a killed job so a rerun resumes from it.
    checkpoint = Path(sm.output.history).with_name("checkpoint.pt")
    x, y = make_data(**sm.params.data)
    result = train_regressor(x, y, threads=sm.threads, checkpoint=str(checkpoint), **sm.params.run)
    write_regression_run(
        result, sm.params.labels, y, sm.output.history, sm.output.final, sm.output.timing, sm.output.grid
    )
    checkpoint.unlink(missing_ok=True)
