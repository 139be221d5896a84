"""Train one VAE (task 33): checkpoint, per-epoch ELBO terms, final test ELBO, timing (rule train_task33)."""

import math
from pathlib import Path

from nnlab.data import load_cache
from nnlab.results import write_rows
from nnlab.run import training_job
from nnlab.vae.model import HISTORY_FIELDS, VAESettings, final_row, save_vae, train_vae

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with training_job(sm.log[0], sm.rule, sm.params.labels, sm.resources.mem_mb, sm.params.run):
    data = load_cache(sm.input.npz, sm.input.meta)
    # Beside the outputs, not one of them: it survives a killed job so a rerun resumes from it.
    # (model.pt is the final model, an output; this one holds the per-epoch training state.)
    checkpoint = Path(sm.output.history).with_name("checkpoint.pt")
    run = VAESettings(**sm.params.run, threads=sm.threads)
    result = train_vae(data, run, checkpoint=str(checkpoint))
    save_vae(result.model, sm.output.model)
    write_rows(sm.output.history, result.history, HISTORY_FIELDS)
    write_rows(sm.output.final, [final_row(result, sm.params.labels, math.prod(data.image_shape))])
    write_rows(sm.output.timing, [{"epoch": i + 1, "seconds": s} for i, s in enumerate(result.seconds)])
    checkpoint.unlink(missing_ok=True)
