"""Task 33: the image-quality scores of every dataset in one figure (rule plot_task33_quality)."""

from nnlab.logs import tee_to
from nnlab.plots import use_language
from nnlab.vae.figures import quality_bars

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    use_language(sm.input.figure_words)
    quality_bars(sm.input.tables, sm.output.figure)
