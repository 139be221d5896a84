"""nnlab: retrain every model of the lab report, write CSVs and figures, and compile the PDF.

snakemake --cores 4                                   # full report (hours on a 2-core CPU)
snakemake --cores 2 --configfile scales/smoke.yaml    # synthetic data, minutes
"""

from snakemake.utils import min_version

min_version("9.0")


configfile: "config.yaml"


include: "workflow/rules/common.smk"


# The first rule is the default target. Its inputs are resolved once every task file below has
# registered its outputs.
rule all:
    """Build the report PDF and everything it needs (every table, figure and run CSV)."""
    input:
        all_targets,


include: "workflow/rules/data.smk"
include: "workflow/rules/task22.smk"
include: "workflow/rules/task23.smk"
include: "workflow/rules/task24.smk"
include: "workflow/rules/task25.smk"
include: "workflow/rules/task27.smk"
include: "workflow/rules/task28.smk"
include: "workflow/rules/task29.smk"
include: "workflow/rules/task30.smk"
include: "workflow/rules/task31.smk"
include: "workflow/rules/task33.smk"
# after task 33: task 32's importance-weighted bounds use task 33's trained VAEs
include: "workflow/rules/task32.smk"
include: "workflow/rules/report.smk"


# Last, once every rule exists: what a rule does not state (its log and benchmark files, a small job's
# resources), each job's code dependency, derived from its script's imports, and its priority, from
# its runtime request.
add_job_defaults(workflow.rules)
add_code_params(workflow.rules)
longest_first(workflow.rules)
