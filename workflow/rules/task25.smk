T25 = config["task25"]
T25_RUN = "results/task25/batch{batch}/seed{seed}"
# the main reading of the original's "batch の数は 100" first, then the other readings (batch sizes)
T25_BATCHES = [T25["batch_size"], *(b for b in T25["alt_batch_sizes"] if b != T25["batch_size"])]


rule train_task25:
    """Task 25: fit the 2-32-16-1 MLP to noisy samples of the original's function, one batch size and seed."""
    output:
        **run_files(T25_RUN, ("history", "final", "timing", "grid")),
    wildcard_constraints:
        batch=r"\d+",
    conda:
        ENV_TORCH
    # one thread (no `threads:`), not config `threads`: a 2-32-16-1 net on batches of 100 gains nothing
    # from more, and on a busy machine extra threads only spin (measured: 100-120 s CPU per seed with
    # 2 threads on a loaded 2-core machine, 13 s with 1 thread on an idle one; same numbers either way)
    resources:
        mem_mb=1000,  # peak resident memory about 770 MB (torch itself), +30 %
        # batch size 10 makes 10x the steps: measured 22 s CPU (4 min wall, loaded) vs 6 s for batch 100 at 200 epochs
        runtime=lambda wc: 10 if int(wc.batch) >= 100 else 30,
    params:
        data=T25["data"],
        run=lambda wc: tasks.run_params(
            config,
            "task25",
            wc.seed,
            keys=("optimizer", "lr", "epochs"),
            hidden=T25["model"]["hidden"],
            activation=T25["model"].get("activation", "relu"),
            batch_size=int(wc.batch),
            grid_size=T25["grid"]["size"],
            grid_range=(T25["data"]["low"], T25["data"]["high"]),
            center_radius=T25["grid"]["center_radius"],
        ),
        labels=lambda wc: {"task": 25, "batch_size": int(wc.batch), "seed": int(wc.seed)},
    message:
        "Training task 25 (regression of f(x1, x2)), batch size {wildcards.batch}, seed {wildcards.seed}"
    script:
        "../../scripts/train_regression.py"


T25_RUNS = expand_outputs(rules.train_task25, batch=T25_BATCHES, seed=T25["seeds"])
T25_MAIN = expand_outputs(rules.train_task25, batch=T25["batch_size"], seed=T25["seeds"])  # the main reading


rule summarize_task25:
    """Task 25: grid errors and the convergence facts of each run's loss curve (every reading and seed)."""
    input:
        final=T25_RUNS["final"],
        history=T25_RUNS["history"],
    output:
        table=in_report("results/task25/table.csv", "task25_table", figure="grid errors and convergence per seed"),
    conda:
        ENV_REPORT
    params:
        convergence=T25["convergence"],
    message:
        "Summarising task 25: grid errors and when the loss settles"
    script:
        "../../scripts/summarize_regression.py"


rule plot_task25:
    """Task 25: the learned surface against the true function (first seed), and the loss curves."""
    input:
        figure_words=FIGURE_WORDS,
        grid=T25_MAIN["grid"][0],
        history=T25_MAIN["history"],
        table=rules.summarize_task25.output.table,
    output:
        surface=in_report(
            "results/task25/figures/surface.pdf", "task25_surface", figure="learned surface vs true function"
        ),
        loss=in_report("results/task25/figures/loss.pdf", "task25_loss", figure="loss per epoch"),
    conda:
        ENV_REPORT
    params:
        seeds=T25["seeds"],
        claim_epoch=T25["convergence"]["claim_epoch"],
    message:
        "Plotting task 25: 3-D surface and loss curves"
    script:
        "../../scripts/plot_regression.py"


TARGETS.extend(p for paths in T25_RUNS.values() for p in paths)
REPORT_INPUTS.update(
    task25_table=rules.summarize_task25.output.table,
    task25_surface=rules.plot_task25.output.surface,
    task25_loss=rules.plot_task25.output.loss,
)
