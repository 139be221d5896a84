T32 = config["task32"]


rule linear_gaussian_task32:
    """Task 32: ELBO <= log p(x) with gap KL(q || p(z|x)), exactly, on a linear-Gaussian latent model."""
    input:
        code=code("elbo.py", "results.py", "logs.py"),
    output:
        table=report(
            "results/task32/linear_gaussian.csv",
            caption="../report/task32.rst",
            category="Task 32",
            labels={"file": "table"},
        ),
    log:
        log_path("linear_gaussian_task32"),
    benchmark:
        bench_path("linear_gaussian_task32")
    conda:
        ENV_REPORT
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        model=T32["linear_gaussian"],
    message:
        "Checking task 32's ELBO identity on a linear-Gaussian model"
    script:
        "../../scripts/linear_gaussian_elbo.py"


rule iwae_task32:
    """Task 32: the trained VAE's ELBO beside importance-weighted bounds L_K on a fixed test subset."""
    input:
        **dataset_files("{dataset}"),
        model="results/task33/{dataset}/model.pt",
        code=VAE_CODE,
    output:
        table=report(
            "results/task32/iwae_{dataset}.csv",
            caption="../report/task32.rst",
            category="Task 32",
            labels={"file": "{dataset} table"},
        ),
    log:
        log_path("iwae_task32", "{dataset}"),
    benchmark:
        bench_path("iwae_task32", "{dataset}")
    conda:
        ENV_TORCH
    threads: config["threads"]
    resources:
        mem_mb=3000,
        runtime=30,
    params:
        iwae=T32["iwae"],
    message:
        f"Importance-weighted bounds of task 33's VAE on {{wildcards.dataset}}, K = {', '.join(map(str, T32['iwae']['ks']))}"
    script:
        "../../scripts/iwae_bound.py"


TARGETS.append("results/task32/linear_gaussian.csv")
REPORT_INPUTS.update(task32_linear_gaussian="results/task32/linear_gaussian.csv")
for _ds in T33["datasets"]:
    TARGETS.append(f"results/task32/iwae_{_ds}.csv")
    REPORT_INPUTS[f"task32_iwae_{_ds}"] = f"results/task32/iwae_{_ds}.csv"

register_benchmarks("linear_gaussian_task32")
register_benchmarks("iwae_task32", "{dataset}", dataset=list(T33["datasets"]))
