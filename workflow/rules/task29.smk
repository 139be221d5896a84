T29 = config["task29"]
T29_RUN = "results/task29/{split}/{optimizer}/lr{lr}/seed{seed}"
T29_SEQ = "results/task29/sequential/seed{seed}"  # one folder per stage (optimiser) inside
T29_OPTIMIZERS = "|".join(["sgd", "adadelta", "adagrad", "adam", "ftrl", "rmsprop"])

from nnlab.optstudy import lr_tag  # noqa: E402  (src/ is on sys.path: common.smk)

for _opt in T29["optimizers"]:
    for _key in ("lr", "options"):
        if _opt not in T29[_key]:
            stop(f"task29.{_key} has no entry for optimizer {_opt!r} (listed in task29.optimizers)")
for _opt in T29["sweep"]["optimizers"]:
    if _opt not in T29["optimizers"] or _opt not in T29["sweep"]["lrs"]:
        stop(f"task29.sweep.optimizers lists {_opt!r}, which needs an entry in task29.optimizers and task29.sweep.lrs")


rule train_task29:
    """Task 29: train task 28's network with one optimiser, learning rate and seed; split `test` is a
    run at the original's settings scored on the test set, split `sweep` a sweep run scored on the
    validation split carved from the training set."""
    input:
        **dataset_files(T29["dataset"]),
        code=sorted({*TRAIN_CODE, *DATA_CODE}),
    output:
        history=f"{T29_RUN}/history.csv",
        final=f"{T29_RUN}/final.csv",
        timing=f"{T29_RUN}/timing.csv",
        predictions=f"{T29_RUN}/predictions.csv",
    log:
        log_path("train_task29", "{split}_{optimizer}_lr{lr}_seed{seed}"),
    benchmark:
        bench_path("train_task29", "{split}_{optimizer}_lr{lr}_seed{seed}")
    wildcard_constraints:
        split="test|sweep",
        optimizer=T29_OPTIMIZERS,
        lr=r"[0-9][0-9.e+-]*",
    conda:
        ENV_TORCH
    threads: config["threads"]
    resources:
        # measured on MNIST (1024-256-256): 0.84-0.86 GB peak resident memory whatever the optimiser
        # (+30 %); 47-152 s CPU per 10-epoch run, 2.5-12 min wall on the shared 2-core machine
        mem_mb=1100,
        runtime=30,
    params:
        run=lambda wc: {
            "model_spec": T29["model"],
            "loss": "cross_entropy",
            "optimizer": wc.optimizer,
            "lr": float(wc.lr),
            "optimizer_options": T29["options"][wc.optimizer],
            "epochs": t29_epochs(wc.split),
            "batch_size": T29["batch_size"],
            "seed": int(wc.seed),
            "device": config["device"],
            "init": config["init"],
            "precision": config["precision"],
        },
        split=lambda wc: {
            "validation": T29["sweep"]["validation"] if wc.split == "sweep" else 0,
            "seed": T29["sweep"]["split_seed"],
        },
        labels=lambda wc: {
            "task": 29,
            "split": wc.split,
            "optimizer": wc.optimizer,
            "lr": float(wc.lr),
            "seed": int(wc.seed),
        },
    message:
        "Training task 29 ({wildcards.split}), optimiser {wildcards.optimizer}, learning rate {wildcards.lr}, seed {wildcards.seed}"
    script:
        "../../scripts/train_classifier.py"


rule train_task29_sequential:
    """Task 29, sequential protocol: one network per seed, trained with each optimiser in the table's
    order for the same epochs, each stage from the previous stage's final weights with a fresh
    optimiser state; each stage checkpoints, and its CSVs are written per stage."""
    input:
        **dataset_files(T29["dataset"]),
        code=sorted({*TRAIN_CODE, *DATA_CODE, *code("sequential.py")}),
    output:
        **{
            name: [f"{T29_SEQ}/{opt}/{name}.csv" for opt in T29["optimizers"]]
            for name in ("history", "final", "timing", "predictions")
        },
    log:
        log_path("train_task29_sequential", "seed{seed}"),
    benchmark:
        bench_path("train_task29_sequential", "seed{seed}")
    conda:
        ENV_TORCH
    threads: config["threads"]
    resources:
        # measured peak RSS (MNIST, 1 thread): 973 MB fp32, 872 MB bf16 (a fresh run: 805 MB), +30 %;
        # 10 epochs per stage took 46 min wall (9 min CPU) on the loaded 2-core machine
        mem_mb=1300,
        runtime=30 * len(T29["optimizers"]),
    params:
        run=lambda wc: {
            "model_spec": T29["model"],
            "loss": "cross_entropy",
            "epochs": T29["epochs"],
            "batch_size": T29["batch_size"],
            "seed": int(wc.seed),
            "device": config["device"],
            "init": config["init"],
            "precision": config["precision"],
        },
        stages=[
            {"optimizer": opt, "lr": T29["lr"][opt], "optimizer_options": T29["options"][opt]}
            for opt in T29["optimizers"]
        ],
        labels=lambda wc: {"task": 29, "split": "sequential", "seed": int(wc.seed)},
    message:
        "Training task 29 (sequential protocol): one network through every optimiser in turn, seed {wildcards.seed}"
    script:
        "../../scripts/train_sequential.py"


