T28 = config["task28"]
T28_RUN = "results/task28/seed{seed}"


use rule train_task24 as train_task28 with:
    """Task 28: train the MLP 784-1024-256-256-10 for many epochs, one seed, recording every epoch."""
    input:
        **dataset_files(T28["dataset"]),
    output:
        **run_files(T28_RUN),
    resources:
        # Measured on real MNIST (2 cores, 2 threads): peak resident memory 0.85 GB (+30 %); 25 s per epoch.
        mem_mb=1100,
        runtime=5 + int(2 * T28["epochs"] * 25 / 60),
    params:
        run=lambda wc: tasks.run_params(config, "task28", wc.seed),
        labels=lambda wc: tasks.run_labels(28, wc, seed=int),
    message:
        "Training task 28, seed {wildcards.seed}, {T28[epochs]} epochs"


T28_RUNS = expand_outputs(rules.train_task28, seed=T28["seeds"])


rule summarize_task28:
    """Task 28: final metrics over seeds (table) and the per-epoch mean curve (for the discussion)."""
    input:
        final=T28_RUNS["final"],
        timing=T28_RUNS["timing"],
        history=T28_RUNS["history"],
    output:
        table=in_report("results/task28/table.csv", "task28", file="table"),
        curve="results/task28/curve.csv",
    conda:
        ENV_REPORT
    params:
        by=["task"],
    message:
        "Summarising task 28: final metrics and the mean learning curve over seeds"
    script:
        "../../scripts/summarize_curve.py"


use rule plot_task24 as plot_task28 with:
    """Task 28: learning curves, accuracy and loss per epoch, train and test."""
    input:
        figure_words=FIGURE_WORDS,
        mlp=T28_RUNS["history"],
    output:
        accuracy=in_report("results/task28/figures/accuracy.pdf", "task28", file="accuracy"),
        loss=in_report("results/task28/figures/loss.pdf", "task28", file="loss"),
    message:
        "Plotting task 28 learning curves"


REPORT_INPUTS.update(
    task28_table=rules.summarize_task28.output.table,
    task28_curve=rules.summarize_task28.output.curve,
    task28_accuracy=rules.plot_task28.output.accuracy,
    task28_loss=rules.plot_task28.output.loss,
)
