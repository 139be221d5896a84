# Shared helpers: config validation, the data folder, output paths, code dependencies.
import os
import sys
from pathlib import Path

SRC = Path(workflow.basedir) / "src"
# Jobs import the package from the source tree, so it works in a conda env without installing it.
sys.path.insert(0, str(SRC))
os.environ.update(PYTHONPATH=os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])))

from nnlab.config import ConfigError, read_yaml, validate_config  # noqa: E402
from nnlab.data.sources import expected_layouts, find_source  # noqa: E402
from nnlab.report.languages import language_dir  # noqa: E402


def stop(message):
    """End the run before any job with `message` (what is wrong, how to fix it): a user's mistake
    gets no traceback (Snakemake prints one with a WorkflowError)."""
    print(message, file=sys.stderr)
    sys.exit(1)


try:
    validate_config(config, Path(workflow.basedir) / "workflow/schemas/config.schema.yaml")
except ConfigError as err:
    stop(err)

DATA_DIR = os.environ.get("NNLAB_DATA") or config["data"]["dir"]
# config.yaml as shipped holds the original's settings; the report lists what this build changed.
DEFAULT_CONFIG = read_yaml(Path(workflow.basedir) / "config.yaml")
# The report's language: its templates and words are report/<language>/. The plotting rules take its
# figure words as an input, so another language redraws the figures and retrains nothing.
try:
    REPORT_DIR = language_dir("report", config["report"]["language"])
except ValueError as err:
    raise WorkflowError(str(err)) from None
FIGURE_WORDS = str(REPORT_DIR / "figures.yaml")
ENV_TORCH = "../../envs/torch.yaml"
ENV_REPORT = "../../envs/report.yaml"


wildcard_constraints:
    dataset="mnist|cifar10",
    seed=r"\d+",


def code(*modules):
    """Package files a job runs, as inputs: editing one reruns the jobs that use it.

    Snakemake tracks a `script:` file's code but not what it imports, hence this list.
    """
    base = ["__init__.py", "io.py", "errors.py"]
    return sorted(f"src/nnlab/{m}" for m in base + list(modules))


DATA_CODE = code("data/__init__.py", "data/dataset.py", "data/sources.py", "data/cache.py", "data/synthetic.py")
TRAIN_CODE = code(
    "models.py",
    "losses.py",
    "optim.py",
    "ftrl.py",
    "engine.py",
    "precision.py",
    "checkpoint.py",
    "loop.py",
    "results.py",
    "resources.py",
    "data/split.py",
)
PLOT_CODE = code("plots.py", "results.py")
VAE_CODE = sorted({*TRAIN_CODE, *code("vae.py")})  # tasks 32, 33 (vae.py imports the engine)
REPORT_CODE = sorted(
    {
        *code("results.py", "optstudy.py", "precision.py", "significance.py"),
        *(str(p) for p in Path("src/nnlab/report").rglob("*.py")),
    }
)

# Each task's rules add their tables and figures here (names start with "task<id>_"); the report
# rules take them all as inputs, and each figure is also an input of the LaTeX compile.
REPORT_INPUTS = {}
# Each task also registers the benchmark files of every job behind its report inputs (with
# `register_benchmarks`); rule collect_benchmarks tabulates their wall time and peak memory for
# the report's appendix.
REPORT_BENCHMARKS = set()
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
        stop(
            f"No {wildcards.dataset} files in {DATA_DIR} (datasets.{wildcards.dataset}.source: files).\n"
            f"Expected: {expected_layouts(wildcards.dataset, Path(DATA_DIR))}.\n"
            f"Fix: copy them there, set NNLAB_DATA to a folder that has them, or use source: auto to download."
        )
    return [str(p) for p in src.paths]


def log_path(rule, pattern=""):
    return f"results/logs/{rule}/{pattern or 'all'}.log"


def bench_path(rule, pattern=""):
    return f"results/benchmarks/{rule}/{pattern or 'all'}.tsv"


