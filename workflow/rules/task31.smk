T31 = config["task31"]
T31_RUN = "results/task31/ae/seed{seed}"
AUTOENCODER_CODE = sorted(
    {
        *TRAIN_CODE,
        *code("autoencoder.py", "latent.py", "resources.py", "data/__init__.py", "data/cache.py", "data/dataset.py"),
    }
)


rule train_task31:
    """Task 31: train the 2-D-bottleneck autoencoder, one seed; encode every test image."""
    input:
        **dataset_files(T31["dataset"]),
        code=AUTOENCODER_CODE,
    output:
        history=f"{T31_RUN}/history.csv",
        final=f"{T31_RUN}/final.csv",
        timing=f"{T31_RUN}/timing.csv",
        latent=f"{T31_RUN}/latent.csv",
    log:
        log_path("train_task31", "seed{seed}"),
    benchmark:
        bench_path("train_task31", "seed{seed}")
    conda:
        ENV_TORCH
    threads: config["threads"]
    resources:
        mem_mb=1250,  # peak resident memory 950 MB on MNIST, +30 %
        runtime=60,
    params:
        run=lambda wc: {
            "hidden": T31["model"]["hidden"],
            "latent": T31["model"]["latent"],
            "activation": T31["model"].get("activation", "relu"),
            "loss": T31["loss"],
            "optimizer": T31["optimizer"],
            "lr": T31["lr"],
            "epochs": T31["epochs"],
            "batch_size": T31["batch_size"],
            "seed": int(wc.seed),
            "device": config["device"],
            "init": config["init"],
            "precision": config["precision"],
        },
        labels=lambda wc: {"task": 31, "seed": int(wc.seed)},
    message:
        f"Training task 31 (2-D autoencoder on {T31['dataset']}), seed {{wildcards.seed}}"
    script:
        "../../scripts/train_autoencoder.py"


rule embed_pca_task31:
    """Task 31: a 2-D PCA fitted on the training images, applied to every test image."""
    input:
        **dataset_files(T31["dataset"]),
        code=code("latent.py", "results.py", "data/__init__.py", "data/cache.py", "data/dataset.py"),
    output:
        latent="results/task31/pca/latent.csv",
        variance="results/task31/pca/variance.csv",
    log:
        log_path("embed_pca_task31"),
    benchmark:
        bench_path("embed_pca_task31")
    conda:
        ENV_TORCH
    threads: 1
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
        ae=expand(f"{T31_RUN}/latent.csv", seed=T31["seeds"]),
        final=expand(f"{T31_RUN}/final.csv", seed=T31["seeds"]),
        pca="results/task31/pca/latent.csv",
        code=code("latent.py", "results.py"),
    output:
        table=report(
            "results/task31/table.csv",
            caption="../report/task31_table.rst",
            category="Task 31",
            labels={"figure": "k-NN separation, autoencoder vs PCA"},
        ),
    log:
        log_path("summarize_task31"),
    benchmark:
        bench_path("summarize_task31")
    conda:
        ENV_REPORT
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
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
        ae=f"results/task31/ae/seed{T31['seeds'][0]}/latent.csv",
        pca="results/task31/pca/latent.csv",
        history=expand(f"{T31_RUN}/history.csv", seed=T31["seeds"]),
        code=code("plots.py", "plots_latent.py", "latent.py", "results.py"),
    output:
        scatter=report(
            "results/task31/figures/scatter.pdf",
            caption="../report/task31_scatter.rst",
            category="Task 31",
            labels={"figure": "digits in the autoencoder's and the PCA's plane"},
        ),
        loss=report(
            "results/task31/figures/loss.pdf",
            caption="../report/task31_loss.rst",
            category="Task 31",
            labels={"figure": "autoencoder loss per epoch"},
        ),
    log:
        log_path("plot_task31"),
    benchmark:
        bench_path("plot_task31")
    conda:
        ENV_REPORT
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        seeds=T31["seeds"],
        classes=T31["digits"],
        per_class=T31["per_class"],
        titles={"ae": f"autoencoder (seed {T31['seeds'][0]})", "pca": "PCA"},
        loss_label={"bce": "binary cross-entropy per pixel", "mse": "MSE per pixel"}[T31["loss"]],
    message:
        "Plotting task 31: latent scatter (autoencoder vs PCA) and the autoencoder's loss"
    script:
        "../../scripts/plot_latent.py"


TARGETS.extend(
    expand(f"{T31_RUN}/{{name}}.csv", seed=T31["seeds"], name=["history", "final", "timing", "latent"])
    + ["results/task31/pca/latent.csv"]
)
REPORT_INPUTS.update(
    task31_table="results/task31/table.csv",
    task31_pca="results/task31/pca/variance.csv",
    task31_scatter="results/task31/figures/scatter.pdf",
    task31_loss="results/task31/figures/loss.pdf",
)

register_benchmarks("prepare_dataset", "{dataset}", dataset=T31["dataset"])
register_benchmarks("train_task31", "seed{seed}", seed=T31["seeds"])
register_benchmarks("embed_pca_task31")
register_benchmarks("summarize_task31")
register_benchmarks("plot_task31")
