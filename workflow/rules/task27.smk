T27 = config["task27"]
T27_RUN = "results/task27/w{width}/seed{seed}"


use rule train_task24 as train_task27 with:
    """Task 27: train the network with one hidden layer of one width, for one seed."""
    input:
        **dataset_files(T27["dataset"]),
    output:
        **run_files(T27_RUN, ("history", "final", "timing", "predictions")),
    wildcard_constraints:
        width=r"[1-9]\d*",
    resources:
        # sized per width from measured runs (nnlab_workflow.tasks)
        mem_mb=lambda wc: tasks.t27_mem_mb(config, wc.width),
        runtime=lambda wc: tasks.t27_runtime(config, wc.width),
        # a step that streams the weights through memory: no two such jobs side by side
        membw=lambda wc: tasks.t27_membw(wc.width),
    params:
        # Only this job's width: editing the width list never reruns the other widths.
        run=lambda wc: tasks.run_params(
            config,
            "task27",
            wc.seed,
            model_spec={"kind": "mlp", "hidden": [int(wc.width)], "activation": T27["activation"]},
            epochs=tasks.t27_epochs(config, wc.width),
            eval_batch_size=T27["eval_batch_size"],
        ),
        labels=lambda wc: tasks.run_labels(27, wc, width=int, seed=int),
    message:
        "Training task 27, width {wildcards.width}, seed {wildcards.seed}"


T27_RUNS = expand_outputs(rules.train_task27, width=T27["widths"], seed=T27["seeds"])


use rule summarize_task24 as summarize_task27 with:
    """Task 27: final test accuracy per width, mean ± std over seeds, with parameters and seconds."""
    input:
        final=T27_RUNS["final"],
        timing=T27_RUNS["timing"],
        history=T27_RUNS["history"],
    output:
        table=in_report("results/task27/table.csv", "task27", file="table"),
    params:
        by=["width"],
    message:
        "Summarising task 27 over seeds"


rule plot_task27:
    """Task 27: test accuracy against hidden width (log scale), beside the original's points."""
    input:
        figure_words=FIGURE_WORDS,
        table=rules.summarize_task27.output.table,
        original="report/original.yaml",
    output:
        figure=in_report("results/task27/figures/accuracy_vs_width.pdf", "task27", file="figure"),
    conda:
        ENV_REPORT
    params:
        x="width",
        xlabel="hidden_units",
        original_key="task27",
        logx=True,
        epochs_notes=tasks.t27_epoch_notes(config),  # widths that trained other epochs are labelled with them
    message:
        "Plotting task 27 accuracy against width"
    script:
        "../../scripts/plot_sweep.py"


REPORT_INPUTS.update(
    task27_table=rules.summarize_task27.output.table,
    task27_accuracy_vs_width=rules.plot_task27.output.figure,
)

# The dataset's sidecar and each run's per-image predictions: the section's paired test.
REPORT_INPUTS.update(task27_data=dataset_files(T27["dataset"])["meta"])
REPORT_INPUTS.update(
    run_predictions("task27_run_predictions_", rules.train_task27, width=T27["widths"], seed=T27["seeds"])
)
