"""How Snakemake packs the full build onto the cores: the longest jobs first, the datasets before
everything, and the memory-streaming jobs one at a time (the `membw` resource of profiles/default)."""

import json
import os
import subprocess
import sys

import yaml
from conftest import ROOT
from nnlab_workflow import tasks


def full_dag_jobs():
    """The full config's jobs as the scheduler sees them (nnlab_workflow.dagjobs, in a fresh process:
    Snakemake's API keeps global state)."""
    proc = subprocess.run([sys.executable, "-m", "nnlab_workflow.dagjobs", str(ROOT)], capture_output=True,
                          text=True, cwd=ROOT, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT / "workflow/lib")})  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    return [j | {"runtime": j["resources"].get("runtime"), "membw": j["resources"].get("membw", 0)}
            for j in json.loads(proc.stdout.strip().splitlines()[-1])]  # fmt: skip


def test_longest_jobs_first_after_the_datasets():
    jobs = full_dag_jobs()
    data = [j for j in jobs if j["rule"] == "prepare_dataset"]
    rest = [j for j in jobs if j["rule"] != "prepare_dataset"]
    assert data and rest
    assert min(j["priority"] for j in data) > max(j["priority"] for j in rest)
    # every other job's priority is its runtime request: the longest start first
    assert all(j["priority"] == (j["runtime"] or 0) for j in rest)
    first = max(rest, key=lambda j: j["priority"])
    assert (first["rule"], first["wildcards"]["width"]) == ("train_task27", "100000")


def test_only_the_memory_streaming_jobs_claim_membw_and_the_profile_allows_one():
    jobs = full_dag_jobs()
    claiming = {(j["rule"], j["wildcards"].get("width")) for j in jobs if j["membw"]}
    assert claiming == {("train_task27", "100000")}
    assert tasks.t27_membw(100000) == 1 and tasks.t27_membw(10000) == 0
    profile = yaml.safe_load((ROOT / "profiles/default/config.yaml").read_text())
    assert profile["resources"] == ["membw=1"]
