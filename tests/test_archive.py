"""The results archive (nnlab_workflow.archive): a finished build packed, and restored into a fresh
copy of the workflow so that Snakemake plans no training job; stale jobs, damage and refusals."""

import hashlib
import json
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, copy_workflow, snakemake

SMOKE = ("--configfile", "scales/smoke.yaml")
pytestmark = pytest.mark.slow


def archive(wd, *args, check=True):
    proc = subprocess.run([sys.executable, str(ROOT / "workflow/lib/nnlab_workflow/archive.py"), *args,
                           "--workdir", str(wd), "--configfile", "scales/smoke.yaml"],
                          capture_output=True, text=True, cwd=wd)  # fmt: skip
    if check and proc.returncode != 0:
        raise AssertionError(proc.stdout + proc.stderr)
    return proc


def planned(wd, *args):
    """{rule: count} of the jobs a dry run would run."""
    out = snakemake(wd, "-n", "--cores", "2", *SMOKE, *args).stdout
    table = out.split("Job stats:")[1].split("\n\n")[0] if "Job stats:" in out else ""
    rows = [line.split() for line in table.strip().splitlines()[2:]]  # under "job count" and its rule
    return {r[0]: int(r[1]) for r in rows if len(r) == 2 and r[0] != "total"}


@pytest.fixture(scope="module")
def packed(smoke_build, tmp_path_factory):
    """The smoke build's archive, and a fresh copy of the workflow with only its datasets cached."""
    tmp = tmp_path_factory.mktemp("archive")
    built = tmp / "built"
    shutil.copytree(smoke_build, built, symlinks=True)
    path = tmp / "results.tar.xz"
    archive(built, "pack", str(path))
    fresh = copy_workflow(tmp / "fresh")
    snakemake(fresh, "--cores", "2", *SMOKE, "--until", "prepare_dataset")
    return path, fresh


def test_restored_build_plans_no_training_job(packed, tmp_path):
    path, fresh = packed
    wd = tmp_path / "wd"
    shutil.copytree(fresh, wd, symlinks=True)
    before = planned(wd)
    assert before.get("train_task24") and before.get("train_task33")
    out = archive(wd, "restore", str(path)).stdout
    assert "Restored" in out and "0 archived jobs are stale" in out
    record = wd / "results/restored.json"
    restored = json.loads(record.read_text())
    assert {j["rule"] for j in restored["restored"]} >= {"train_task24", "train_task33", "quality_task33"}
    assert restored["build"]["commit"] and restored["build"]["cpu"] and restored["build"]["precision"]
    # each restored job names its benchmark file by checksum: the report marks it while the file is that one
    for job in restored["restored"]:
        assert job["benchmark"].startswith(f"results/benchmarks/{job['rule']}/")
        assert hashlib.sha256((wd / job["benchmark"]).read_bytes()).hexdigest() == job["sha256"]
    # a second `make report` restores nothing new and keeps the record as it was (the report is not redone)
    mtime = record.stat().st_mtime_ns
    assert "Restored 0 jobs" in archive(wd, "restore", str(path)).stdout
    assert json.loads(record.read_text()) == restored and record.stat().st_mtime_ns == mtime
    after = planned(wd)
    trains = {r for r in after if r.startswith("train_") or r in {"gradnorms_task23", "quality_task33", "iwae_task32"}}
    assert not trains, after  # only what derives from the runs' files remains: tables, figures, the PDF
    assert after.get("compile_report") == 1


def test_a_changed_setting_makes_only_its_jobs_stale(packed, tmp_path):
    path, fresh = packed
    wd = tmp_path / "wd"
    shutil.copytree(fresh, wd, symlinks=True)
    smoke = wd / "scales/smoke.yaml"
    smoke.write_text(smoke.read_text() + "\ntask24: {lr: 0.02}\n")  # wins over the smoke scale's task24 (last key)
    out = archive(wd, "status", str(path)).stdout
    stale = [line for line in out.splitlines() if line.startswith("stale:")]
    assert stale and all("train_task24" in line for line in stale), out
    archive(wd, "restore", str(path))
    after = planned(wd)
    assert after.get("train_task24") and not after.get("train_task33")


def test_a_flipped_byte_restores_nothing_and_says_so_in_one_line(packed, tmp_path):
    path, fresh = packed
    wd = tmp_path / "wd"
    shutil.copytree(fresh, wd, symlinks=True)
    damaged = tmp_path / "damaged.tar.xz"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    proc = archive(wd, "restore", str(damaged), check=False)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "damaged" in lines[0] and str(damaged) in lines[0], proc.stderr
    assert not (wd / "results/task24").exists() and not (wd / "results/restored.json").exists()
    assert not list(wd.glob(".restore-*"))  # no staging folder left


def test_pack_refuses_an_unfinished_build(packed, tmp_path):
    _, fresh = packed
    proc = archive(fresh, "pack", str(tmp_path / "x.tar.xz"), check=False)
    assert proc.returncode == 1 and "not finished" in proc.stderr
    assert not (tmp_path / "x.tar.xz").exists()


def test_a_setting_changed_after_a_restore_retrains_the_restored_job(packed, tmp_path):
    # restored files carry no Snakemake metadata: the next restore withdraws what went stale
    path, fresh = packed
    wd = tmp_path / "wd"
    shutil.copytree(fresh, wd, symlinks=True)
    archive(wd, "restore", str(path))
    assert not planned(wd).get("train_task24")
    smoke = wd / "scales/smoke.yaml"
    smoke.write_text(smoke.read_text() + "\ntask24: {lr: 0.02}\n")
    archive(wd, "restore", str(path))
    after = planned(wd)
    assert after.get("train_task24") and not after.get("train_task33")
