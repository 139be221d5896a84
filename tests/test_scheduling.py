"""How Snakemake packs the full build onto the cores: the longest jobs first, the datasets before
everything, and the memory-streaming jobs one at a time (the `membw` resource of profiles/default)."""

import json
import subprocess
import sys

import yaml
from conftest import ROOT
from nnlab_workflow import tasks

# Run in a fresh process: Snakemake's API keeps global state. Prints every job of the full config's
# DAG with its priority and resources, as the scheduler sees them.
LIST_JOBS = """
import contextlib, io, json, sys
from pathlib import Path
from snakemake.api import ConfigSettings, DAGSettings, OutputSettings, ResourceSettings, SnakemakeApi
from snakemake.settings.types import StorageSettings
wd = Path(sys.argv[1])
with SnakemakeApi(OutputSettings()) as api:
    wf = api.workflow(resource_settings=ResourceSettings(cores=2), config_settings=ConfigSettings(),
                      storage_settings=StorageSettings(), snakefile=wd / "Snakefile", workdir=wd)
    dag_api = wf.dag(DAGSettings())
    with contextlib.redirect_stdout(io.StringIO()):
        dag_api.printrulegraph()  # builds the DAG
    dag = dag_api.workflow_api._workflow.dag
    dag.update_priority()
    print(json.dumps([{"rule": j.rule.name, "wildcards": dict(j.wildcards), "priority": dag.priority(j),
                       "runtime": j.resources.get("runtime"), "membw": j.resources.get("membw", 0)}
                      for j in dag.jobs]))
"""


def full_dag_jobs():
    proc = subprocess.run([sys.executable, "-c", LIST_JOBS, str(ROOT)], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


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
