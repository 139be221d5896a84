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
    log:
        log_path("train_task33", "{dataset}"),
    benchmark:
        bench_path("train_task33", "{dataset}")
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
    log:
        log_path("figures_task33", "{dataset}"),
    benchmark:
        bench_path("figures_task33", "{dataset}")
    conda:
        ENV_TORCH
    threads: 1
    resources:
        mem_mb=2000,
        runtime=5,
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
    log:
        log_path("plot_task33", "{dataset}"),
    benchmark:
        bench_path("plot_task33", "{dataset}")
    conda:
        ENV_REPORT
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        title=lambda wc: f"{wc.dataset}, {T33['datasets'][wc.dataset]['likelihood']} likelihood",
    message:
        "Plotting task 33's ELBO terms per epoch for {wildcards.dataset}"
    script:
        "../../scripts/plot_vae_elbo.py"


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

register_benchmarks(rules.prepare_dataset, dataset=T33_DATASETS)
register_benchmarks(rules.train_task33, dataset=T33_DATASETS)
register_benchmarks(rules.figures_task33, dataset=T33_DATASETS)
register_benchmarks(rules.plot_task33, dataset=T33_DATASETS)
