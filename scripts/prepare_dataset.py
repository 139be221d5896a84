"""Cache one dataset as verified arrays (rule prepare_dataset)."""

from nnlab.data import build, save_cache
from nnlab.logs import tee_to

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    name = sm.wildcards.dataset
    recipe = {"dataset": name, "settings": dict(sm.params.settings), "data_dir": str(sm.params.data_dir)}
    print(f"{name}: reading {recipe}")
    ds, where = build(**recipe)
    save_cache(ds, sm.output.npz, sm.output.meta, where, recipe)
    print(f"{name}: {len(ds.y_train)} train / {len(ds.y_test)} test images {ds.image_shape}, from {where}")
