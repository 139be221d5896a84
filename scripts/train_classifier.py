"""Train one classifier run; write its history, final and timing CSVs (and predictions.csv if the rule names it)."""

from nnlab.data import load_cache
from nnlab.engine import train_classifier
from nnlab.logs import tee_to
from nnlab.results import write_predictions, write_run

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    data = load_cache(sm.input.npz, sm.input.meta)
    print(f"run {sm.params.labels}: {sm.params.run}")
    result = train_classifier(data, threads=sm.threads, **sm.params.run)
    write_run(result, sm.params.labels, sm.output.history, sm.output.final, sm.output.timing)
    if "predictions" in sm.output.keys():  # optional output: predicted class per test image
        write_predictions(sm.output.predictions, result.test_predictions, data.y_test)
