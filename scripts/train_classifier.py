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
from nnlab.engine import ClassifierSettings, train_classifier
from nnlab.results import write_predictions, write_run
from nnlab.run import training_job

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with training_job(sm.log[0], sm.rule, sm.params.labels, sm.resources.mem_mb, sm.params.run):
    data = load_cache(sm.input.npz, sm.input.meta)
    split = getattr(sm.params, "split", None)
    if split and split["validation"]:
        data = validation_split(data, split["validation"], split["seed"])
        print(f"validation split: train on {len(data.y_train)}, score on {len(data.y_test)} held-out training images")
    # Beside the outputs, not one of them: it survives a killed job so a rerun resumes from it.
    checkpoint = Path(sm.output.history).with_name("checkpoint.pt")
    run = ClassifierSettings(**sm.params.run, threads=sm.threads)
    result = train_classifier(data, run, checkpoint=str(checkpoint), progress=sys.__stderr__.isatty())
    write_run(result, sm.params.labels, sm.output.history, sm.output.final, sm.output.timing)
    if "predictions" in sm.output.keys():
        # A diverged network has no meaningful predictions: the file then holds only its header.
        write_predictions(
            sm.output.predictions, result.test_predictions if result.status == "ok" else None, data.y_test
        )
    if "model" in sm.output.keys():
        save_classifier(result.model, run.model_spec, data.image_shape, len(data.classes), sm.output.model)
    checkpoint.unlink(missing_ok=True)
    print(f"status {result.status}")
