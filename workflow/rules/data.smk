rule prepare_dataset:
    """Read one dataset from its source (files, download or synthetic) into verified cached arrays."""
    input:
        source=source_files,
    output:
        **dataset_files("{dataset}"),
    # before every other job: each training job waits for its data
    priority: 1_000_000
    conda:
        ENV_TORCH
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        settings=lambda wc: config["datasets"][wc.dataset],
        data_dir=DATA_DIR,
        # the sources' bytes, not their times, rerun the cache (nnlab_workflow.datadeps); from the
        # wildcards, not `input`: Snakemake does not record params derived from input files
        source=lambda wc: content_fingerprint(source_files(wc)),
    message:
        "Caching dataset {wildcards.dataset} as verified arrays"
    script:
        "../../scripts/prepare_dataset.py"
