"""Task 32: ELBO, log p(x), gap and KL(q || p(z|x)) on a linear-Gaussian model (rule linear_gaussian_task32)."""

from nnlab.logs import tee_to
from nnlab.results import write_rows
from nnlab.vae.elbo import identity_table

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    rows = identity_table(**sm.params.model)
    for r in rows:
        print(
            f"{r['q']}: ELBO {r['elbo']:.6f}  log p(x) {r['log_px']:.6f}  gap {r['gap']:.6f}  KL {r['kl_posterior']:.6f}"
        )
    write_rows(sm.output.table, rows)
