T24 = config["task24"]
T24_RUN = "results/task24/{loss}/seed{seed}"


# The base of every classifier training rule (tasks 27-30 reuse it with `use rule ... with:`).
rule train_task24:
    """Task 24: train the single-layer network with one loss and one seed."""
    input:
        **dataset_files(T24["dataset"]),
    output:
        **run_files(T24_RUN, ("history", "final", "timing", "predictions")),
    wildcard_constraints:
        loss="mse|cross_entropy",
    conda:
        ENV_TORCH
    threads: config["threads"]
    resources:
        mem_mb=1100,  # peak resident memory 820 MB (real MNIST, 2 threads), +30 %
        runtime=20,
    params:
        run=lambda wc: tasks.run_params(config, "task24", wc.seed, loss=wc.loss),
        labels=lambda wc: tasks.run_labels(24, wc, seed=int),
    message:
        "Training task 24, loss {wildcards.loss}, seed {wildcards.seed}"
    script:
        "../../scripts/train_classifier.py"


T24_RUNS = expand_outputs(rules.train_task24, loss=T24["losses"], seed=T24["seeds"])


# The base of the summary rules of tasks 27 and 30.
rule summarize_task24:
    """Task 24: final test accuracy per loss, mean ± std over seeds."""
    input:
        final=T24_RUNS["final"],
        timing=T24_RUNS["timing"],
        history=T24_RUNS["history"],
    output:
        table=in_report("results/task24/table.csv", "task24_table", figure="test accuracy per loss"),
    conda:
        ENV_REPORT
    params:
        by=["loss"],
    message:
        "Summarising task 24 over seeds"
    script:
        "../../scripts/summarize_runs.py"


# The base of task 28's learning curves.
rule plot_task24:
    """Task 24: learning curves (accuracy and loss per epoch) for each loss."""
    input:
        # one group of curves per loss, named after it
        **{loss: expand(rules.train_task24.output.history, loss=loss, seed=T24["seeds"]) for loss in T24["losses"]},
        figure_words=FIGURE_WORDS,
    output:
        accuracy=in_report("results/task24/figures/accuracy.pdf", "task24_curves", figure="accuracy per epoch"),
        loss=in_report("results/task24/figures/loss.pdf", "task24_curves", figure="loss per epoch"),
    conda:
        ENV_REPORT
    message:
        "Plotting task 24 learning curves"
    script:
        "../../scripts/plot_learning_curves.py"


TARGETS.extend(p for paths in T24_RUNS.values() for p in paths)
REPORT_INPUTS.update(
    task24_table=rules.summarize_task24.output.table,
    task24_accuracy=rules.plot_task24.output.accuracy,
    task24_loss=rules.plot_task24.output.loss,
)
# The dataset's sidecar and each run's per-image predictions: the section's paired test.
REPORT_INPUTS.update(task24_data=dataset_files(T24["dataset"])["meta"])
REPORT_INPUTS.update(
    run_predictions("task24_run_predictions_", rules.train_task24, loss=T24["losses"], seed=T24["seeds"])
)
