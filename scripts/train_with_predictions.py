"""Train one classifier run; write its history, final, timing and predictions CSVs (train_task29).

With params.validation set, the run trains on the training set minus a held-out validation split and
its "test" metrics and predictions are on that split (data.split.validation_split).
"""

from nnlab.data import load_cache
from nnlab.data.split import validation_split
from nnlab.engine import train_classifier
from nnlab.logs import tee_to
from nnlab.results import write_predictions, write_run

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    data = load_cache(sm.input.npz, sm.input.meta)
    split = sm.params.split
    if split["validation"]:
        data = validation_split(data, split["validation"], split["seed"])
        print(f"validation split: train on {len(data.y_train)}, score on {len(data.y_test)} held-out training images")
    print(f"run {sm.params.labels}: {sm.params.run}")
    result = train_classifier(data, threads=sm.threads, **sm.params.run)
    write_run(result, sm.params.labels, sm.output.history, sm.output.final, sm.output.timing)
    # A diverged network has no meaningful predictions: the file then holds only its header.
    write_predictions(sm.output.predictions, result.test_predictions if result.status == "ok" else None, data.y_test)
    print(f"status {result.status}")
