# Shared helpers: config validation, the data folder, output paths, code dependencies.
import os
import re
import sys
from pathlib import Path

from snakemake.io import is_callable, strip_wildcard_constraints

SRC = Path(workflow.basedir) / "src"
# Jobs import the package from the source tree, so it works in a conda env without installing it.
sys.path.insert(0, str(SRC))
os.environ.update(PYTHONPATH=os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])))
# The workflow's own Python (nnlab_workflow): what the rules compute, in modules tests can import.
sys.path.insert(0, str(Path(workflow.basedir) / "workflow/lib"))

from nnlab.config import ConfigError, read_yaml, validate_config  # noqa: E402
from nnlab.data.sources import expected_layouts, find_source  # noqa: E402
from nnlab.report.languages import language_dir  # noqa: E402
from nnlab_workflow import tasks  # noqa: E402
from nnlab_workflow.archive import RESTORED  # noqa: E402
from nnlab_workflow.datadeps import content_fingerprint  # noqa: E402
from nnlab_workflow.codedeps import CodeError, CodeIndex  # noqa: E402


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
    """A dataset's source files, found when the DAG is built, so changed files rerun the cache. They
    are `ancient`: new times on the same bytes rerun nothing (the rule's params.source tracks bytes).

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
    return ancient([str(p) for p in src.paths])


LOG_ROOT, BENCH_ROOT = "results/logs", "results/benchmarks"  # laid out alike: <root>/<rule>/<job>
# What most jobs (summaries, figures, the report) need. Threads and resources are stated in a rules
# file only where its jobs need more (Snakemake's default is one thread).
SMALL_JOB = {"mem_mb": 1000, "runtime": 5}


def job_name(rule):
    """A job's name in its log and benchmark paths: the wildcards of the rule's first output with the
    letters written against them there, joined by _ (`results/task27/w{width}/seed{seed}/history.csv`
    -> `w{width}_seed{seed}`, `results/task32/iwae_{dataset}.csv` -> `{dataset}`); `all` without any."""
    pattern = strip_wildcard_constraints(str(rule.output[0]))
    return "_".join(re.findall(r"[A-Za-z]*\{\w+\}", pattern)) or "all"


def add_job_defaults(workflow_rules):
    """Give each script's rule what it does not state itself, so that no rules file types them. Its
    log and its benchmark file, <root>/<rule>/<job_name>, and SMALL_JOB's resources (where Snakemake's
    --default-resources give none)."""
    for r in workflow_rules:
        if not r.script:
            continue
        job = f"{r.name}/{job_name(r)}"
        # the path modifier a declared log or benchmark gets: the one of the rule's outputs
        r.log_modifier = r.log_modifier or r.output_modifier
        r.benchmark_modifier = r.benchmark_modifier or r.output_modifier
        if not r.log:
            r.set_log(f"{LOG_ROOT}/{job}.log")
        if not r.benchmark:
            r.benchmark = f"{BENCH_ROOT}/{job}.tsv"
        for name, value in SMALL_JOB.items():
            if name not in r.resources:
                r.resources[name] = value


def benchmarks_behind(paths, workflow_rules):
    """The benchmark files of every job behind `paths`: the job that makes each path (its rule and the
    wildcards the path gives), then the jobs that make that job's inputs, as Snakemake's DAG chains
    them. Inputs given by a function are not followed: their files are report inputs or targets too
    (tests/test_rules.py and tests/test_report_e2e.py fail for a job the appendix misses)."""
    producers = [r for r in workflow_rules if r.benchmark]
    found, seen, todo = set(), set(), [str(p) for p in paths]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for r in producers:
            if r.is_producer(path):
                wildcards = r.get_wildcards(path)
                found.add(str(r.expand_benchmark(wildcards)))
                todo += [str(f.apply_wildcards(wildcards)) for f in r.input if not is_callable(f)]
    return found


def in_report(path, caption, **labels):
    """An output shown in Snakemake's HTML report (`snakemake --report`): its caption is
    workflow/report/<caption>.rst, its category the task in its path ("Task 24"), else "Report"."""
    task = re.search(r"/task(\d+)/", path)
    category = f"Task {task.group(1)}" if task else "Report"
    return report(path, caption=f"../report/{caption}.rst", category=category, labels=labels)


def run_files(run, names=("history", "final", "timing")):
    """The named CSVs of one training run: {name: <run folder>/<name>.csv}."""
    return {name: f"{run}/{name}.csv" for name in names}


def run_predictions(prefix, rule, *combinator, by=None, **values):
    """Each run's per-image test predictions (`rule`'s output `predictions`) as report inputs named
    `<prefix><wildcards `by` (default: all but seed), joined by _>_seed<seed>`, the names that
    nnlab.report.discussion.run_predictions groups by, for the sections' paired tests."""
    group = "_".join(f"{{{k}}}" for k in (by or [k for k in values if k != "seed"]))
    names = expand(f"{prefix}{group}_seed{{seed}}", *combinator, **values)
    return dict(zip(names, expand(rule.output.predictions, *combinator, **values), strict=True))


