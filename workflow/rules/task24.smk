T24 = config["task24"]
T24_RUN = "results/task24/{loss}/seed{seed}"


rule train_task24:
    """Task 24: train the single-layer network with one loss and one seed."""
    input:
        **dataset_files(T24["dataset"]),
        code=TRAIN_CODE,
    output:
        history=f"{T24_RUN}/history.csv",
        final=f"{T24_RUN}/final.csv",
        timing=f"{T24_RUN}/timing.csv",
    params:
        run=lambda wc: {
            "model_spec": T24["model"],
            "loss": wc.loss,
            "optimizer": T24["optimizer"],
            "lr": T24["lr"],
            "epochs": T24["epochs"],
            "batch_size": T24["batch_size"],
            "seed": int(wc.seed),
            "device": config["device"],
        },
        labels=lambda wc: {"task": 24, "loss": wc.loss, "seed": int(wc.seed)},
    log:
        log_path("train_task24", "{loss}_seed{seed}"),
    benchmark:
        bench_path("train_task24", "{loss}_seed{seed}")
    message:
        "Training task 24, loss {wildcards.loss}, seed {wildcards.seed}"
    wildcard_constraints:
        loss="mse|cross_entropy",
    threads: config["threads"]
    resources:
        mem_mb=3000,
        runtime=20,
    conda:
        ENV_TORCH
    script:
        "../../scripts/train_classifier.py"


def t24_runs(name):
    return expand(f"{T24_RUN}/{name}.csv", loss=T24["losses"], seed=T24["seeds"])


rule summarize_task24:
    """Task 24: final test accuracy per loss, mean ± std over seeds."""
    input:
        final=t24_runs("final"),
        timing=t24_runs("timing"),
        history=t24_runs("history"),
        code=code("results.py"),
    output:
        table="results/task24/table.csv",
    params:
        by=["loss"],
    log:
        log_path("summarize_task24"),
    benchmark:
        bench_path("summarize_task24")
    message:
        "Summarising task 24 over seeds"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    conda:
        ENV_REPORT
    script:
        "../../scripts/summarize_runs.py"


rule plot_task24:
    """Task 24: learning curves (accuracy and loss per epoch) for each loss."""
    input:
        **{loss: expand(f"{T24_RUN}/history.csv", loss=loss, seed=T24["seeds"]) for loss in T24["losses"]},
        code=PLOT_CODE,
    output:
        accuracy="results/task24/figures/accuracy.pdf",
        loss="results/task24/figures/loss.pdf",
    log:
        log_path("plot_task24"),
    benchmark:
        bench_path("plot_task24")
    message:
        "Plotting task 24 learning curves"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        ENV_REPORT
    script:
        "../../scripts/plot_learning_curves.py"


REPORT_INPUTS.update(
    task24_table="results/task24/table.csv",
    task24_accuracy="results/task24/figures/accuracy.pdf",
    task24_loss="results/task24/figures/loss.pdf",
)
register_benchmarks("prepare_dataset", "{dataset}", dataset=T24["dataset"])
register_benchmarks("train_task24", "{loss}_seed{seed}", loss=T24["losses"], seed=T24["seeds"])
register_benchmarks("summarize_task24")
register_benchmarks("plot_task24")
