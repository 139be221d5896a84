T25 = config["task25"]
T25_RUN = "results/task25/seed{seed}"
REGRESSION_CODE = sorted({*TRAIN_CODE, *code("regression.py")})


rule train_task25:
    """Task 25: fit the 2-32-16-1 MLP to noisy samples of the original's function, one seed."""
    input:
        code=REGRESSION_CODE,
    output:
        history=f"{T25_RUN}/history.csv",
        final=f"{T25_RUN}/final.csv",
        timing=f"{T25_RUN}/timing.csv",
        grid=f"{T25_RUN}/grid.csv",
    params:
        data=T25["data"],
        run=lambda wc: {
            "hidden": T25["model"]["hidden"],
            "activation": T25["model"].get("activation", "relu"),
            "optimizer": T25["optimizer"],
            "lr": T25["lr"],
            "epochs": T25["epochs"],
            "batch_size": T25["batch_size"],
            "seed": int(wc.seed),
            "grid_size": T25["grid"]["size"],
            "grid_range": (T25["data"]["low"], T25["data"]["high"]),
            "center_radius": T25["grid"]["center_radius"],
            "device": config["device"],
        },
        labels=lambda wc: {"task": 25, "seed": int(wc.seed)},
    log:
        log_path("train_task25", "seed{seed}"),
    benchmark:
        bench_path("train_task25", "seed{seed}")
    message:
        "Training task 25 (regression of f(x1, x2)), seed {wildcards.seed}"
    # one thread: a 2-32-16-1 net on batches of 100 gains nothing from more, and on a busy
    # machine extra threads only spin (measured: 100-120 s CPU per seed with 2 threads on a loaded
    # 2-core machine, 13 s with 1 thread on an idle one; same numbers either way)
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        ENV_TORCH
    script:
        "../../scripts/train_regression.py"


def t25_runs(name):
    return expand(f"{T25_RUN}/{name}.csv", seed=T25["seeds"])


rule summarize_task25:
    """Task 25: grid errors and the convergence facts of each seed's loss curve."""
    input:
        final=t25_runs("final"),
        history=t25_runs("history"),
        code=code("curves.py", "results.py"),
    output:
        table="results/task25/table.csv",
    params:
        convergence=T25["convergence"],
    log:
        log_path("summarize_task25"),
    benchmark:
        bench_path("summarize_task25")
    message:
        "Summarising task 25: grid errors and when the loss settles"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    conda:
        ENV_REPORT
    script:
        "../../scripts/summarize_regression.py"


rule plot_task25:
    """Task 25: the learned surface against the true function (first seed), and the loss curves."""
    input:
        grid=f"results/task25/seed{T25['seeds'][0]}/grid.csv",
        history=t25_runs("history"),
        table="results/task25/table.csv",
        code=code("plots.py", "plots_regression.py", "results.py"),
    output:
        surface="results/task25/figures/surface.pdf",
        loss="results/task25/figures/loss.pdf",
    params:
        seeds=T25["seeds"],
        claim_epoch=T25["convergence"]["claim_epoch"],
    log:
        log_path("plot_task25"),
    benchmark:
        bench_path("plot_task25")
    message:
        "Plotting task 25: 3-D surface and loss curves"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        ENV_REPORT
    script:
        "../../scripts/plot_regression.py"


REPORT_INPUTS.update(
    task25_table="results/task25/table.csv",
    task25_surface="results/task25/figures/surface.pdf",
    task25_loss="results/task25/figures/loss.pdf",
)
