# Task 23: vanishing gradients, sigmoid vs ReLU: the derivative bounds with sympy, and the
# per-layer gradient norms of deep MLPs at initialisation and after training.
T23 = config["task23"]
T23_RUN = "results/task23/{activation}/depth{depth}/seed{seed}"


rule derive_task23:
    """Task 23: sigma' = sigma(1 - sigma) <= 1/4 and ReLU' in {0, 1} with sympy; the (1/4)^L bound per depth."""
    output:
        facts="results/task23/derivation.csv",
    conda:
        ENV_TORCH
    params:
        depths=T23["depths"],
    message:
        "Deriving task 23's derivative bounds with sympy"
    script:
        "../../scripts/derive_task23.py"


rule gradnorms_task23:
    """Task 23: one deep MLP's per-layer weight-gradient norms, at initialisation and after training."""
    input:
        **dataset_files(T23["dataset"]),
    output:
        **run_files(T23_RUN, ("norms", "final", "timing")),
    wildcard_constraints:
        activation="sigmoid|relu|tanh",
        depth=r"\d+",
    conda:
        ENV_TORCH
    threads: config["threads"]
    resources:
        mem_mb=1000,  # peak resident memory 760 MB (depth 20, real MNIST), +30 %
        runtime=30,
    params:
        # no precision: the gradient norms are measured in float32
        run=lambda wc: {
            "depth": int(wc.depth),
            "width": T23["width"],
            "activation": wc.activation,
            "init": config["init"],
            "optimizer": T23["optimizer"],
            "lr": T23["lr"],
            "batch_size": T23["batch_size"],
            "epochs": T23["epochs"],
            "measure_samples": T23["measure_samples"],
            "seed": int(wc.seed),
            "device": config["device"],
        },
        labels=lambda wc: {
            "task": 23,
            "activation": wc.activation,
            "depth": int(wc.depth),
            "width": T23["width"],
            "seed": int(wc.seed),
        },
    message:
        "Measuring task 23's gradient norms, {wildcards.activation}, {wildcards.depth} hidden layers, seed {wildcards.seed}"
    script:
        "../../scripts/gradnorms_task23.py"


T23_RUNS = expand_outputs(rules.gradnorms_task23, activation=T23["activations"], depth=T23["depths"], seed=T23["seeds"])


rule summarize_task23:
    """Task 23: per-layer gradient norms and first/output-layer ratios, over seeds (log scale)."""
    input:
        final=T23_RUNS["final"],
        norms=T23_RUNS["norms"],
    output:
        norms="results/task23/norms.csv",
        ratios="results/task23/ratios.csv",
    conda:
        ENV_REPORT
    message:
        "Summarising task 23's gradient norms over seeds"
    script:
        "../../scripts/summarize_task23.py"


rule plot_task23:
    """Task 23: gradient norm per layer (log scale), sigmoid vs ReLU, at initialisation and after training."""
    input:
        figure_words=FIGURE_WORDS,
        norms=rules.summarize_task23.output.norms,
    output:
        figure=in_report("results/task23/figures/gradient_norms.pdf", "task23", file="figure"),
    conda:
        ENV_REPORT
    message:
        "Plotting task 23's gradient norms per layer"
    script:
        "../../scripts/plot_task23.py"


TARGETS.extend(p for paths in T23_RUNS.values() for p in paths)
REPORT_INPUTS.update(
    task23_derivation=rules.derive_task23.output.facts,
    task23_norms=rules.summarize_task23.output.norms,
    task23_ratios=rules.summarize_task23.output.ratios,
    task23_figure=rules.plot_task23.output.figure,
)
