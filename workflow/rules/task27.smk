from nnlab.sizing import mlp_parameters, train_mem_mb, train_runtime_min  # noqa: E402

T27 = config["task27"]
T27_RUN = "results/task27/w{width}/seed{seed}"
# Keys of epochs_by_width arrive as ints from YAML, as strings from --config: normalise.
T27_EPOCHS = {int(w): int(e) for w, e in T27["epochs_by_width"].items()}


# Resources, sized from measured runs on real MNIST (2-core Xeon shared with other engineers' jobs,
# torch 2.14, 2 threads, eval batch 1000, bf16 autocast where `precision: auto` picks it; peak
# resident memory from the memory guard's log line; seconds from timing.csv):
#   width     10:      7,960 parameters, peak 0.82 GB,    4.7 s/epoch
#   width  10000:  7,950,010 parameters, peak 0.98 GB
#   width 100000: 79,500,010 parameters, peak 2.8 GB, 2602 s/epoch wall at 33 % of the CPU (load ~12
#                 on 2 cores); 865 CPU seconds (559 user + 306 system), so ~430 s/epoch idle.
# nnlab.sizing models memory as base + 16 bytes/parameter (Adam) + evaluation activations, x1.3:
# width 10 -> 1171 MB, 10000 -> 1427 MB, 100000 -> 3739 MB declared, 1.3-1.45x the peaks above.
# Runtime uses the measured wall rate on the shared machine (2602 s / 79.5 M parameters per epoch), x2.
T27_BASE_MB = 900
T27_SECONDS_PER_PARAMETER_EPOCH = 3.3e-5


rule train_task27:
    """Task 27: train the network with one hidden layer of one width, for one seed."""
    input:
        **dataset_files(T27["dataset"]),
        code=TRAIN_CODE,
    output:
        history=f"{T27_RUN}/history.csv",
        final=f"{T27_RUN}/final.csv",
        timing=f"{T27_RUN}/timing.csv",
    log:
        log_path("train_task27", "w{width}_seed{seed}"),
    benchmark:
        bench_path("train_task27", "w{width}_seed{seed}")
    wildcard_constraints:
        width=r"[1-9]\d*",
    conda:
        ENV_TORCH
    threads: config["threads"]
    resources:
        mem_mb=t27_mem_mb,
        runtime=t27_runtime,
    params:
        # Only this job's width: editing the width list never reruns the other widths.
        run=lambda wc: {
            "model_spec": {"kind": "mlp", "hidden": [int(wc.width)], "activation": T27["activation"]},
            "loss": T27["loss"],
            "optimizer": T27["optimizer"],
            "lr": T27["lr"],
            "epochs": t27_epochs(wc.width),
            "batch_size": T27["batch_size"],
            "seed": int(wc.seed),
            "device": config["device"],
            "init": config["init"],
            "precision": config["precision"],
            "eval_batch_size": T27["eval_batch_size"],
        },
        labels=lambda wc: {"task": 27, "width": int(wc.width), "seed": int(wc.seed)},
    message:
        "Training task 27, width {wildcards.width}, seed {wildcards.seed}"
    script:
        "../../scripts/train_classifier.py"


rule summarize_task27:
    """Task 27: final test accuracy per width, mean ± std over seeds, with parameters and seconds."""
    input:
        final=t27_runs("final"),
        timing=t27_runs("timing"),
        history=t27_runs("history"),
        code=code("results.py"),
    output:
        table=report(
            "results/task27/table.csv",
            caption="../report/task27.rst",
            category="Task 27",
            labels={"file": "table"},
        ),
    log:
        log_path("summarize_task27"),
    benchmark:
        bench_path("summarize_task27")
    conda:
        ENV_REPORT
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        by=["width"],
    message:
        "Summarising task 27 over seeds"
    script:
        "../../scripts/summarize_runs.py"


rule plot_task27:
    """Task 27: test accuracy against hidden width (log scale), beside the original's points."""
    input:
        figure_words=FIGURE_WORDS,
        table="results/task27/table.csv",
        original="report/original.yaml",
        code=code("plots.py", "results.py", "sweeps.py"),
    output:
        figure=report(
            "results/task27/figures/accuracy_vs_width.pdf",
            caption="../report/task27.rst",
            category="Task 27",
            labels={"file": "figure"},
        ),
    log:
        log_path("plot_task27"),
    benchmark:
        bench_path("plot_task27")
    conda:
        ENV_REPORT
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        x="width",
        xlabel="hidden units",
        original_key="task27",
        logx=True,
        # Widths that trained fewer epochs are labelled in the figure.
        notes={
            w: f"{t27_epochs(w)} epoch{'s' if t27_epochs(w) > 1 else ''}"
            for w in T27["widths"]
            if t27_epochs(w) != T27["epochs"]
        },
    message:
        "Plotting task 27 accuracy against width"
    script:
        "../../scripts/plot_sweep.py"


REPORT_INPUTS.update(
    task27_table="results/task27/table.csv",
    task27_accuracy_vs_width="results/task27/figures/accuracy_vs_width.pdf",
)

# The dataset's sidecar: how many test images the paired test of the section counts.
REPORT_INPUTS.update(task27_data=dataset_files(T27["dataset"])["meta"])
register_benchmarks("prepare_dataset", "{dataset}", dataset=T27["dataset"])
register_benchmarks("train_task27", "w{width}_seed{seed}", width=T27["widths"], seed=T27["seeds"])
register_benchmarks("summarize_task27")
register_benchmarks("plot_task27")
