"""Train one network through several optimisers in turn and write each stage's history, final,
timing and predictions CSVs (train_task29_sequential).

`params.stages`: per stage the optimiser settings; `params.run`: the settings shared by every stage;
`params.labels`: the labels of every stage's final.csv, to which each stage adds its own.
"""

import sys
from pathlib import Path

from nnlab.classification.sequential import stage_checkpoint, train_sequential
from nnlab.data import load_cache
from nnlab.engine import ClassifierSettings
from nnlab.results import write_predictions, write_run
from nnlab.run import training_job

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with training_job(sm.log[0], sm.rule, sm.params.labels, sm.resources.mem_mb, sm.params.run):
    data = load_cache(sm.input.npz, sm.input.meta)
    print(f"stages {sm.params.stages}")
    # Beside the outputs, not among them: they survive a killed job so a rerun resumes at its stage.
    ckpt_dir = Path(sm.output.history[0]).parent.parent
    run = ClassifierSettings(**sm.params.run, threads=sm.threads)
    results = train_sequential(data, sm.params.stages, run, ckpt_dir, progress=sys.__stderr__.isatty())
    outputs = zip(sm.output.history, sm.output.final, sm.output.timing, sm.output.predictions, strict=True)
    for k, (stage, result, (history, final, timing, predictions)) in enumerate(
        zip(sm.params.stages, results, outputs, strict=True), 1
    ):
        labels = {**sm.params.labels, "optimizer": stage["optimizer"], "lr": stage["lr"], "stage": k}
        write_run(result, labels, history, final, timing)
        write_predictions(predictions, result.test_predictions if result.status == "ok" else None, data.y_test)
        print(f"stage {k} ({stage['optimizer']}): status {result.status}")
    for k in range(1, len(results) + 1):
        stage_checkpoint(ckpt_dir, k).unlink(missing_ok=True)
