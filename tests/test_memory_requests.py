"""Every training job of the full and the quick config fits in the mem_mb its rule declares.

The jobs and their mem_mb come from Snakemake's own DAG of each config; each distinct job (same
data, network, optimiser, precision and request) runs under nnlab.resources.memory_guard with that
mem_mb in a fresh process (tests/memory_probe.py): the real job function for one epoch where an
epoch takes seconds, else a few real steps, an evaluation pass and a checkpoint save. The other
side, a job given too little, is in test_workflow.py.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REAL_DATA, copy_workflow, snakemake

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not ((REAL_DATA / "MNIST/raw").is_dir() and (REAL_DATA / "cifar10-jpeg.tar.gz").is_file()),
        reason="the requests are sized for the real datasets, which are not present",
    ),
]

PROBE = Path(__file__).with_name("memory_probe.py")
CONFIGS = {"full": ["config.yaml"], "quick": ["config.yaml", "scales/quick.yaml"]}


@pytest.fixture(scope="module")
def workflow(tmp_path_factory):
    wd = copy_workflow(tmp_path_factory.mktemp("memory") / "wf")
    snakemake(
        wd, "--cores", "2", "results/data/mnist.npz", "results/data/cifar10.npz", env={"NNLAB_DATA": str(REAL_DATA)}
    )
    return wd


def memory_key(job: dict) -> str:
    """What a job's memory depends on: not its seed, learning rate or number of epochs."""
    run = {k: v for k, v in job["params"]["run"].items() if k not in ("seed", "lr", "epochs")}
    split = (job["params"].get("split") or {}).get("validation", 0)
    return json.dumps([job["rule"], job["dataset"], run, split, job["params"].get("data")], sort_keys=True)


def test_every_training_job_fits_its_request(workflow, tmp_path):
    distinct = {}
    for name, files in CONFIGS.items():
        out = subprocess.run(
            [sys.executable, str(PROBE), "jobs", str(workflow), *files], capture_output=True, text=True, check=True
        )
        for job in json.loads(out.stdout):
            distinct.setdefault((memory_key(job), job["mem_mb"]), (name, job))
    rules = {job["rule"] for _, job in distinct.values()}
    assert rules == {
        "gradnorms_task23",
        "train_task29_sequential",
        *(f"train_task{t}" for t in (24, 25, 27, 28, 29, 30, 31, 33)),
    }
    failures = []
    for i, (name, job) in enumerate(distinct.values()):
        spec = tmp_path / f"job{i}.json"
        spec.write_text(json.dumps(job))
        proc = subprocess.run([sys.executable, str(PROBE), "probe", str(spec), str(workflow / "results/data")],
                              capture_output=True, text=True, timeout=900)  # fmt: skip
        if proc.returncode != 0:
            failures.append(f"{name} {job['rule']} {job['wildcards']}: {proc.stderr[-600:]}")
        else:
            assert f"of mem_mb={job['mem_mb']} (rule {job['rule']})" in proc.stdout  # the guard was on
    assert not failures, "\n".join(failures)
