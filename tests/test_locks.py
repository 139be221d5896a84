"""A build killed outright resumes with the same command: its stale Snakemake lock is cleared, a
live one is not (nnlab_workflow.locks, run by `make report`)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, copy_workflow, snakemake
from nnlab_workflow.locks import remove_stale_lock, running_snakemake, stale_lock

LOCKS = ROOT / "workflow/lib/nnlab_workflow/locks.py"


def lock(workdir: Path) -> None:
    locks = workdir / ".snakemake/locks"
    locks.mkdir(parents=True)
    (locks / "0.input.lock").write_text("x\n")


def test_a_lock_without_snakemake_is_stale_and_one_with_it_is_not(tmp_path):
    lock(tmp_path)
    # a process named like Snakemake, working in the folder
    fake = tmp_path / "snakemake"
    fake.write_text("import time\ntime.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, str(fake)], cwd=tmp_path)
    try:
        deadline = time.time() + 10
        while not running_snakemake(tmp_path) and time.time() < deadline:
            time.sleep(0.05)
        assert running_snakemake(tmp_path) == [proc.pid]
        assert not stale_lock(tmp_path) and not remove_stale_lock(tmp_path)
        assert (tmp_path / ".snakemake/locks/0.input.lock").exists()
    finally:
        proc.kill()
        proc.wait()
    assert stale_lock(tmp_path) and remove_stale_lock(tmp_path)
    assert not list((tmp_path / ".snakemake/locks").iterdir())
    assert not remove_stale_lock(tmp_path)  # nothing left to do


@pytest.mark.slow
def test_a_build_killed_outright_resumes_after_the_unlock(tmp_path):
    wd = copy_workflow(tmp_path / "wf")
    target = "results/task24/mse/seed1/final.csv"
    args = [target, "--cores", "1", "--configfile", "scales/smoke.yaml"]
    exe = Path(sys.executable).with_name("snakemake")
    build = subprocess.Popen([str(exe), *args], cwd=wd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)  # fmt: skip
    log = wd / "results/logs/train_task24/mse_seed1.log"
    deadline = time.time() + 600
    while not log.exists() and time.time() < deadline:
        time.sleep(0.2)
    assert log.exists(), "the training job never started"
    os.killpg(build.pid, signal.SIGKILL)  # Snakemake and its job at once, as when a machine goes away
    build.wait()
    proc = snakemake(wd, *args, check=False)
    assert proc.returncode != 0 and "cannot be locked" in proc.stdout + proc.stderr
    out = subprocess.run([sys.executable, str(LOCKS)], cwd=wd, capture_output=True, text=True, check=True).stdout
    assert "Removed the lock a killed Snakemake left" in out
    snakemake(wd, *args)
    assert (wd / target).exists()
