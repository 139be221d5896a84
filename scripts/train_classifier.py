"""Train one classifier run and write its history, final and timing CSVs (train_* rules).

Optional, by what the rule declares: `output.predictions` (predicted class per test image; header
only for a diverged run), `output.model` (the trained network, nnlab.classification.saved), and `params.split` = {validation: N, seed: S} to train on the training set
minus N held-out images and score on those instead of the test set (nnlab.data.split).
"""

import sys
from pathlib import Path

from nnlab.classification.saved import save_classifier
from nnlab.data import load_cache
from nnlab.data.split import validation_split
from nnlab.engine import resolve_device, train_classifier
from nnlab.logs import tee_to
from nnlab.resources import memory_guard
from nnlab.results import write_predictions, write_run

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

on_cpu = resolve_device(sm.params.run["device"]).type == "cpu"
# The whole job under its memory request: loading the data and writing the outputs count too.
with tee_to(sm.log[0]), memory_guard(sm.rule, f"run {sm.params.labels}", sm.resources.mem_mb, on_cpu):
    data = load_cache(sm.input.npz, sm.input.meta)
    split = getattr(sm.params, "split", None)
    if split and split["validation"]:
        data = validation_split(data, split["validation"], split["seed"])
        print(f"validation split: train on {len(data.y_train)}, score on {len(data.y_test)} held-out training images")
    print(f"run {sm.params.labels}: {sm.params.run}")
    # Beside the outputs, not one of them: it survives a killed job so a rerun resumes from it.
    checkpoint = Path(sm.output.history).with_name("checkpoint.pt")
    result = train_classifier(
        data, threads=sm.threads, checkpoint=str(checkpoint), progress=sys.__stderr__.isatty(), **sm.params.run
    )
    write_run(result, sm.params.labels, sm.output.history, sm.output.final, sm.output.timing)
    if "predictions" in sm.output.keys():
        # A diverged network has no meaningful predictions: the file then holds only its header.
        write_predictions(
            sm.output.predictions, result.test_predictions if result.status == "ok" else None, data.y_test
        )
    if "model" in sm.output.keys():
        save_classifier(result.model, sm.params.run["model_spec"], data.image_shape, len(data.classes), sm.output.model)
    checkpoint.unlink(missing_ok=True)
    print(f"status {result.status}")