rule summarize_task29:
    """Task 29: per optimiser, test accuracy mean ± std, the most predicted class and its share, and
    the best learning rate of the sweep (by validation accuracy); the sweep table; prediction shares."""
    input:
        final=t29_test_runs("final"),
        timing=t29_test_runs("timing"),
        history=t29_test_runs("history"),
        predictions=t29_test_runs("predictions"),
        sweep_final=t29_sweep_runs("final"),
        sweep_timing=t29_sweep_runs("timing"),
        sweep_history=t29_sweep_runs("history"),
        seq_final=t29_sequential_runs("final"),
        seq_timing=t29_sequential_runs("timing"),
        seq_history=t29_sequential_runs("history"),
        seq_predictions=t29_sequential_runs("predictions"),
        code=code("results.py", "optstudy.py"),
    output:
        table=report(
            "results/task29/table.csv",
            caption="../report/task29.rst",
            category="Task 29",
            labels={"file": "table"},
        ),
        sweep="results/task29/sweep.csv",
        predictions="results/task29/predictions.csv",
    log:
        log_path("summarize_task29"),
    benchmark:
        bench_path("summarize_task29")
    conda:
        ENV_REPORT
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
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
        **{
            opt: [f"results/task29/test/{opt}/lr{lr_tag(T29['lr'][opt])}/seed{s}/history.csv" for s in T29["seeds"]]
            for opt in T29["optimizers"]
        },
        figure_words=FIGURE_WORDS,
        table="results/task29/table.csv",
        sweep="results/task29/sweep.csv",
        predictions="results/task29/predictions.csv",
        code=code("plots.py", "plots_optim.py", "optstudy.py", "results.py"),
    output:
        predictions=report(
            "results/task29/figures/predictions.pdf",
            caption="../report/task29.rst",
            category="Task 29",
            labels={"file": "predictions"},
        ),
        curves=report(
            "results/task29/figures/curves.pdf",
            caption="../report/task29.rst",
            category="Task 29",
            labels={"file": "curves"},
        ),
        sweep=report(
            "results/task29/figures/sweep.pdf",
            caption="../report/task29.rst",
            category="Task 29",
            labels={"file": "sweep"},
        ),
    log:
        log_path("plot_task29"),
    benchmark:
        bench_path("plot_task29")
    conda:
        ENV_REPORT
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    message:
        "Plotting task 29: predicted classes, test curves and the learning-rate sweep"
    script:
        "../../scripts/plot_task29.py"


TARGETS.extend(
    p
    for n in ("history", "final", "timing", "predictions")
    for p in t29_test_runs(n) + t29_sweep_runs(n) + t29_sequential_runs(n)
)
REPORT_INPUTS.update(
    task29_table="results/task29/table.csv",
    task29_sweep="results/task29/sweep.csv",
    task29_predictions="results/task29/figures/predictions.pdf",
    task29_curves="results/task29/figures/curves.pdf",
    task29_sweep_figure="results/task29/figures/sweep.pdf",
)
# Per-image test predictions of each optimiser's runs: the section compares them with a paired test.
REPORT_INPUTS.update(
    {
        f"task29_run_predictions_{opt}_seed{seed}": path
        for (opt, seed), path in zip(
            [(o, s) for o in T29["optimizers"] for s in T29["seeds"]], t29_test_runs("predictions"), strict=True
        )
    }
)

register_benchmarks("prepare_dataset", "{dataset}", dataset=T29["dataset"])
for _opt in T29["optimizers"]:
    register_benchmarks(
        "train_task29",
        "test_{optimizer}_lr{lr}_seed{seed}",
        optimizer=_opt,
        lr=lr_tag(T29["lr"][_opt]),
        seed=T29["seeds"],
    )
for _opt in T29["sweep"]["optimizers"]:
    register_benchmarks(
        "train_task29",
        "sweep_{optimizer}_lr{lr}_seed{seed}",
        optimizer=_opt,
        lr=[lr_tag(lr) for lr in T29["sweep"]["lrs"][_opt]],
        seed=T29["sweep"]["seeds"],
    )
if "sequential" in T29["protocols"]:
    register_benchmarks("train_task29_sequential", "seed{seed}", seed=T29["seeds"])
register_benchmarks("summarize_task29")
register_benchmarks("plot_task29")
