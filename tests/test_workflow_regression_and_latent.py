"""End to end (tasks 25 and 31): the smoke build puts both sections, with numbers from their CSVs, in the PDF."""

import csv

import pytest
from conftest import pdf_text

pytestmark = pytest.mark.slow


def _rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def test_task25_section_in_smoke_pdf(smoke_build):
    text = pdf_text(smoke_build / "results/report.pdf")
    assert "Task 25: Regression of a two-dimensional function" in text
    rows = {int(r["batch_size"]): r for r in _rows(smoke_build / "results/task25/table.csv")}
    assert set(rows) == {100, 10}  # both readings of "batch の数は 100", same seed
    for row in rows.values():
        assert f"{float(row['grid_rmse']):.4f}" in text and f"{float(row['loss_at_claim']):.4f}" in text
    assert "Two readings of “number of batches 100”" in " ".join(text.split())
    assert "about 10" in text  # the original's claim, from report/original.yaml
    for fig in ("surface.pdf", "loss.pdf"):
        assert (smoke_build / "results/task25/figures" / fig).stat().st_size > 5_000
    grid = _rows(smoke_build / "results/task25/batch100/seed1/grid.csv")
    assert len(grid) == 41 * 41  # scales/smoke.yaml: grid size 41
    assert "epoch 20/20" in (smoke_build / "results/logs/train_task25/batch100_seed1.log").read_text()


def test_task31_section_in_smoke_pdf(smoke_build):
    text = pdf_text(smoke_build / "results/report.pdf")
    assert "Task 31: A two-dimensional autoencoder" in text
    rows = {r["method"]: r for r in _rows(smoke_build / "results/task31/table.csv")}
    assert set(rows) == {"autoencoder", "pca"}
    for r in rows.values():
        assert f"{float(r['knn_selected']):.3f} (n = 90)" in text  # 30 images each of 0, 1, 2 (smoke)
    latent = _rows(smoke_build / "results/task31/ae/seed1/latent.csv")
    assert len(latent) == 500 and set(latent[0]) == {"index", "label", "z1", "z2"}
    assert (smoke_build / "results/task31/figures/scatter.pdf").stat().st_size > 5_000
