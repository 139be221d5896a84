"""Fit task 25's regression MLP for one seed; write history, final, timing and grid CSVs (train_task25)."""

from pathlib import Path

from nnlab.regression.train import RegressionSettings, make_data, train_regressor, write_regression_run
from nnlab.run import training_job

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with training_job(sm.log[0], sm.rule, sm.params.labels, sm.resources.mem_mb, sm.params.run):
    print(f"data {sm.params.data}")
    # Beside the outputs, not one of them: it survives a killed job so a rerun resumes from it.
    checkpoint = Path(sm.output.history).with_name("checkpoint.pt")
    x, y = make_data(**sm.params.data)
    run = RegressionSettings(**sm.params.run, threads=sm.threads)
    result = train_regressor(x, y, run, checkpoint=str(checkpoint))
    write_regression_run(
        result, sm.params.labels, y, sm.output.history, sm.output.final, sm.output.timing, sm.output.grid
    )
    checkpoint.unlink(missing_ok=True)
