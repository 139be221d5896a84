"""Train one classifier run and write its history, final and timing CSVs (train_* rules)."""

from pathlib import Path

from nnlab.data import load_cache
from nnlab.engine import train_classifier
from nnlab.logs import tee_to
from nnlab.results import write_run

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    data = load_cache(sm.input.npz, sm.input.meta)
    print(f"run {sm.params.labels}: {sm.params.run}")
    # Beside the outputs, not one of them: it survives a killed job so a rerun resumes from it.
    checkpoint = Path(sm.output.history).with_name("checkpoint.pt")
    result = train_classifier(data, threads=sm.threads, checkpoint=str(checkpoint), **sm.params.run)
    write_run(result, sm.params.labels, sm.output.history, sm.output.final, sm.output.timing)
    checkpoint.unlink(missing_ok=True)
