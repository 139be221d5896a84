# Task 22: backpropagation on a scalar chain, derived with sympy and checked against autograd.
import yaml

T22 = config["task22"]
with open(Path(workflow.basedir) / "report/original.yaml") as _f:
    T22_ORIGINAL = yaml.safe_load(_f).get("task22", {})


rule derive_task22:
    """Task 22: every expression of the chain with sympy; delta form vs direct derivative, both vs autograd."""
    output:
        expressions=in_report("results/task22/expressions.csv", "task22", file="expressions"),
        autograd=in_report("results/task22/autograd.csv", "task22", file="autograd"),
        checks="results/task22/checks.csv",
        original="results/task22/original.csv",
    conda:
        ENV_TORCH
    params:
        layers=T22["layers"],
        points=T22["check_points"],
        low=T22["check_range"][0],
        high=T22["check_range"][1],
        seed=T22["check_seed"],
        rtol=T22["rtol"],
        original=T22_ORIGINAL,  # the original report's formulas, compared with ours
    message:
        "Deriving task 22's backpropagation chain with sympy and checking it against autograd"
    script:
        "../../scripts/derive_task22.py"


REPORT_INPUTS.update({f"task22_{name}": path for name, path in rules.derive_task22.output.items()})
