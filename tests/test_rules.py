"""What each job of the workflow gets from its rule, read from Snakemake's own DAG (no build): the log and
benchmark files and resources that a rule does not state come from one place (common.smk's
add_job_defaults), and the report's appendix lists the benchmark of every job behind the report."""

import json
import subprocess
import sys

import pytest
from conftest import ROOT

# Run after the appendix's table is made (its job list is theirs to read), or beside the report.
AFTER_THE_TABLE = {"collect_benchmarks", "render_report", "compile_report", "write_results"}


@pytest.fixture(scope="module", params=[["config.yaml"], ["config.yaml", "scales/quick.yaml"]], ids=["full", "quick"])
def jobs(request):
    """Every job of the config's DAG as Snakemake builds it (nnlab_workflow.dagjobs, in a fresh process)."""
    cmd = [sys.executable, str(ROOT / "workflow/lib/nnlab_workflow/dagjobs.py"), str(ROOT), *request.param]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return [j for j in json.loads(proc.stdout.strip().splitlines()[-1]) if j["rule"] != "all"]


def test_every_job_has_its_own_log_and_benchmark_named_alike(jobs):
    names = set()
    for j in jobs:
        assert len(j["log"]) == 1 and j["log"][0].startswith(f"results/logs/{j['rule']}/"), j
        name = j["log"][0].removeprefix(f"results/logs/{j['rule']}/").removesuffix(".log")
        assert j["benchmark"] == f"results/benchmarks/{j['rule']}/{name}.tsv", j
        assert all(str(v) in name for v in j["wildcards"].values()) and (name == "all") == (not j["wildcards"]), j
        names.add((j["rule"], name))
    assert len(names) == len(jobs)  # no two jobs write one log
    # the names the workflow always had (a renamed benchmark file would rerun its job)
    logs = {j["log"][0] for j in jobs}
    assert {"results/logs/prepare_dataset/mnist.log", "results/logs/train_task24/mse_seed1.log",
            "results/logs/train_task27/w10_seed1.log", "results/logs/train_task29/test_adam_lr0.001_seed1.log",
            "results/logs/iwae_task32/mnist.log", "results/logs/compile_report/all.log"} <= logs  # fmt: skip


def test_every_job_asks_for_memory_and_a_runtime(jobs):
    for j in jobs:
        assert j["resources"]["mem_mb"] > 0 and j["resources"]["runtime"] > 0, j
    asks = {j["rule"]: (j["resources"]["mem_mb"], j["resources"]["runtime"]) for j in jobs}
    # a rule that states neither gets a small job's (SMALL_JOB); one that states one keeps it
    assert asks["summarize_task24"] == asks["summarize_task27"] == asks["render_report"] == (1000, 5)
    assert asks["compile_report"] == (1000, 10) and asks["figures_task33"] == (2000, 5)
    assert asks["prepare_dataset"] == (4000, 30)


def test_the_appendix_lists_every_job_behind_the_report(jobs):
    (collect,) = [j for j in jobs if j["rule"] == "collect_benchmarks"]
    behind = {j["benchmark"] for j in jobs if j["rule"] not in AFTER_THE_TABLE}
    assert set(collect["inputs"]) == behind


def test_the_slurm_profile_keeps_its_settings_beside_the_workflow_profile():
    """Snakemake reads profiles/default on every run and its keys replace the Slurm profile's: the
    cluster's own latency and retries must survive, and the workflow's rerun triggers still apply."""
    code = (
        "import json; from snakemake.cli import parse_args; _, a = parse_args(['--profile', 'profiles/slurm', '-n']); "
        "print(json.dumps([a.latency_wait, a.retries, a.executor, sorted(t.name for t in a.rerun_triggers)]))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr[-3000:]
    latency, retries, executor, triggers = json.loads(proc.stdout.strip().splitlines()[-1])
    assert (latency, retries, executor) == (60, 1, "slurm")
    assert triggers == ["CODE", "INPUT", "MTIME", "PARAMS", "SOFTWARE_ENV"]
