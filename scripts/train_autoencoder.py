"""Train task 31's autoencoder for one seed; write its CSVs and the test images' latent coordinates."""

from pathlib import Path

from nnlab.data import load_cache
from nnlab.latent.autoencoder import AutoencoderSettings, encode, train_autoencoder, write_autoencoder_run
from nnlab.latent.embedding import write_latent
from nnlab.run import training_job

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with training_job(sm.log[0], sm.rule, sm.params.labels, sm.resources.mem_mb, sm.params.run):
    data = load_cache(sm.input.npz, sm.input.meta)
    # Beside the outputs, not one of them: it survives a killed job so a rerun resumes from it.
    checkpoint = Path(sm.output.history).with_name("checkpoint.pt")
    run = AutoencoderSettings(**sm.params.run, threads=sm.threads)
    result = train_autoencoder(data, run, checkpoint=str(checkpoint))
    write_autoencoder_run(result, sm.params.labels, sm.output.history, sm.output.final, sm.output.timing)
    write_latent(sm.output.latent, encode(result.model, data.x_test, result.device), data.y_test)
    checkpoint.unlink(missing_ok=True)
