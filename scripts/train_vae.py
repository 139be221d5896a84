"""Train one VAE (task 33): checkpoint, per-epoch ELBO terms, final test ELBO, timing (rule train_task33)."""

import math
from pathlib import Path

from nnlab.data import load_cache
from nnlab.engine import resolve_device
from nnlab.logs import tee_to
from nnlab.resources import memory_guard
from nnlab.results import write_rows
from nnlab.vae.model import HISTORY_FIELDS, final_row, save_vae, train_vae

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

on_cpu = resolve_device(sm.params.run["device"]).type == "cpu"
# The whole job under its memory request: loading the data and writing the outputs count too.
with tee_to(sm.log[0]), memory_guard(sm.rule, f"run {sm.params.labels}", sm.resources.mem_mb, on_cpu):
    data = load_cache(sm.input.npz, sm.input.meta)
    print(f"run {sm.params.labels}: {sm.params.run}")
    # Beside the outputs, not one of them: it survives a killed job so a rerun resumes from it.
    # (model.pt is the final model, an output; this one holds the per-epoch training state.)
    checkpoint = Path(sm.output.history).with_name("checkpoint.pt")
    result = train_vae(data, threads=sm.threads, checkpoint=str(checkpoint), **sm.params.run)
    save_vae(result.model, sm.output.model)
    write_rows(sm.output.history, result.history, HISTORY_FIELDS)
    write_rows(sm.output.final, [final_row(result, sm.params.labels, math.prod(data.image_shape))])
    write_rows(sm.output.timing, [{"epoch": i + 1, "seconds": s} for i, s in enumerate(result.seconds)])
    checkpoint.unlink(missing_ok=True)
