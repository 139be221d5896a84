import math

T30 = config["task30"]
T30_RUN = "results/task30/{dataset}/{model}/seed{seed}"

# Measured on the 2-core development machine with the default networks (2 torch threads, batch
# 128, full data, machine otherwise idle): training seconds per epoch (from per-step timings:
# MNIST CNN 115 ms, CIFAR-10 CNN 523 ms, MLPs 10 and 24 ms per batch). Memory: peak resident memory
# (real data, evaluation in batches of 128) MNIST CNN 0.92 GB, CIFAR-10 CNN 1.25 GB, MLPs 0.85 and
# 1.2 GB (the CIFAR-10 arrays, uint8 and float32 views of batches, are most of the difference); +30 %.
# Channels-last memory format was measured too and does not pay on this CPU (MNIST CNN 122 ms,
# CIFAR-10 CNN 1320 ms per batch), so the networks keep the default layout.
T30_SECONDS_PER_EPOCH = {("mnist", "cnn"): 60, ("cifar10", "cnn"): 210, ("mnist", "mlp"): 7, ("cifar10", "mlp"): 12}
T30_MEM_MB = {("mnist", "cnn"): 1200, ("cifar10", "cnn"): 1650, ("mnist", "mlp"): 1100, ("cifar10", "mlp"): 1600}


rule train_task30:
    """Task 30: train the network with (cnn) or without (mlp) convolution on one dataset, one seed."""
    input:
        npz=lambda wc: dataset_files(wc.dataset)["npz"],
        meta=lambda wc: dataset_files(wc.dataset)["meta"],
        code=TRAIN_CODE,
    output:
        history=f"{T30_RUN}/history.csv",
        final=f"{T30_RUN}/final.csv",
        timing=f"{T30_RUN}/timing.csv",
        predictions=f"{T30_RUN}/predictions.csv",
    log:
        log_path("train_task30", "{dataset}_{model}_seed{seed}"),
    benchmark:
        bench_path("train_task30", "{dataset}_{model}_seed{seed}")
    wildcard_constraints:
        model="cnn|mlp",
    conda:
        ENV_TORCH
    threads: config["threads"]
    resources:
        mem_mb=lambda wc: T30_MEM_MB[(wc.dataset, wc.model)],
        runtime=t30_runtime,
    params:
        run=lambda wc: {
            "model_spec": T30["architectures"][wc.model][wc.dataset],
            "loss": T30["loss"],
            "optimizer": T30["optimizer"],
            "lr": T30["lr"],
            "epochs": t30_epochs(wc),
            "batch_size": T30["batch_size"],
            "seed": int(wc.seed),
            "device": config["device"],
            "init": config["init"],
            "precision": config["precision"],
        },
        labels=lambda wc: {"task": 30, "dataset": wc.dataset, "model": wc.model, "seed": int(wc.seed)},
    message:
        "Training task 30, {wildcards.model} on {wildcards.dataset}, seed {wildcards.seed}"
    script:
        "../../scripts/train_classifier.py"


rule summarize_task30:
    """Task 30: final test accuracy per dataset and model, mean ± std over seeds."""
    input:
        final=t30_runs("final"),
        timing=t30_runs("timing"),
        history=t30_runs("history"),
        code=code("results.py"),
    output:
        table=report(
            "results/task30/table.csv",
            caption="../report/task30.rst",
            category="Task 30",
            labels={"file": "table"},
        ),
    log:
        log_path("summarize_task30"),
    benchmark:
        bench_path("summarize_task30")
    conda:
        ENV_REPORT
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        by=["dataset", "model"],
    message:
        "Summarising task 30 over seeds"
    script:
        "../../scripts/summarize_runs.py"


rule plot_task30_misclassified:
    """Task 30: a few misclassified test images per dataset and model (first seed)."""
    input:
        figure_words=FIGURE_WORDS,
        predictions=t30_runs("predictions", seeds=T30["seeds"][:1]),
        npz=[dataset_files(d)["npz"] for d in T30["datasets"]],
        meta=[dataset_files(d)["meta"] for d in T30["datasets"]],
        code=sorted({*PLOT_CODE, *DATA_CODE, *code("gallery.py")}),
    output:
        figure=report(
            "results/task30/figures/misclassified.pdf",
            caption="../report/task30.rst",
            category="Task 30",
            labels={"file": "figure"},
        ),
    log:
        log_path("plot_task30_misclassified"),
    benchmark:
        bench_path("plot_task30_misclassified")
    conda:
        ENV_REPORT
    threads: 1
    resources:
        mem_mb=1500,
        runtime=5,
    params:
        runs=[{"dataset": d, "model": m} for d in T30["datasets"] for m in T30["models"]],
        datasets=T30["datasets"],
        per_model=T30["misclassified"],
    message:
        "Plotting task 30 misclassified test images"
    script:
        "../../scripts/plot_misclassified.py"


REPORT_INPUTS.update(
    task30_table="results/task30/table.csv",
    task30_misclassified="results/task30/figures/misclassified.pdf",
)
# The dataset sidecars tell the section how many test images there are and where they came from.
REPORT_INPUTS.update({f"task30_data_{d}": dataset_files(d)["meta"] for d in T30["datasets"]})
# Per-image test predictions: the section compares the two networks with a paired test on the same images.
REPORT_INPUTS.update(
    {
        f"task30_run_predictions_{d}_{m}_seed{s}": f"{T30_RUN}/predictions.csv".format(dataset=d, model=m, seed=s)
        for d in T30["datasets"]
        for m in T30["models"]
        for s in T30["seeds"]
    }
)

register_benchmarks("prepare_dataset", "{dataset}", dataset=T30["datasets"])
register_benchmarks(
    "train_task30", "{dataset}_{model}_seed{seed}", dataset=T30["datasets"], model=T30["models"], seed=T30["seeds"]
)
register_benchmarks("summarize_task30")
register_benchmarks("plot_task30_misclassified")
