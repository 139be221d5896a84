"""Task 33 image grids from the checkpoint: prior samples and test reconstructions (rule figures_task33)."""

import numpy as np

from nnlab.data import load_cache
from nnlab.logs import tee_to
from nnlab.vae.images import reconstruction_pairs, save_grid
from nnlab.vae.model import load_vae, reconstruct, sample_prior

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive
p = sm.params.figures

with tee_to(sm.log[0]):
    model = load_vae(sm.input.model, "cpu")
    save_grid(sample_prior(model, p["n_samples"], p["seed"]), sm.output.samples, p["ncol"])
    x_test = load_cache(sm.input.npz, sm.input.meta).x_test
    # A seeded random draw of test images: the test set may be ordered by class.
    images = x_test[np.random.default_rng(p["seed"]).permutation(len(x_test))[: p["n_reconstructions"]]]
    save_grid(
        reconstruction_pairs(images / 255.0, reconstruct(model, images), p["ncol"]),
        sm.output.reconstructions,
        p["ncol"],
    )
    print(f"wrote {sm.output.samples}, {sm.output.reconstructions}")
