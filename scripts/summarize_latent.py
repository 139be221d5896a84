"""Task 31: k-NN separation of the chosen digits in each embedding (autoencoder seeds, PCA)."""

from nnlab.latent.embedding import summarize_latent
from nnlab.logs import tee_to
from nnlab.results import write_rows

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    runs = [
        {"method": "autoencoder", "seed": s, "latent": p, "final": f}
        for s, p, f in zip(sm.params.seeds, sm.input.ae, sm.input.final, strict=True)
    ]
    runs.append({"method": "pca", "seed": "", "latent": sm.input.pca})
    rows = summarize_latent(runs, **sm.params.separation)
    write_rows(sm.output.table, rows)
    for r in rows:
        print(r)