def expand_outputs(rule, *combinator, **values):
    """Each named output of `rule` (`rules.<name>`) over the wildcard `values`: {name: [paths]}."""
    return {name: expand(pattern, *combinator, **values) for name, pattern in rule.output.items()}


def add_code_params(workflow_rules):
    """Give every job that runs a script the param `code`: a fingerprint of the meaning of the nnlab
    code its script imports (workflow/lib/nnlab_workflow/codedeps.py). Snakemake's params trigger then
    reruns a job when that code changes, and only then: a comment, docstring or layout edit reruns
    nothing. An edited script itself reruns its jobs by Snakemake's own code trigger (its mtime)."""
    index = CodeIndex(SRC, cache_file=".snakemake/nnlab/code-index.json")
    try:
        for r in workflow_rules:
            if r.script:
                if "code" in r.params.keys():
                    stop(f"{r.name}: the param name `code` is the workflow's own (its code's fingerprint); rename it")
                r.set_params(code=index.fingerprint(Path(r.snakefile).parent / r.script))
    except CodeError as err:
        stop(f"Cannot derive the jobs' code dependencies: {err}")
    index.save()


def longest_first(workflow_rules):
    """Give every job without a `priority:` of its own its `runtime` request (minutes) as priority, so
    Snakemake starts the longest jobs first and the short ones fill the other cores at the end
    (longest-processing-time-first: the build's wall time stays near job time / cores)."""
    for r in workflow_rules:
        runtime = r.resources.get("runtime")
        if r.priority or runtime is None:
            continue

        def priority(wildcards, input, attempt, runtime=runtime):
            minutes = runtime.evaluate(wildcards, input=input, attempt=attempt, threads=1).value
            return minutes if isinstance(minutes, int) else 0  # none declared (e.g. `all`)

        r.priority = priority


def archive_record(wildcards=None):
    """The results archive's record of the jobs `make report` restored from it, where there is one: the
    job table marks them and the title page names the archive's build (nnlab.report.benchmarks)."""
    return [RESTORED] if Path(RESTORED).exists() else []


def report_benchmarks(wildcards=None):
    """The benchmark files of every job behind the report's tables, figures and run CSVs (an input
    function, so it runs once all rules exist); with `partial_report: true`, only those that exist now."""
    paths = sorted(benchmarks_behind([*REPORT_INPUTS.values(), *TARGETS], workflow.rules))
    return [p for p in paths if Path(p).exists()] if config["partial_report"] else paths


def all_targets(wildcards=None):
    """The PDF and the results page, and (unless building a partial report) every registered table,
    figure and run CSV."""
    # an input function: it runs once every rule exists
    final = [rules.compile_report.output.pdf, rules.write_results.output.md]
    if config["partial_report"]:
        return final
    return [*final, *REPORT_INPUTS.values(), *TARGETS]


def report_inputs(wildcards=None):
    """All tasks' tables and figures; with `partial_report: true`, only those that exist now,
    so a report can be built after some jobs failed (their tasks then show "not run")."""
    if not config["partial_report"]:
        return REPORT_INPUTS
    return {k: v for k, v in REPORT_INPUTS.items() if Path(v).exists()}


def report_figures(wildcards=None):
    return [p for p in report_inputs().values() if p.endswith((".pdf", ".png"))]
