T29 = config["task29"]
T29_RUN = "results/task29/{split}/{optimizer}/lr{lr}/seed{seed}"
T29_SEQ = "results/task29/sequential/seed{seed}"  # one folder per stage (optimiser) inside
T29_OPTIMIZERS = "|".join(["sgd", "adadelta", "adagrad", "adam", "ftrl", "rmsprop"])
RUN_CSVS = ("history", "final", "timing", "predictions")

for _problem in tasks.t29_problems(config):
    stop(_problem)


use rule train_task24 as train_task29 with:
    """Task 29: train task 28's network with one optimiser, learning rate and seed; split `test` is a
    run at the original's settings scored on the test set, split `sweep` a sweep run scored on the
    validation split carved from the training set."""
    input:
        **dataset_files(T29["dataset"]),
    output:
        **run_files(T29_RUN, RUN_CSVS),
    wildcard_constraints:
        split="test|sweep",
        optimizer=T29_OPTIMIZERS,
        lr=r"[0-9][0-9.e+-]*",
    resources:
        # measured on MNIST (1024-256-256): 0.84-0.86 GB peak resident memory whatever the optimiser
        # (+30 %); 47-152 s CPU per 10-epoch run, 2.5-12 min wall on the shared 2-core machine
        mem_mb=1100,
        runtime=30,
    params:
        run=lambda wc: tasks.run_params(
            config,
            "task29",
            wc.seed,
            loss="cross_entropy",
            optimizer=wc.optimizer,
            lr=float(wc.lr),
            optimizer_options=T29["options"][wc.optimizer],
            epochs=tasks.t29_epochs(config, wc.split),
        ),
        split=lambda wc: {
            "validation": T29["sweep"]["validation"] if wc.split == "sweep" else 0,
            "seed": T29["sweep"]["split_seed"],
        },
        labels=lambda wc: tasks.run_labels(29, wc, lr=float, seed=int),
    message:
        "Training task 29 ({wildcards.split}), optimiser {wildcards.optimizer}, learning rate {wildcards.lr}, seed {wildcards.seed}"


rule train_task29_sequential:
    """Task 29, sequential protocol: one network per seed, trained with each optimiser in the table's
    order for the same epochs, each stage from the previous stage's final weights with a fresh
    optimiser state; each stage checkpoints, and its CSVs are written per stage."""
    input:
        **dataset_files(T29["dataset"]),
    output:
        **{name: [f"{T29_SEQ}/{opt}/{name}.csv" for opt in T29["optimizers"]] for name in RUN_CSVS},
    conda:
        ENV_TORCH
    threads: config["threads"]
    resources:
        # measured peak RSS (MNIST, 1 thread): 973 MB fp32, 872 MB bf16 (a fresh run: 805 MB), +30 %;
        # 10 epochs per stage took 46 min wall (9 min CPU) on the loaded 2-core machine
        mem_mb=1300,
        runtime=30 * len(T29["optimizers"]),
    params:
        run=lambda wc: tasks.run_params(
            config, "task29", wc.seed, keys=("model_spec", "loss", "epochs", "batch_size"), loss="cross_entropy"
        ),
        stages=[
            {"optimizer": opt, "lr": T29["lr"][opt], "optimizer_options": T29["options"][opt]}
            for opt in T29["optimizers"]
        ],
        labels=lambda wc: {"task": 29, "split": "sequential", "seed": int(wc.seed)},
    message:
        "Training task 29 (sequential protocol): one network through every optimiser in turn, seed {wildcards.seed}"
    script:
        "../../scripts/train_sequential.py"


T29_TEST = expand_outputs(rules.train_task29, zip, **tasks.t29_runs(config, "test"))
T29_SWEEP = expand_outputs(rules.train_task29, zip, **tasks.t29_runs(config, "sweep"))
# seed by seed, each seed's stages in the table's order
T29_SEQUENTIAL = {
    name: [p for seed in tasks.t29_sequential_seeds(config) for p in expand(stages, seed=seed)]
    for name, stages in rules.train_task29_sequential.output.items()
}


rule summarize_task29:
    """Task 29: per optimiser, test accuracy mean ± std, the most predicted class and its share, and
    the best learning rate of the sweep (by validation accuracy); the sweep table; prediction shares."""
    input:
        **T29_TEST,
        **{f"sweep_{name}": T29_SWEEP[name] for name in ("final", "timing", "history")},
        **{f"seq_{name}": paths for name, paths in T29_SEQUENTIAL.items()},
    output:
        table=in_report("results/task29/table.csv", "task29", file="table"),
        sweep="results/task29/sweep.csv",
        predictions="results/task29/predictions.csv",
    conda:
        ENV_REPORT
    params:
        optimizers=T29["optimizers"],
        n_classes=10,
    message:
        "Summarising task 29: optimisers, learning-rate sweep and predicted classes"
    script:
        "../../scripts/summarize_task29.py"


rule plot_task29:
    """Task 29: prediction histograms, test loss/accuracy per epoch per optimiser, sweep curves."""
    input:
        # one group of curves per optimiser, named after it
        **{
            opt: expand(rules.train_task29.output.history, zip, **tasks.t29_runs(config, "test", [opt]))
            for opt in T29["optimizers"]
        },
        figure_words=FIGURE_WORDS,
        table=rules.summarize_task29.output.table,
        sweep=rules.summarize_task29.output.sweep,
        predictions=rules.summarize_task29.output.predictions,
    output:
        predictions=in_report("results/task29/figures/predictions.pdf", "task29", file="predictions"),
        curves=in_report("results/task29/figures/curves.pdf", "task29", file="curves"),
        sweep=in_report("results/task29/figures/sweep.pdf", "task29", file="sweep"),
    conda:
        ENV_REPORT
    message:
        "Plotting task 29: predicted classes, test curves and the learning-rate sweep"
    script:
        "../../scripts/plot_task29.py"


TARGETS.extend(p for runs in (T29_TEST, T29_SWEEP, T29_SEQUENTIAL) for paths in runs.values() for p in paths)
REPORT_INPUTS.update(
    task29_table=rules.summarize_task29.output.table,
    task29_sweep=rules.summarize_task29.output.sweep,
    task29_predictions=rules.plot_task29.output.predictions,
    task29_curves=rules.plot_task29.output.curves,
    task29_sweep_figure=rules.plot_task29.output.sweep,
)
# Per-image test predictions of each optimiser's runs: the section compares them with a paired test.
T29_TEST_RUNS = tasks.t29_runs(config, "test")
REPORT_INPUTS.update(
    run_predictions("task29_run_predictions_", rules.train_task29, zip, by=["optimizer"], **T29_TEST_RUNS)
)
