T33 = config["task33"]
T33_RUN = "results/task33/{dataset}"
# Peak resident memory (2 threads, real data): MNIST 0.94 GB, CIFAR-10 1.45 GB (its arrays and the
# 256-bin likelihood's per-pixel terms); requests +30 %.
T33_MEM_MB = {"mnist": 1250, "cifar10": 1900}


rule train_task33:
    """Task 33: train the convolutional VAE on one dataset by minimising -ELBO; checkpoint it."""
    input:
        **dataset_files("{dataset}"),
        code=VAE_CODE,
    output:
        model=f"{T33_RUN}/model.pt",
        history=f"{T33_RUN}/history.csv",
        final=f"{T33_RUN}/final.csv",
        timing=f"{T33_RUN}/timing.csv",
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
        run=lambda wc: {
            "latent_dim": T33["model"]["latent_dim"],
            "channels": T33["model"]["channels"],
            "likelihood": T33["datasets"][wc.dataset]["likelihood"],
            "lr": T33["lr"],
            "epochs": T33["datasets"][wc.dataset]["epochs"],
            "batch_size": T33["batch_size"],
            "seed": T33["seed"],
            "device": config["device"],
            "init": config["init"],
            "precision": config["precision"],
        },
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
        model=f"{T33_RUN}/model.pt",
        code=sorted({*VAE_CODE, *code("images.py")}),
    output:
        samples=report(
            f"{T33_RUN}/figures/samples.png",
            caption="../report/task33.rst",
            category="Task 33",
            labels={"file": "{dataset} samples"},
        ),
        reconstructions=report(
            f"{T33_RUN}/figures/reconstructions.png",
            caption="../report/task33.rst",
            category="Task 33",
            labels={"file": "{dataset} reconstructions"},
        ),
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
        history=f"{T33_RUN}/history.csv",
        code=code("plots.py", "plots_vae.py", "results.py"),
    output:
        elbo=report(
            f"{T33_RUN}/figures/elbo.pdf",
            caption="../report/task33.rst",
            category="Task 33",
            labels={"file": "{dataset} elbo"},
        ),
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


for _ds in T33["datasets"]:
    TARGETS.extend(f"results/task33/{_ds}/{n}" for n in ("model.pt", "history.csv", "final.csv", "timing.csv"))
    REPORT_INPUTS.update(
        {
            f"task33_{_ds}_final": f"results/task33/{_ds}/final.csv",
            f"task33_{_ds}_history": f"results/task33/{_ds}/history.csv",
            f"task33_{_ds}_samples": f"results/task33/{_ds}/figures/samples.png",
            f"task33_{_ds}_reconstructions": f"results/task33/{_ds}/figures/reconstructions.png",
            f"task33_{_ds}_elbo": f"results/task33/{_ds}/figures/elbo.pdf",
        }
    )

register_benchmarks("prepare_dataset", "{dataset}", dataset=list(T33["datasets"]))
for _rule in ("train_task33", "figures_task33", "plot_task33"):
    register_benchmarks(_rule, "{dataset}", dataset=list(T33["datasets"]))
