# Task 22: backpropagation on a scalar chain, derived with sympy and checked against autograd.
import yaml

T22 = config["task22"]
with open(Path(workflow.basedir) / "report/original.yaml") as _f:
    T22_ORIGINAL = yaml.safe_load(_f).get("task22", {})


rule derive_task22:
    """Task 22: every expression of the chain with sympy; delta form vs direct derivative, both vs autograd."""
    input:
        code=code("derivations.py", "results.py"),
    output:
        expressions=report(
            "results/task22/expressions.csv",
            caption="../report/task22.rst",
            category="Task 22",
            labels={"file": "expressions"},
        ),
        autograd=report(
            "results/task22/autograd.csv",
            caption="../report/task22.rst",
            category="Task 22",
            labels={"file": "autograd"},
        ),
        checks="results/task22/checks.csv",
        original="results/task22/original.csv",
    log:
        log_path("derive_task22"),
    benchmark:
        bench_path("derive_task22")
    conda:
        ENV_TORCH
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
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


REPORT_INPUTS.update(
    task22_expressions="results/task22/expressions.csv",
    task22_autograd="results/task22/autograd.csv",
    task22_checks="results/task22/checks.csv",
    task22_original="results/task22/original.csv",
)
register_benchmarks("derive_task22")
