"""Task 33 figures from the checkpoint: prior samples, test reconstructions, ELBO terms per epoch (rule figures_task33)."""

from nnlab.data import load_cache
from nnlab.logs import tee_to
from nnlab.plots_vae import elbo_curves, reconstruction_pairs, save_grid
from nnlab.vae import load_vae, reconstruct, sample_prior

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive
p = sm.params.figures

with tee_to(sm.log[0]):
    model = load_vae(sm.input.model, "cpu")
    save_grid(sample_prior(model, p["n_samples"], p["seed"]), sm.output.samples, p["ncol"])
    images = load_cache(sm.input.npz, sm.input.meta).x_test[: p["n_reconstructions"]]
    pairs = reconstruction_pairs(images / 255.0, reconstruct(model, images), p["ncol"])
    save_grid(pairs, sm.output.reconstructions, p["ncol"])
    elbo_curves(sm.input.history, sm.output.elbo, sm.params.title)
    print(f"wrote {sm.output.samples}, {sm.output.reconstructions}, {sm.output.elbo}")
