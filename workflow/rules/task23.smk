# Task 23: vanishing gradients, sigmoid vs ReLU: the derivative bounds with sympy, and the
# per-layer gradient norms of deep MLPs at initialisation and after training.
T23 = config["task23"]
T23_RUN = "results/task23/{activation}/depth{depth}/seed{seed}"
T23_RUNS = {
    name: expand(f"{T23_RUN}/{name}.csv", activation=T23["activations"], depth=T23["depths"], seed=T23["seeds"])
    for name in ("norms", "final", "timing")
}


rule derive_task23:
    """Task 23: sigma' = sigma(1 - sigma) <= 1/4 and ReLU' in {0, 1} with sympy; the (1/4)^L bound per depth."""
    input:
        code=code("derivations.py", "results.py"),
    output:
        facts="results/task23/derivation.csv",
    log:
        log_path("derive_task23"),
    benchmark:
        bench_path("derive_task23")
    conda:
        ENV_TORCH
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        depths=T23["depths"],
    message:
        "Deriving task 23's derivative bounds with sympy"
    script:
        "../../scripts/derive_task23.py"


rule gradnorms_task23:
    """Task 23: one deep MLP's per-layer weight-gradient norms, at initialisation and after training."""
    input:
        **dataset_files(T23["dataset"]),
        code=sorted({*TRAIN_CODE, *code("gradnorms.py")}),
    output:
        norms=f"{T23_RUN}/norms.csv",
        final=f"{T23_RUN}/final.csv",
        timing=f"{T23_RUN}/timing.csv",
    log:
        log_path("gradnorms_task23", "{activation}_depth{depth}_seed{seed}"),
    benchmark:
        bench_path("gradnorms_task23", "{activation}_depth{depth}_seed{seed}")
    wildcard_constraints:
        activation="sigmoid|relu|tanh",
        depth=r"\d+",
    conda:
        ENV_TORCH
    threads: config["threads"]
    resources:
        mem_mb=1000,  # peak resident memory 760 MB (depth 20, real MNIST), +30 %
        runtime=30,
    params:
        run=lambda wc: {
            "depth": int(wc.depth),
            "width": T23["width"],
            "activation": wc.activation,
            "init": config["init"],
            "optimizer": T23["optimizer"],
            "lr": T23["lr"],
            "batch_size": T23["batch_size"],
            "epochs": T23["epochs"],
            "measure_samples": T23["measure_samples"],
            "seed": int(wc.seed),
            "device": config["device"],
        },
        labels=lambda wc: {
            "task": 23,
            "activation": wc.activation,
            "depth": int(wc.depth),
            "width": T23["width"],
            "seed": int(wc.seed),
        },
    message:
        "Measuring task 23's gradient norms, {wildcards.activation}, {wildcards.depth} hidden layers, seed {wildcards.seed}"
    script:
        "../../scripts/gradnorms_task23.py"


rule summarize_task23:
    """Task 23: per-layer gradient norms and first/output-layer ratios, over seeds (log scale)."""
    input:
        final=T23_RUNS["final"],
        norms=T23_RUNS["norms"],
        code=code("vanishing.py", "results.py"),
    output:
        norms="results/task23/norms.csv",
        ratios="results/task23/ratios.csv",
    log:
        log_path("summarize_task23"),
    benchmark:
        bench_path("summarize_task23")
    conda:
        ENV_REPORT
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    message:
        "Summarising task 23's gradient norms over seeds"
    script:
        "../../scripts/summarize_task23.py"


rule plot_task23:
    """Task 23: gradient norm per layer (log scale), sigmoid vs ReLU, at initialisation and after training."""
    input:
        norms="results/task23/norms.csv",
        code=code("vanishing.py", "plots.py", "results.py"),
    output:
        figure=report(
            "results/task23/figures/gradient_norms.pdf",
            caption="../report/task23.rst",
            category="Task 23",
            labels={"file": "figure"},
        ),
    log:
        log_path("plot_task23"),
    benchmark:
        bench_path("plot_task23")
    conda:
        ENV_REPORT
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    message:
        "Plotting task 23's gradient norms per layer"
    script:
        "../../scripts/plot_task23.py"


TARGETS.extend(T23_RUNS["norms"] + T23_RUNS["final"] + T23_RUNS["timing"])
REPORT_INPUTS.update(
    task23_derivation="results/task23/derivation.csv",
    task23_norms="results/task23/norms.csv",
    task23_ratios="results/task23/ratios.csv",
    task23_figure="results/task23/figures/gradient_norms.pdf",
)
register_benchmarks("prepare_dataset", "{dataset}", dataset=T23["dataset"])
register_benchmarks("derive_task23")
register_benchmarks(
    "gradnorms_task23", "{activation}_depth{depth}_seed{seed}",
    activation=T23["activations"], depth=T23["depths"], seed=T23["seeds"],
)  # fmt: skip
register_benchmarks("summarize_task23")
register_benchmarks("plot_task23")
