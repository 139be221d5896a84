rule prepare_dataset:
    """Read one dataset from its source (files, download or synthetic) into verified cached arrays."""
    input:
        source=source_files,
        code=DATA_CODE,
    output:
        **dataset_files("{dataset}"),
    params:
        settings=lambda wc: config["datasets"][wc.dataset],
        data_dir=DATA_DIR,
    log:
        log_path("prepare_dataset", "{dataset}"),
    benchmark:
        bench_path("prepare_dataset", "{dataset}")
    message:
        "Caching dataset {wildcards.dataset} as verified arrays"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    conda:
        ENV_TORCH
    script:
        "../../scripts/prepare_dataset.py"
