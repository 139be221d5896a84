"""nnlab: retrain every model of the lab report, write CSVs and figures, and compile the PDF.

    snakemake --cores 4                                   # full report (hours on a 2-core CPU)
    snakemake --cores 2 --configfile scales/smoke.yaml    # synthetic data, minutes
"""

from snakemake.utils import min_version

min_version("9.0")


configfile: "config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/task24.smk"
include: "workflow/rules/task29.smk"
include: "workflow/rules/task33.smk"
include: "workflow/rules/task32.smk"
include: "workflow/rules/report.smk"


rule all:
    """Build the report PDF and everything it needs (every table, figure and run CSV)."""
    input:
        pdf="results/report.pdf",
        results=[] if config["partial_report"] else list(REPORT_INPUTS.values()) + TARGETS,
    default_target: True
