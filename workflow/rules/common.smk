# Shared helpers: config validation, the data folder, output paths, code dependencies.
import os
import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError

SRC = Path(workflow.basedir) / "src"
# Jobs import the package from the source tree, so it works in a conda env without installing it.
sys.path.insert(0, str(SRC))
os.environ.update(PYTHONPATH=os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])))

from nnlab.config import ConfigError, validate_config  # noqa: E402
from nnlab.data.sources import expected_layouts, find_source  # noqa: E402

try:
    validate_config(config, Path(workflow.basedir) / "workflow/schemas/config.schema.yaml")
except ConfigError as err:
    raise WorkflowError(str(err)) from None

DATA_DIR = os.environ.get("NNLAB_DATA") or config["data"]["dir"]
ENV_TORCH = "../../envs/torch.yaml"
ENV_REPORT = "../../envs/report.yaml"


wildcard_constraints:
    dataset="mnist|cifar10",
    seed=r"\d+",


def code(*modules):
    """Package files a job runs, as inputs: editing one reruns the jobs that use it.

    Snakemake tracks a `script:` file's code but not what it imports, hence this list.
    """
    base = ["__init__.py", "io.py"]
    return sorted(f"src/nnlab/{m}" for m in base + list(modules))


DATA_CODE = code("data/__init__.py", "data/dataset.py", "data/sources.py", "data/cache.py", "data/synthetic.py")
TRAIN_CODE = code("models.py", "losses.py", "optim.py", "ftrl.py", "engine.py", "checkpoint.py", "results.py")
PLOT_CODE = code("plots.py", "results.py")
REPORT_CODE = sorted({*code("results.py"), *(str(p) for p in Path("src/nnlab/report").rglob("*.py"))})

# Each task's rules add their tables and figures here (names start with "task<id>_"); the report
# rules take them all as inputs, and each figure is also an input of the LaTeX compile.
REPORT_INPUTS = {}
# Every file a user may delete and expect back: run CSVs too. `rule all` asks for them, so a
# deleted one is regenerated (and its downstream rerun) although the PDF is newer.
TARGETS = []


def dataset_files(name):
    """The cached arrays and sidecar of a dataset (outputs of prepare_dataset)."""
    return {"npz": f"results/data/{name}.npz", "meta": f"results/data/{name}.json"}


def source_files(wildcards):
    """A dataset's source files, found when the DAG is built, so changed files rerun the cache.

    With `source: files` and nothing found, stop now, before any job, saying what to provide.
    """
    settings = config["datasets"][wildcards.dataset]
    if settings["source"] == "synthetic":
        return []
    src = find_source(wildcards.dataset, DATA_DIR)
    if src.kind == "download" and settings["source"] == "files":
        raise WorkflowError(
            f"No {wildcards.dataset} files in {DATA_DIR} (datasets.{wildcards.dataset}.source: files).\n"
            f"Expected: {expected_layouts(wildcards.dataset, Path(DATA_DIR))}.\n"
            f"Fix: copy them there, set NNLAB_DATA to a folder that has them, or use source: auto to download."
        )
    return [str(p) for p in src.paths]


def log_path(rule, pattern=""):
    return f"results/logs/{rule}/{pattern or 'all'}.log"


def bench_path(rule, pattern=""):
    return f"results/benchmarks/{rule}/{pattern or 'all'}.tsv"


def report_inputs(wildcards=None):
    """All tasks' tables and figures; with `partial_report: true`, only those that exist now,
    so a report can be built after some jobs failed (their tasks then show "not run")."""
    if not config["partial_report"]:
        return REPORT_INPUTS
    return {k: v for k, v in REPORT_INPUTS.items() if Path(v).exists()}


def report_figures(wildcards=None):
    return [p for p in report_inputs().values() if p.endswith((".pdf", ".png"))]
