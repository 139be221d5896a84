"""Task 32: the trained VAE's ELBO vs importance-weighted bounds on a fixed test subset (rule iwae_task32)."""

import numpy as np
import torch

from nnlab.data import load_cache
from nnlab.logs import tee_to
from nnlab.results import write_rows
from nnlab.vae.model import IWAE_FIELDS, iwae_table, load_vae

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive
p = sm.params.iwae

with tee_to(sm.log[0]):
    torch.set_num_threads(sm.threads)
    model = load_vae(sm.input.model, "cpu")
    data = load_cache(sm.input.npz, sm.input.meta)
    # A fixed subset: the same images whatever the K, drawn once from the test set with the seed.
    idx = np.sort(np.random.default_rng(p["seed"]).permutation(len(data.x_test))[: p["n_images"]])
    x = torch.from_numpy(np.ascontiguousarray(data.x_test[idx].transpose(0, 3, 1, 2)))
    rows = iwae_table(model, x, p["ks"], p["seed"])
    for r in rows:
        r.update(dataset=sm.wildcards.dataset, likelihood=model.likelihood)
        print(
            f"{r['bound']:5} K={r['K']!s:>5}: {r['nats_per_image']:.3f} nats/image ({r['bits_per_dim']:.4f} bits/dim), gain {r['gain_over_elbo']:.3f}"
        )
    write_rows(sm.output.table, rows, IWAE_FIELDS)
