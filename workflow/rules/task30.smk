T30 = config["task30"]
T30_RUN = "results/task30/{dataset}/{model}/seed{seed}"


use rule train_task24 as train_task30 with:
    """Task 30: train the network with (cnn) or without (mlp) convolution on one dataset, one seed."""
    input:
        npz=lambda wc: dataset_files(wc.dataset)["npz"],
        meta=lambda wc: dataset_files(wc.dataset)["meta"],
    output:
        **run_files(T30_RUN, ("history", "final", "timing", "predictions")),
        # the trained network: task 33 judges its images with the first seed's CNN. Deleted once no job
        # needs it (an MLP's at once), so finished builds and the results archive do not keep 80 MB of
        # weights; Snakemake retrains it only if a judge is needed again (`--notemp` keeps them).
        model=temp(f"{T30_RUN}/model.pt"),
    wildcard_constraints:
        model="cnn|mlp",
    resources:
        # measured per dataset and network (nnlab_workflow.tasks)
        mem_mb=lambda wc: tasks.T30_MEM_MB[(wc.dataset, wc.model)],
        runtime=lambda wc: tasks.t30_runtime(config, wc.dataset, wc.model),
    params:
        run=lambda wc: tasks.run_params(
            config,
            "task30",
            wc.seed,
            model_spec=T30["architectures"][wc.model][wc.dataset],
            epochs=tasks.t30_epochs(config, wc.dataset, wc.model),
        ),
        labels=lambda wc: tasks.run_labels(30, wc, seed=int),
    message:
        "Training task 30, {wildcards.model} on {wildcards.dataset}, seed {wildcards.seed}"


T30_RUNS = expand_outputs(rules.train_task30, dataset=T30["datasets"], model=T30["models"], seed=T30["seeds"])


use rule summarize_task24 as summarize_task30 with:
    """Task 30: final test accuracy per dataset and model, mean ± std over seeds."""
    input:
        final=T30_RUNS["final"],
        timing=T30_RUNS["timing"],
        history=T30_RUNS["history"],
    output:
        table=in_report("results/task30/table.csv", "task30", file="table"),
    params:
        by=["dataset", "model"],
    message:
        "Summarising task 30 over seeds"


rule plot_task30_misclassified:
    """Task 30: a few misclassified test images per dataset and model (first seed)."""
    input:
        figure_words=FIGURE_WORDS,
        predictions=expand(
            rules.train_task30.output.predictions, dataset=T30["datasets"], model=T30["models"], seed=T30["seeds"][:1]
        ),
        npz=[dataset_files(d)["npz"] for d in T30["datasets"]],
        meta=[dataset_files(d)["meta"] for d in T30["datasets"]],
    output:
        figure=in_report("results/task30/figures/misclassified.pdf", "task30", file="figure"),
    conda:
        ENV_REPORT
    resources:
        mem_mb=1500,
    params:
        runs=[{"dataset": d, "model": m} for d in T30["datasets"] for m in T30["models"]],
        datasets=T30["datasets"],
        per_model=T30["misclassified"],
    message:
        "Plotting task 30 misclassified test images"
    script:
        "../../scripts/plot_misclassified.py"


REPORT_INPUTS.update(
    task30_table=rules.summarize_task30.output.table,
    task30_misclassified=rules.plot_task30_misclassified.output.figure,
)
# The dataset sidecars tell the section how many test images there are and where they came from.
REPORT_INPUTS.update({f"task30_data_{d}": dataset_files(d)["meta"] for d in T30["datasets"]})
# Per-image test predictions: the section compares the two networks with a paired test on the same images.
REPORT_INPUTS.update(
    run_predictions(
        "task30_run_predictions_", rules.train_task30, dataset=T30["datasets"], model=T30["models"], seed=T30["seeds"]
    )
)
