T33 = config["task33"]
T33_RUN = "results/task33/{dataset}"
VAE_CODE = code("vae.py", "engine.py", "models.py", "losses.py", "optim.py", "results.py")


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
        },
        labels=lambda wc: {"task": 33, "dataset": wc.dataset, "likelihood": T33["datasets"][wc.dataset]["likelihood"], "seed": T33["seed"]},
    log:
        log_path("train_task33", "{dataset}"),
    benchmark:
        bench_path("train_task33", "{dataset}")
    message:
        "Training task 33's VAE on {wildcards.dataset}"
    threads: config["threads"]
    resources:
        mem_mb=4000,
        runtime=lambda wc: 10 + 8 * T33["datasets"][wc.dataset]["epochs"],
    conda:
        ENV_TORCH
    script:
        "../../scripts/train_vae.py"


rule figures_task33:
    """Task 33: prior samples, test reconstructions (from the checkpoint) and ELBO terms per epoch."""
    input:
        **dataset_files("{dataset}"),
        model=f"{T33_RUN}/model.pt",
        history=f"{T33_RUN}/history.csv",
        code=sorted({*VAE_CODE, *code("plots.py", "plots_vae.py")}),
    output:
        samples=f"{T33_RUN}/figures/samples.png",
        reconstructions=f"{T33_RUN}/figures/reconstructions.png",
        elbo=f"{T33_RUN}/figures/elbo.pdf",
    params:
        figures=T33["figures"],
        title=lambda wc: f"{wc.dataset}, {T33['datasets'][wc.dataset]['likelihood']} likelihood",
    log:
        log_path("figures_task33", "{dataset}"),
    benchmark:
        bench_path("figures_task33", "{dataset}")
    message:
        "Drawing task 33's VAE samples, reconstructions and ELBO curves for {wildcards.dataset}"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=5,
    conda:
        ENV_TORCH
    script:
        "../../scripts/vae_figures.py"


for _ds in T33["datasets"]:
    REPORT_INPUTS.update(
        {
            f"task33_{_ds}_final": f"results/task33/{_ds}/final.csv",
            f"task33_{_ds}_history": f"results/task33/{_ds}/history.csv",
            f"task33_{_ds}_samples": f"results/task33/{_ds}/figures/samples.png",
            f"task33_{_ds}_reconstructions": f"results/task33/{_ds}/figures/reconstructions.png",
            f"task33_{_ds}_elbo": f"results/task33/{_ds}/figures/elbo.pdf",
        }
    )
