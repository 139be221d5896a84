T33 = config["task33"]
T33_RUN = "results/task33/{dataset}"
T33_DATASETS = list(T33["datasets"])
# Peak resident memory (2 threads, real data): MNIST 0.94 GB, CIFAR-10 1.45 GB (its arrays and the
# 256-bin likelihood's per-pixel terms); requests +30 %.
T33_MEM_MB = {"mnist": 1250, "cifar10": 1900}


rule train_task33:
    """Task 33: train the convolutional VAE on one dataset by minimising -ELBO; checkpoint it."""
    input:
        **dataset_files("{dataset}"),
    output:
        **run_files(T33_RUN),
        model=f"{T33_RUN}/model.pt",
    conda:
        ENV_TORCH
    threads: config["threads"]
    resources:
        mem_mb=lambda wc: T33_MEM_MB[wc.dataset],
        runtime=lambda wc: 10 + 8 * T33["datasets"][wc.dataset]["epochs"],
    params:
        run=lambda wc: tasks.run_params(
            config,
            "task33",
            T33["seed"],
            keys=("lr", "batch_size"),
            latent_dim=T33["model"]["latent_dim"],
            channels=T33["model"]["channels"],
            likelihood=T33["datasets"][wc.dataset]["likelihood"],
            epochs=T33["datasets"][wc.dataset]["epochs"],
        ),
        labels=lambda wc: {
            "task": 33,
            "dataset": wc.dataset,
            "likelihood": T33["datasets"][wc.dataset]["likelihood"],
            "seed": T33["seed"],
        },
    message:
        "Training task 33's VAE on {wildcards.dataset}"
    script:
        "../../scripts/train_vae.py"


rule figures_task33:
    """Task 33: image grids from the checkpoint, prior samples and test images with reconstructions."""
    input:
        **dataset_files("{dataset}"),
        model=rules.train_task33.output.model,
    output:
        samples=in_report(f"{T33_RUN}/figures/samples.png", "task33", file="{dataset} samples"),
        reconstructions=in_report(f"{T33_RUN}/figures/reconstructions.png", "task33", file="{dataset} reconstructions"),
    conda:
        ENV_TORCH
    resources:
        mem_mb=2000,
    params:
        figures=T33["figures"],
    message:
        "Drawing task 33's VAE samples and reconstructions for {wildcards.dataset}"
    script:
        "../../scripts/vae_figures.py"


rule plot_task33:
    """Task 33: ELBO, reconstruction and KL terms per epoch, training and test."""
    input:
        figure_words=FIGURE_WORDS,
        history=rules.train_task33.output.history,
    output:
        elbo=in_report(f"{T33_RUN}/figures/elbo.pdf", "task33", file="{dataset} elbo"),
    conda:
        ENV_REPORT
    params:
        title=lambda wc: {"dataset": wc.dataset, "likelihood": T33["datasets"][wc.dataset]["likelihood"]},
    message:
        "Plotting task 33's ELBO terms per epoch for {wildcards.dataset}"
    script:
        "../../scripts/plot_vae_elbo.py"


# Judged by task 30's CNN of the same dataset (its first seed): only where task 30 trains one.
T33_QUALITY = [d for d in T33_DATASETS if d in T30["datasets"] and "cnn" in T30["models"]]


rule quality_task33:
    """Task 33: the VAE's images judged by task 30's CNN: Fréchet and kernel distances to the test set
    between floor and baseline, the classifier's confidence and score (nnlab.vae.quality)."""
    input:
        **dataset_files("{dataset}"),
        vae=rules.train_task33.output.model,
        classifier=lambda wc: rules.train_task30.output.model.format(
            dataset=wc.dataset, model="cnn", seed=T30["seeds"][0]
        ),
    output:
        table=f"{T33_RUN}/quality.csv",
    conda:
        ENV_TORCH
    threads: config["threads"]
    resources:
        # five sets of n_images and their features: peak 1220 MB at 10 000 CIFAR-10 images (quick build)
        mem_mb=lambda wc: 1000 + T33["quality"]["n_images"] // 20,
        runtime=lambda wc: 10 + T33["quality"]["n_images"] // 1000,
    params:
        quality=T33["quality"],
        labels=lambda wc: {"dataset": wc.dataset, "judge_seed": T30["seeds"][0]},
    message:
        "Judging task 33's VAE images on {wildcards.dataset} with task 30's CNN"
    script:
        "../../scripts/measure_vae_quality.py"


rule plot_task33_quality:
    """Task 33: where the VAE's samples and reconstructions sit between real images and the baseline."""
    input:
        figure_words=FIGURE_WORDS,
        tables=expand(rules.quality_task33.output.table, dataset=T33_QUALITY),
    output:
        figure=in_report("results/task33/figures/quality.pdf", "task33_quality", file="quality"),
    conda:
        ENV_REPORT
    message:
        "Plotting task 33's image-quality scores"
    script:
        "../../scripts/plot_vae_quality.py"


for _ds in T33_DATASETS:
    TARGETS.extend(expand(list(rules.train_task33.output), dataset=_ds))
    REPORT_INPUTS.update(
        {
            f"task33_{_ds}_final": rules.train_task33.output.final.format(dataset=_ds),
            f"task33_{_ds}_history": rules.train_task33.output.history.format(dataset=_ds),
            **{f"task33_{_ds}_{n}": p.format(dataset=_ds) for n, p in rules.figures_task33.output.items()},
            f"task33_{_ds}_elbo": rules.plot_task33.output.elbo.format(dataset=_ds),
        }
    )

if T33_QUALITY:
    REPORT_INPUTS.update(
        {f"task33_{d}_quality": rules.quality_task33.output.table.format(dataset=d) for d in T33_QUALITY},
        task33_quality=rules.plot_task33_quality.output.figure,
    )
