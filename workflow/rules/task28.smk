T28 = config["task28"]
T28_RUN = "results/task28/seed{seed}"


rule train_task28:
    """Task 28: train the MLP 784-1024-256-256-10 for many epochs, one seed, recording every epoch."""
    input:
        **dataset_files(T28["dataset"]),
        code=TRAIN_CODE,
    output:
        history=f"{T28_RUN}/history.csv",
        final=f"{T28_RUN}/final.csv",
        timing=f"{T28_RUN}/timing.csv",
    log:
        log_path("train_task28", "seed{seed}"),
    benchmark:
        bench_path("train_task28", "seed{seed}")
    conda:
        ENV_TORCH
    threads: config["threads"]
    resources:
        # Measured on real MNIST (2 cores, 2 threads): peak resident memory 0.85 GB (+30 %); 25 s per epoch.
        mem_mb=1100,
        runtime=5 + int(2 * T28["epochs"] * 25 / 60),
    params:
        run=lambda wc: {
            "model_spec": T28["model"],
            "loss": T28["loss"],
            "optimizer": T28["optimizer"],
            "lr": T28["lr"],
            "epochs": T28["epochs"],
            "batch_size": T28["batch_size"],
            "seed": int(wc.seed),
            "device": config["device"],
            "init": config["init"],
            "precision": config["precision"],
        },
        labels=lambda wc: {"task": 28, "seed": int(wc.seed)},
    message:
        "Training task 28, seed {wildcards.seed}, {T28[epochs]} epochs"
    script:
        "../../scripts/train_classifier.py"


rule summarize_task28:
    """Task 28: final metrics over seeds (table) and the per-epoch mean curve (for the discussion)."""
    input:
        final=t28_runs("final"),
        timing=t28_runs("timing"),
        history=t28_runs("history"),
        code=code("results.py", "curves.py"),
    output:
        table=report(
            "results/task28/table.csv",
            caption="../report/task28.rst",
            category="Task 28",
            labels={"file": "table"},
        ),
        curve="results/task28/curve.csv",
    log:
        log_path("summarize_task28"),
    benchmark:
        bench_path("summarize_task28")
    conda:
        ENV_REPORT
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        by=["task"],
    message:
        "Summarising task 28: final metrics and the mean learning curve over seeds"
    script:
        "../../scripts/summarize_curve.py"


rule plot_task28:
    """Task 28: learning curves, accuracy and loss per epoch, train and test."""
    input:
        mlp=t28_runs("history"),
        code=PLOT_CODE,
    output:
        accuracy=report(
            "results/task28/figures/accuracy.pdf",
            caption="../report/task28.rst",
            category="Task 28",
            labels={"file": "accuracy"},
        ),
        loss=report(
            "results/task28/figures/loss.pdf",
            caption="../report/task28.rst",
            category="Task 28",
            labels={"file": "loss"},
        ),
    log:
        log_path("plot_task28"),
    benchmark:
        bench_path("plot_task28")
    conda:
        ENV_REPORT
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    message:
        "Plotting task 28 learning curves"
    script:
        "../../scripts/plot_learning_curves.py"


REPORT_INPUTS.update(
    task28_table="results/task28/table.csv",
    task28_curve="results/task28/curve.csv",
    task28_accuracy="results/task28/figures/accuracy.pdf",
    task28_loss="results/task28/figures/loss.pdf",
)

register_benchmarks("prepare_dataset", "{dataset}", dataset=T28["dataset"])
register_benchmarks("train_task28", "seed{seed}", seed=T28["seeds"])
register_benchmarks("summarize_task28")
register_benchmarks("plot_task28")
