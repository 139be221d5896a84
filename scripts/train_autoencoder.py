"""Train task 31's autoencoder for one seed; write its CSVs and the test images' latent coordinates."""

from pathlib import Path

from nnlab.data import load_cache
from nnlab.engine import resolve_device
from nnlab.latent.autoencoder import encode, train_autoencoder, write_autoencoder_run
from nnlab.latent.embedding import write_latent
from nnlab.logs import tee_to
from nnlab.resources import memory_guard

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

on_cpu = resolve_device(sm.params.run["device"]).type == "cpu"
# The whole job under its memory request: loading the data and writing the outputs count too.
with tee_to(sm.log[0]), memory_guard(sm.rule, f"run {sm.params.labels}", sm.resources.mem_mb, on_cpu):
    data = load_cache(sm.input.npz, sm.input.meta)
    print(f"run {sm.params.labels}: {sm.params.run}")
    # Beside the outputs, not one of them: it survives a killed job so a rerun resumes from it.
    checkpoint = Path(sm.output.history).with_name("checkpoint.pt")
    result = train_autoencoder(data, threads=sm.threads, checkpoint=str(checkpoint), **sm.params.run)
    write_autoencoder_run(result, sm.params.labels, sm.output.history, sm.output.final, sm.output.timing)
    write_latent(sm.output.latent, encode(result.model, data.x_test, result.device), data.y_test)
    checkpoint.unlink(missing_ok=True)
