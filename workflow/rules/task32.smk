T32 = config["task32"]
T32_DATASETS = list(config["task33"]["datasets"])  # the datasets of task 33's trained VAEs


rule linear_gaussian_task32:
    """Task 32: ELBO <= log p(x) with gap KL(q || p(z|x)), exactly, on a linear-Gaussian latent model."""
    output:
        table=in_report("results/task32/linear_gaussian.csv", "task32", file="table"),
    conda:
        ENV_REPORT
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
        model=rules.train_task33.output.model,
    output:
        table=in_report("results/task32/iwae_{dataset}.csv", "task32", file="{dataset} table"),
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


TARGETS.append(rules.linear_gaussian_task32.output.table)
REPORT_INPUTS.update(task32_linear_gaussian=rules.linear_gaussian_task32.output.table)
for _ds in T32_DATASETS:
    TARGETS.append(rules.iwae_task32.output.table.format(dataset=_ds))
    REPORT_INPUTS[f"task32_iwae_{_ds}"] = rules.iwae_task32.output.table.format(dataset=_ds)