def register_benchmarks(rule, pattern="", **values):
    """Register the benchmark files of `rule`'s jobs for every combination of wildcard `values`.

    E.g. register_benchmarks("train_task24", "{loss}_seed{seed}", loss=[...], seed=[...]): the
    same `pattern` as the rule's `bench_path(...)`, expanded like `expand`.
    """
    REPORT_BENCHMARKS.update(expand(bench_path(rule, pattern), **values))


def report_benchmarks(wildcards=None):
    """The registered benchmark files; with `partial_report: true`, only those that exist now."""
    paths = sorted(REPORT_BENCHMARKS)
    return [p for p in paths if Path(p).exists()] if config["partial_report"] else paths


def all_targets(wildcards=None):
    """The PDF, and (unless building a partial report) every registered table, figure and run CSV."""
    if config["partial_report"]:
        return ["results/report.pdf"]
    return ["results/report.pdf", *REPORT_INPUTS.values(), *TARGETS]


def report_inputs(wildcards=None):
    """All tasks' tables and figures; with `partial_report: true`, only those that exist now,
    so a report can be built after some jobs failed (their tasks then show "not run")."""
    if not config["partial_report"]:
        return REPORT_INPUTS
    return {k: v for k, v in REPORT_INPUTS.items() if Path(v).exists()}


def report_figures(wildcards=None):
    return [p for p in report_inputs().values() if p.endswith((".pdf", ".png"))]


# Helpers of task27.smk (functions live here, rules there; the task's constants are
# defined in its .smk before any rule calls these).
def t27_epochs(width):
    return T27_EPOCHS.get(int(width), T27["epochs"])


def t27_parameters(width):
    return mlp_parameters(784, [int(width)], 10)


def t27_mem_mb(wildcards):
    width = int(wildcards.width)
    return train_mem_mb(t27_parameters(width), T27["eval_batch_size"], width, T27_BASE_MB)


def t27_runtime(wildcards):
    width = int(wildcards.width)
    return train_runtime_min(t27_parameters(width), t27_epochs(width), T27_SECONDS_PER_PARAMETER_EPOCH)


def t27_runs(name):
    return expand(f"{T27_RUN}/{name}.csv", width=T27["widths"], seed=T27["seeds"])


# Helpers of task28.smk (functions live here, rules there; the task's constants are
# defined in its .smk before any rule calls these).
def t28_runs(name):
    return expand(f"{T28_RUN}/{name}.csv", seed=T28["seeds"])


# Helpers of task29.smk (functions live here, rules there; the task's constants are
# defined in its .smk before any rule calls these).
def t29_epochs(split):
    return T29["epochs"] if split == "test" else T29["sweep"]["epochs"]


def t29_test_runs(name):
    return [
        f"results/task29/test/{opt}/lr{lr_tag(T29['lr'][opt])}/seed{seed}/{name}.csv"
        for opt in T29["optimizers"]
        for seed in T29["seeds"]
    ]


def t29_sequential_runs(name):
    """One CSV per stage and seed of the sequential protocol (none when it is not among the protocols)."""
    if "sequential" not in T29["protocols"]:
        return []
    return [f"{T29_SEQ}/{opt}/{name}.csv".format(seed=seed) for seed in T29["seeds"] for opt in T29["optimizers"]]


def t29_sweep_runs(name):
    sw = T29["sweep"]
    return [
        f"results/task29/sweep/{opt}/lr{lr_tag(lr)}/seed{seed}/{name}.csv"
        for opt in sw["optimizers"]
        for lr in sw["lrs"][opt]
        for seed in sw["seeds"]
    ]


# Helpers of task30.smk (functions live here, rules there; the task's constants are
# defined in its .smk before any rule calls these).
def t30_epochs(wc):
    return T30["epochs"][wc.dataset][wc.model]


def t30_runtime(wc):
    """Minutes: measured seconds per epoch x epochs, doubled for a busy machine, plus start-up."""
    return 5 + math.ceil(2 * T30_SECONDS_PER_EPOCH[(wc.dataset, wc.model)] * t30_epochs(wc) / 60)


def t30_runs(name, seeds=None):
    return expand(f"{T30_RUN}/{name}.csv", dataset=T30["datasets"], model=T30["models"], seed=seeds or T30["seeds"])
