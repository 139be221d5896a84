"""Compile the rendered LaTeX into the report PDF (rule compile_report)."""

from nnlab.report.compile import compile_pdf

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

# The log is the TeX log itself; on failure the error names it and shows its relevant lines.
compile_pdf(sm.input.tex, sm.output.pdf, log=sm.log[0])
