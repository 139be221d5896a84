"""End to end: the smoke workflow builds the PDF offline, and its numbers come from the CSVs."""

import csv
import os
import re
import shutil
import stat
import time

import numpy as np
import pytest
from conftest import copy_workflow, pdf_text, snakemake

pytestmark = pytest.mark.slow


def test_smoke_builds_the_report(smoke_build):
    pdf = smoke_build / "results/report.pdf"
    assert pdf.stat().st_size > 10_000
    text = pdf_text(pdf)
    assert "Task 24: Mean squared error vs cross-entropy on MNIST" in text
    assert "Built at scale smoke" in text
    # the table prints this run's means (from table.csv) beside the original's numbers
    with open(smoke_build / "results/task24/table.csv") as f:
        rows = {r["loss"]: r for r in csv.DictReader(f)}
    assert f"{float(rows['mse']['test_accuracy_mean']):.4f}" in text
    assert "0.9246" in text and "0.9305" in text
    # every task of the original has rules now: no section is left as a "not run" box
    assert "Not run." not in text
    for log in ("train_task24/mse_seed1.log", "prepare_dataset/mnist.log"):
        assert (smoke_build / "results/logs" / log).stat().st_size > 0
    assert "epoch 3/3" in (smoke_build / "results/logs/train_task24/mse_seed1.log").read_text()


def test_outputs_are_readable_by_others(smoke_build):
    """Every file of the build, the PDF included, has the mode the umask gives (0644 under 022),
    not the 0600 of the temporary files the atomic writers go through."""
    umask = os.umask(0)
    os.umask(umask)
    modes = {p: stat.S_IMODE(p.stat().st_mode) for p in (smoke_build / "results").rglob("*") if p.is_file()}
    assert len(modes) > 100
    assert {str(p.relative_to(smoke_build)): oct(m) for p, m in modes.items() if m != 0o666 & ~umask} == {}


def test_second_run_has_nothing_to_do(smoke_build):
    start = time.perf_counter()
    proc = snakemake(smoke_build, "-n", "--cores", "2", "--configfile", "scales/smoke.yaml")
    assert "Nothing to be done" in proc.stdout + proc.stderr
    assert time.perf_counter() - start < 30  # generous: this is a check of work, not a benchmark


def test_source_files_with_new_times_rerun_nothing_and_new_bytes_rerun_the_cache(tmp_path):
    """The dataset's files outside the workflow get new times when copied or restored (the shared
    data folder here gets them every session): by time alone, a resumed full build would recache the
    data and retrain every model. Only new bytes rerun the cache."""
    from test_data import write_mnist

    wd = copy_workflow(tmp_path / "wf")
    data = tmp_path / "data"
    write_mnist(data)
    (wd / "files.yaml").write_text("datasets: {mnist: {source: files}}\n")
    args = ("results/data/mnist.npz", "--cores", "1", "--configfile", "files.yaml")
    env = {"NNLAB_DATA": str(data)}
    snakemake(wd, *args, env=env)
    raw = sorted((data / "MNIST/raw").iterdir())
    for p in raw:
        os.utime(p, (time.time() + 60, time.time() + 60))
    proc = snakemake(wd, "-n", *args, env=env)
    assert "Nothing to be done" in proc.stdout + proc.stderr
    write_mnist(tmp_path / "other", rng=np.random.default_rng(1))
    shutil.copy(tmp_path / "other/MNIST/raw/t10k-images-idx3-ubyte.gz", data / "MNIST/raw")
    proc = snakemake(wd, "-n", *args, env=env)
    out = proc.stdout + proc.stderr
    assert "prepare_dataset" in out and "params" in out.split("Reasons:")[-1], out


