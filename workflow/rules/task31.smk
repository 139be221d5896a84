T31 = config["task31"]
T31_RUN = "results/task31/ae/seed{seed}"


rule train_task31:
    """Task 31: train the 2-D-bottleneck autoencoder, one seed; encode every test image."""
    input:
        **dataset_files(T31["dataset"]),
    output:
        **run_files(T31_RUN, ("history", "final", "timing", "latent")),
    conda:
        ENV_TORCH
    threads: config["threads"]
    resources:
        mem_mb=1250,  # peak resident memory 950 MB on MNIST, +30 %
        runtime=60,
    params:
        run=lambda wc: tasks.run_params(
            config,
            "task31",
            wc.seed,
            keys=("loss", "optimizer", "lr", "epochs", "batch_size"),
            hidden=T31["model"]["hidden"],
            latent=T31["model"]["latent"],
            activation=T31["model"].get("activation", "relu"),
        ),
        labels=lambda wc: tasks.run_labels(31, wc, seed=int),
    message:
        f"Training task 31 (2-D autoencoder on {T31['dataset']}), seed {{wildcards.seed}}"
    script:
        "../../scripts/train_autoencoder.py"


T31_RUNS = expand_outputs(rules.train_task31, seed=T31["seeds"])


rule embed_pca_task31:
    """Task 31: a 2-D PCA fitted on the training images, applied to every test image."""
    input:
        **dataset_files(T31["dataset"]),
    output:
        latent="results/task31/pca/latent.csv",
        variance="results/task31/pca/variance.csv",
    conda:
        ENV_TORCH
    resources:
        mem_mb=3000,
        runtime=10,
    params:
        components=T31["model"]["latent"],
        scale=1 / 255,  # pixels in [0, 1], as the autoencoder sees them
    message:
        f"Fitting task 31's PCA baseline on the {T31['dataset']} training images"
    script:
        "../../scripts/embed_pca.py"


rule summarize_task31:
    """Task 31: leave-one-out k-NN accuracy of the chosen digits in each plane (autoencoder seeds, PCA)."""
    input:
        ae=T31_RUNS["latent"],
        final=T31_RUNS["final"],
        pca=rules.embed_pca_task31.output.latent,
    output:
        table=in_report("results/task31/table.csv", "task31_table", figure="k-NN separation, autoencoder vs PCA"),
    conda:
        ENV_REPORT
    params:
        seeds=T31["seeds"],
        separation={"classes": T31["digits"], "per_class": T31["per_class"], "k": T31["knn"]},
    message:
        f"Summarising task 31: how well digits {T31['digits']} separate in each plane"
    script:
        "../../scripts/summarize_latent.py"


rule plot_task31:
    """Task 31: the chosen digits in the autoencoder's plane (first seed) beside the PCA's; the AE's loss."""
    input:
        figure_words=FIGURE_WORDS,
        ae=T31_RUNS["latent"][0],
        pca=rules.embed_pca_task31.output.latent,
        history=T31_RUNS["history"],
    output:
        scatter=in_report(
            "results/task31/figures/scatter.pdf",
            "task31_scatter",
            figure="digits in the autoencoder's and the PCA's plane",
        ),
        loss=in_report("results/task31/figures/loss.pdf", "task31_loss", figure="autoencoder loss per epoch"),
    conda:
        ENV_REPORT
    params:
        seeds=T31["seeds"],
        classes=T31["digits"],
        per_class=T31["per_class"],
        titles={"ae": "autoencoder_seed", "pca": "pca"},
        loss_label=f"{T31['loss']}_per_pixel",
    message:
        "Plotting task 31: latent scatter (autoencoder vs PCA) and the autoencoder's loss"
    script:
        "../../scripts/plot_latent.py"


TARGETS.extend([p for paths in T31_RUNS.values() for p in paths] + [rules.embed_pca_task31.output.latent])
REPORT_INPUTS.update(
    task31_table=rules.summarize_task31.output.table,
    task31_pca=rules.embed_pca_task31.output.variance,
    task31_scatter=rules.plot_task31.output.scatter,
    task31_loss=rules.plot_task31.output.loss,
)
