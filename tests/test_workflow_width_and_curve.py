"""Tasks 27 and 28 in the workflow: the job list per width and seed, reruns, and the PDF sections."""

import csv
import re

import pytest
from conftest import copy_workflow, pdf_text, snakemake

pytestmark = pytest.mark.slow

TRAIN_27 = re.compile(r"Training task 27, width (\d+), seed (\d+)")
TABLE, FIGURE = "results/task27/table.csv", "results/task27/figures/accuracy_vs_width.pdf"


def train_jobs(proc):
    return sorted({(int(w), int(s)) for w, s in TRAIN_27.findall(proc.stdout + proc.stderr)})


def dry_run(wd, overlay, target=FIGURE):
    (wd / "overlay.yaml").write_text(overlay)
    return snakemake(wd, "-n", "--cores", "1", target, "--configfile", "scales/smoke.yaml", "overlay.yaml")


def test_one_train_job_per_width_and_seed(tmp_path):
    wd = copy_workflow(tmp_path / "wf")
    proc = dry_run(wd, "task27: {widths: [10, 100, 1000], seeds: [1, 2]}\n")
    assert train_jobs(proc) == [(w, s) for w in (10, 100, 1000) for s in (1, 2)]
    assert "Training task 28" not in proc.stdout  # the task-27 target needs no task-28 job


def test_changing_the_width_list_trains_only_what_changed(tmp_path):
    wd = copy_workflow(tmp_path / "wf")
    base = "task27: {widths: [10, 100], seeds: [1], epochs: 1}\n"
    (wd / "overlay.yaml").write_text(base)
    snakemake(wd, "--cores", "2", FIGURE, "--configfile", "scales/smoke.yaml", "overlay.yaml")
    more = dry_run(wd, "task27: {widths: [10, 100, 20], seeds: [1], epochs: 1}\n")
    assert train_jobs(more) == [(20, 1)]  # the finished widths keep their results
    assert "Summarising task 27" in more.stdout and "Plotting task 27" in more.stdout
    fewer = dry_run(wd, "task27: {widths: [100], seeds: [1], epochs: 1}\n")
    assert train_jobs(fewer) == [] and "Summarising task 27" in fewer.stdout
    override = dry_run(wd, "task27: {widths: [10, 100], seeds: [1], epochs: 1, epochs_by_width: {100: 2}}\n")
    assert train_jobs(override) == [(100, 1)]  # only the width whose epochs changed
    same = dry_run(wd, base)
    assert "Nothing to be done" in same.stdout + same.stderr


def normalised_pdf_text(pdf):
    return " ".join(pdf_text(pdf).split())


def test_task27_and_28_sections_in_the_smoke_pdf(smoke_build):
    text = normalised_pdf_text(smoke_build / "results/report.pdf")
    assert "Task 27: Width of the hidden layer" in text and "Task 28: Learning curve of a deep MLP" in text
    with open(smoke_build / TABLE) as f:
        rows = {int(r["width"]): r for r in csv.DictReader(f)}
    assert set(rows) == {10, 100} and all(int(r["runs"]) == 2 for r in rows.values())
    for r in rows.values():
        assert f"{float(r['test_accuracy_mean']):.4f}" in text
    assert "0.9321" in text and "0.9769" in text  # the original's numbers beside ours
    with open(smoke_build / "results/task28/curve.csv") as f:
        curve = list(csv.DictReader(f))
    losses = [float(r["test_loss_mean"]) for r in curve]
    best = losses.index(min(losses))  # computed here independently of the builder
    if best < len(losses) - 1:
        assert f"bottoms out at epoch {best + 1} of {len(losses)}" in text
    else:
        assert f"still at its lowest at the last epoch ({losses[best]:.4f} at epoch {best + 1})" in text
    assert "a slip" in text  # the original's optimiser slip is stated
    log = (smoke_build / "results/logs/train_task27/w100_seed2.log").read_text()
    assert "epoch 2/2" in log and "'hidden': [100]" in log
    assert (smoke_build / "results/task27/figures/accuracy_vs_width.pdf").stat().st_size > 1000
    assert "epoch 3/3" in (smoke_build / "results/logs/train_task28/seed2.log").read_text()
