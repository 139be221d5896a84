"""The smoke workflow on a real single-node Slurm cluster, through profiles/slurm (one task of it).

Runs as root (CI): installs Debian's slurm-wlm and munge when missing, starts munged, slurmctld and
slurmd by hand (tests/cluster/local_slurm.py), and stops them by pid afterwards.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import copy_workflow, pdf_text

sys.path.insert(0, str(Path(__file__).parent / "cluster"))
import local_slurm  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.cluster]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if os.geteuid() == 0:
        local_slurm.install()
    reason = local_slurm.available()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"the Slurm test must run in CI: {reason}")
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("slurm")
    root.chmod(0o755)
    c = local_slurm.LocalSlurm(root)
    c.start()
    yield c
    c.stop()


def run_on_slurm(workdir: Path, *extra, timeout=1800):
    """snakemake --profile profiles/slurm, partition overridden, hard KILL timeout."""
    exe = Path(sys.executable).with_name("snakemake")
    cmd = [
        str(exe), "--profile", "profiles/slurm", "--configfile", "scales/smoke.yaml",
        "--default-resources", "slurm_partition=nnlabtest",  # mem_mb and runtime: the rules' or SMALL_JOB's
        "--slurm-no-account", "--slurm-init-seconds-before-status-checks", "1",
        "--slurm-keep-successful-logs", "--jobs", "8", *extra,
    ]  # fmt: skip
    # The plugin ignores SIGTERM while it waits on job status: bound it with KILL.
    return subprocess.run(["timeout", "-s", "KILL", str(timeout), *cmd], cwd=workdir, capture_output=True, text=True)


# One task, at smoke scale, one seed: every kind of job the executor runs (data, training, summary,
# figure, the report's collect/render/compile), without the whole DAG's 60-odd submissions.
ONE_TASK = "task24: {seeds: [1]}\n"
TASK24 = ("results/task24/table.csv", "results/task24/figures/accuracy.pdf", "results/task24/figures/loss.pdf")


def test_one_task_and_its_report_run_as_slurm_jobs(cluster, tmp_path):
    wd = copy_workflow(tmp_path / "wf")
    (wd / "one.yaml").write_text(ONE_TASK)
    start = time.perf_counter()
    proc = run_on_slurm(
        wd, *TASK24, "--configfile", "scales/smoke.yaml", "one.yaml"
    )  # targets first: --configfile takes a list
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-6000:]
    # the report of what exists (task 24 only; the others say "not run"), compiled on the cluster too
    proc = run_on_slurm(wd, "--configfile", "scales/smoke.yaml", "one.yaml", "--config", "partial_report=True")
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-6000:]
    print(f"slurm one-task build: {time.perf_counter() - start:.0f}s")
    assert "Task 24" in pdf_text(wd / "results/report.pdf")
    jobs = cluster.completed_jobs()
    names = [j.get("Name", "") for j in jobs]
    # the plugin names each Slurm job after the run's id; the comment/log carry the rule
    assert len(jobs) >= 5 and all(j["JobState"] == "COMPLETED" for j in jobs), jobs
    # each asked for a time limit (the partition has none): its rule's runtime, or a small job's (SMALL_JOB)
    assert all(j.get("TimeLimit") not in (None, "UNLIMITED") for j in jobs), jobs
    slurm_logs = list((wd / ".snakemake/slurm_logs").rglob("*.log"))
    rules = {p.parts[p.parts.index("slurm_logs") + 1] for p in slurm_logs}
    expected = {"rule_prepare_dataset", "rule_train_task24", "rule_summarize_task24", "rule_plot_task24"}
    assert expected | {"rule_render_report", "rule_compile_report"} <= rules, rules
    assert names


def test_failed_cluster_job_is_reported_with_its_log(cluster, tmp_path):
    wd = copy_workflow(tmp_path / "wf")
    # An injected bad setting that only the job can find: a device that does not exist.
    (wd / "bad.yaml").write_text("device: cuda:7\n")
    (wd / "one.yaml").write_text(ONE_TASK)
    proc = run_on_slurm(
        wd, "--configfile", "scales/smoke.yaml", "one.yaml", "bad.yaml", "--retries", "1", "--until", "train_task24"
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "Error in rule train_task24" in out
    assert "results/logs/train_task24/" in out  # the job's log path is named
    # retries: 1 means each failing job was submitted twice
    failed = [j for j in cluster.completed_jobs() if j["JobState"] == "FAILED"]
    assert len(failed) >= 2, failed
