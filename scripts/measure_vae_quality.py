"""Task 33: judge the VAE's images with task 30's CNN of the same dataset (rule quality_task33)."""

from nnlab.classification.saved import load_classifier
from nnlab.data import load_cache
from nnlab.logs import tee_to
from nnlab.results import write_rows
from nnlab.vae.model import load_vae
from nnlab.vae.quality import FIELDS, measure_vae

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    rows = measure_vae(
        load_vae(sm.input.vae),
        load_classifier(sm.input.classifier),
        load_cache(sm.input.npz, sm.input.meta),
        threads=sm.threads,
        **sm.params.quality,
    )
    write_rows(sm.output.table, [sm.params.labels | r for r in rows], FIELDS)
    for r in rows:
        print(f"{r['set']}: FD {r['fd']:.3g} (normalised {r['normalised']:.3f}), confidence {r['confidence']:.3f}")