def test_out_of_memory_names_the_resource_and_partial_report_marks_the_task(smoke_build, tmp_path):
    # a copy of the built workflow without task 24's results and records, as if its jobs had never run
    wd = shutil.copytree(smoke_build, tmp_path / "wf", symlinks=True)
    for done in [wd / "results/task24", *(wd / "results/benchmarks").glob("*task24*")]:
        shutil.rmtree(done)
    # width 100000: ~2.8 GB resident at its peak (weights, gradients, Adam state, evaluation); given a quarter
    (wd / "big.yaml").write_text("task24: {model: {kind: mlp, hidden: [100000]}, seeds: [1], epochs: 1}\n")
    args = ("--cores", "2", "--configfile", "scales/smoke.yaml", "big.yaml")
    proc = snakemake(wd, *args, "--keep-going", "--set-resources", "train_task24:mem_mb=700", check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "Out of memory" in out and "mem_mb=700 (rule train_task24)" in out
    assert "--set-resources train_task24:mem_mb=1400" in out
    for loss in ("mse", "cross_entropy"):  # --keep-going: both runs were attempted
        log = (wd / f"results/logs/train_task24/{loss}_seed1.log").read_text()
        assert "Out of memory" in log and "Traceback" not in log
        assert not list((wd / f"results/task24/{loss}/seed1").glob("*.csv"))  # no output, whole or half
    snakemake(wd, *args, "--config", "partial_report=True")
    text = pdf_text(wd / "results/report.pdf")
    assert "jobs did not finish in this build" in text


def test_snakemake_html_report(smoke_build, tmp_path):
    wd = shutil.copytree(smoke_build, tmp_path / "wf", symlinks=True)  # the shared build stays as built
    snakemake(wd, "--configfile", "scales/smoke.yaml", "--report", "results/report.html")
    html = (wd / "results/report.html").read_text(errors="replace")
    assert "Task 24" in html and "task24" in html
    assert "test accuracy after the last epoch for each loss" in html


def test_results_page_comes_from_the_builds_numbers_and_verdicts(smoke_build):
    """results.md (published as docs/results.md): a row per task of the report, our means as in the
    summary CSVs beside the original's numbers, and each claim's verdict as the PDF's scorecard says it."""
    import yaml

    page = (smoke_build / "results/results.md").read_text()
    assert "`smoke` build" in page and "do not edit by hand" in page
    heads = page.split("## A row per task")[1].split("##")[0]
    rows = [line.split(" | ") for line in heads.splitlines() if line.startswith("| 2") or line.startswith("| 3")]
    assert [int(r[0].strip("| ")) for r in rows] == [22, 23, 24, 25, 27, 28, 29, 30, 31, 32, 33]
    with open(smoke_build / "results/task24/table.csv") as f:
        ce = next(r for r in csv.DictReader(f) if r["loss"] == "cross_entropy")
    row24 = next(r for r in rows if r[0] == "| 24")
    assert row24[2].startswith(f"{float(ce['test_accuracy_mean']):.4f}") and row24[3] == "0.9305"
    assert row24[4] == f"{100 * (float(ce['test_accuracy_mean']) - 0.9305):+.2f} points"
    assert row24[5] in ("differs", "within noise") or row24[5].startswith("inconclusive")
    # every number of the original's tables appears once, beside ours
    original = yaml.safe_load((smoke_build / "report/original.yaml").read_text())
    every = page.split("## Every number the original reports")[1]
    for value in (*original["task24"].values(), *original["task29"].values()):
        if value != 10 and value != 0.1135:
            assert f"| {value:.4f} |" in every, value
    # the claims' verdicts are the PDF's: its scorecard gives the same ones, in the same order
    claims = page.split("## The original's claims")[1].split("##")[0]
    verdicts = [line.split(" | ")[1].split(":")[0] for line in claims.splitlines() if line[2:3].isdigit()]
    tex = (smoke_build / "results/report/main.tex").read_text(encoding="utf-8")
    card = " ".join(tex[tex.index("Claims scorecard.") : tex.index("\\tableofcontents")].split())
    assert verdicts == re.findall(r"\\textbf\{(reproduced|not reproduced|inconclusive at this scale)\}: ", card)
    assert len(verdicts) == len(original["claims"])


def test_publish_copies_only_a_finished_build_of_the_asked_scale(smoke_build, tmp_path):
    from nnlab.report.publish import PublishError, publish

    docs = tmp_path / "docs"
    with pytest.raises(PublishError, match="not built at scale 'full'"):
        publish(smoke_build / "results", docs)
    assert not docs.exists()  # a refusal writes nothing
    written = publish(smoke_build / "results", docs, scale="smoke")
    assert [p.name for p in written] == ["report.pdf", "results.md"]
    assert (docs / "report.pdf").read_bytes() == (smoke_build / "results/report.pdf").read_bytes()
    assert publish(smoke_build / "results", docs, scale="smoke", lang="ja")[0].name == "report-ja.pdf"
