"""Train one VAE (task 33): checkpoint, per-epoch ELBO terms, final test ELBO, timing (rule train_task33)."""

import math

from nnlab.data import load_cache
from nnlab.logs import tee_to
from nnlab.results import write_rows
from nnlab.vae import HISTORY_FIELDS, final_row, save_vae, train_vae

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    data = load_cache(sm.input.npz, sm.input.meta)
    print(f"run {sm.params.labels}: {sm.params.run}")
    result = train_vae(data, threads=sm.threads, **sm.params.run)
    save_vae(result.model, sm.output.model)
    write_rows(sm.output.history, result.history, HISTORY_FIELDS)
    write_rows(sm.output.final, [final_row(result, sm.params.labels, math.prod(data.image_shape))])
    write_rows(sm.output.timing, [{"epoch": i + 1, "seconds": s} for i, s in enumerate(result.seconds)])
