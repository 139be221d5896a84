"""Train one classifier run and write its history, final and timing CSVs (train_* rules)."""

import sys
from pathlib import Path

from nnlab.data import load_cache
from nnlab.engine import resolve_device, train_classifier
from nnlab.logs import tee_to
from nnlab.resources import is_out_of_memory, limit_memory, out_of_memory_message
from nnlab.results import write_run

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    data = load_cache(sm.input.npz, sm.input.meta)
    print(f"run {sm.params.labels}: {sm.params.run}")
    # Beside the outputs, not one of them: it survives a killed job so a rerun resumes from it.
    checkpoint = Path(sm.output.history).with_name("checkpoint.pt")
    if resolve_device(sm.params.run["device"]).type == "cpu":
        limit_memory(sm.resources.mem_mb)
    try:
        result = train_classifier(
            data, threads=sm.threads, checkpoint=str(checkpoint), progress=sys.__stderr__.isatty(), **sm.params.run
        )
    except (RuntimeError, MemoryError) as err:
        if not is_out_of_memory(err):
            raise
        print(out_of_memory_message(sm.rule, f"run {sm.params.labels}", sm.resources.mem_mb), file=sys.stderr)
        sys.exit(1)
    write_run(result, sm.params.labels, sm.output.history, sm.output.final, sm.output.timing)
    checkpoint.unlink(missing_ok=True)
