"""Cache one dataset as verified arrays (rule prepare_dataset)."""

from nnlab.data import find_source, load_source, save_cache
from nnlab.data.synthetic import make_synthetic
from nnlab.logs import tee_to

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    name, settings = sm.wildcards.dataset, sm.params.settings
    if settings["source"] == "synthetic":
        syn = settings["synthetic"]
        ds, where = make_synthetic(name, syn["n_train"], syn["n_test"], syn["seed"]), f"synthetic (seed {syn['seed']})"
    else:
        src = find_source(name, sm.params.data_dir)
        print(f"{name}: reading {src.describe()}")
        ds, where = load_source(src), src.describe()
    meta = save_cache(ds, sm.output.npz, sm.output.meta, where)
    print(f"{name}: {len(ds.y_train)} train / {len(ds.y_test)} test images {ds.image_shape}, from {where}")
