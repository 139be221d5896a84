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
    log:
        log_path("train_task24", "{loss}_seed{seed}"),
    benchmark:
        bench_path("train_task24", "{loss}_seed{seed}")
    wildcard_constraints:
        loss="mse|cross_entropy",
    conda:
        ENV_TORCH
    threads: config["threads"]
    resources:
        mem_mb=1100,  # peak resident memory 820 MB (real MNIST, 2 threads), +30 %
        runtime=20,
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
            "init": config["init"],
            "precision": config["precision"],
        },
        labels=lambda wc: {"task": 24, "loss": wc.loss, "seed": int(wc.seed)},
    message:
        "Training task 24, loss {wildcards.loss}, seed {wildcards.seed}"
    script:
        "../../scripts/train_classifier.py"


T24_RUNS = {
    name: expand(f"{T24_RUN}/{name}.csv", loss=T24["losses"], seed=T24["seeds"])
    for name in ("history", "final", "timing")
}


rule summarize_task24:
    """Task 24: final test accuracy per loss, mean ± std over seeds."""
    input:
        final=T24_RUNS["final"],
        timing=T24_RUNS["timing"],
        history=T24_RUNS["history"],
        code=code("results.py"),
    output:
        table=report(
            "results/task24/table.csv",
            caption="../report/task24_table.rst",
            category="Task 24",
            labels={"figure": "test accuracy per loss"},
        ),
    log:
        log_path("summarize_task24"),
    benchmark:
        bench_path("summarize_task24")
    conda:
        ENV_REPORT
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        by=["loss"],
    message:
        "Summarising task 24 over seeds"
    script:
        "../../scripts/summarize_runs.py"


rule plot_task24:
    """Task 24: learning curves (accuracy and loss per epoch) for each loss."""
    input:
        **{loss: expand(f"{T24_RUN}/history.csv", loss=loss, seed=T24["seeds"]) for loss in T24["losses"]},
        figure_words=FIGURE_WORDS,
        code=PLOT_CODE,
    output:
        accuracy=report(
            "results/task24/figures/accuracy.pdf",
            caption="../report/task24_curves.rst",
            category="Task 24",
            labels={"figure": "accuracy per epoch"},
        ),
        loss=report(
            "results/task24/figures/loss.pdf",
            caption="../report/task24_curves.rst",
            category="Task 24",
            labels={"figure": "loss per epoch"},
        ),
    log:
        log_path("plot_task24"),
    benchmark:
        bench_path("plot_task24")
    conda:
        ENV_REPORT
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    message:
        "Plotting task 24 learning curves"
    script:
        "../../scripts/plot_learning_curves.py"


TARGETS.extend(T24_RUNS["history"] + T24_RUNS["final"] + T24_RUNS["timing"])
REPORT_INPUTS.update(
    task24_table="results/task24/table.csv",
    task24_accuracy="results/task24/figures/accuracy.pdf",
    task24_loss="results/task24/figures/loss.pdf",
)
# The dataset's sidecar: how many test images the paired test of the section counts.
REPORT_INPUTS.update(task24_data=dataset_files(T24["dataset"])["meta"])
register_benchmarks("prepare_dataset", "{dataset}", dataset=T24["dataset"])
register_benchmarks("train_task24", "{loss}_seed{seed}", loss=T24["losses"], seed=T24["seeds"])
register_benchmarks("summarize_task24")
register_benchmarks("plot_task24")
