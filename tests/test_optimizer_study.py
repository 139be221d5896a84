"""Task 29: validation split, the summary/figures/section on fixture CSVs (with diverged and
constant-predicting runs), the divergence path through the real engine, and the rule graph."""

import math
import re

import numpy as np
import pytest
from conftest import ROOT, copy_workflow, pdf_text, snakemake

from nnlab.classification.figures import optimizer_curves, prediction_histograms, sweep_curves
from nnlab.classification.optstudy import entropy, lr_tag, summarize_task29
from nnlab.data import DataError
from nnlab.data.split import validation_split
from nnlab.data.synthetic import make_synthetic
from nnlab.engine import ClassifierSettings, TrainResult, train_classifier
from nnlab.report import scorecard
from nnlab.report.build import section_tex
from nnlab.report.sections import task29 as section
from nnlab.results import read_rows, write_predictions, write_rows, write_run

OPTS = ["sgd", "adam", "ftrl", "rmsprop"]
LABELS = np.array([1] * 20 + [0, 2, 3, 4, 5, 6, 7, 8, 9] * 10)  # 110 test images, class 1 most frequent (2/11)


def history(accs, loss0=2.0):
    return [
        {
            "epoch": i + 1,
            "train_loss": loss0 / (i + 1),
            "train_accuracy": a,
            "test_loss": loss0 / (i + 1),
            "test_accuracy": a,
        }
        for i, a in enumerate(accs)
    ]


def fake_run(root, split, opt, lr, seed, accs, preds=None, status="ok", labels=LABELS):
    """One run's CSVs as train_with_predictions.py writes them, from a real TrainResult."""
    d = root / split / opt / f"lr{lr_tag(lr)}" / f"seed{seed}"
    r = TrainResult(history=history(accs), seconds=[1.0] * len(accs), status=status, parameters=100)
    paths = {n: d / f"{n}.csv" for n in ("history", "final", "timing", "predictions")}
    write_run(
        r,
        {"task": 29, "split": split, "optimizer": opt, "lr": float(lr), "seed": seed},
        paths["history"],
        paths["final"],
        paths["timing"],
    )
    write_predictions(paths["predictions"], preds if status == "ok" else None, labels)
    return paths


@pytest.fixture
def fixture_runs(tmp_path):
    """sgd learns; adam learns best; ftrl predicts class 1 for every image; rmsprop diverges in one of
    two seeds; the sweep has a diverged rate for sgd and a rescuing rate for ftrl."""
    good = LABELS.copy()
    good[:12] = 0  # 12 wrong -> accuracy 0.9
    best = LABELS.copy()
    best[:3] = 0
    test = {k: [] for k in ("final", "timing", "history", "predictions")}
    lrs = {"sgd": 0.01, "adam": 0.001, "ftrl": 0.001, "rmsprop": 0.001}
    for seed in (1, 2):
        runs = [
            fake_run(tmp_path, "test", "sgd", lrs["sgd"], seed, [0.8, 0.9], good),
            fake_run(tmp_path, "test", "adam", lrs["adam"], seed, [0.9, 0.975 - 0.005 * seed], best),
            fake_run(tmp_path, "test", "ftrl", lrs["ftrl"], seed, [0.18, 0.18], np.ones_like(LABELS)),
            fake_run(
                tmp_path,
                "test",
                "rmsprop",
                lrs["rmsprop"],
                seed,
                [0.9, 0.95] if seed == 1 else [0.5],
                good,
                "ok" if seed == 1 else "diverged",
            ),
        ]
        for p in runs:
            for k in test:
                test[k].append(p[k])
    sweep = {k: [] for k in ("final", "timing", "history")}
    for opt, lr, accs, status in [
        ("sgd", 0.01, [0.85], "ok"),
        ("sgd", 0.1, [0.93], "ok"),
        ("sgd", 1e30, [], "diverged"),
        ("ftrl", 0.001, [0.18], "ok"),
        ("ftrl", 1.0, [0.8], "ok"),
    ]:
        p = fake_run(tmp_path, "sweep", opt, lr, 1, accs, status=status)
        for k in sweep:
            sweep[k].append(p[k])
    return tmp_path, test, sweep


def summarised(fixture_runs):
    root, test, sweep = fixture_runs
    table, sweep_rows, shares = summarize_task29(test, sweep, OPTS, 10)
    paths = {n: root / f"{n}.csv" for n in ("table", "sweep", "predictions")}
    write_rows(paths["table"], table)
    write_rows(paths["sweep"], sweep_rows)
    write_rows(paths["predictions"], shares)
    return paths, {r["optimizer"]: r for r in read_rows(paths["table"])}, read_rows(paths["sweep"])


def test_validation_split_is_disjoint_seeded_and_checked():
    ds = make_synthetic("mnist", 300, 50, seed=0)
    v = validation_split(ds, 60, seed=3)
    assert len(v.y_train) == 240 and len(v.y_test) == 60 and v.image_shape == ds.image_shape
    rows = {x.tobytes() for x in v.x_train} | {x.tobytes() for x in v.x_test}
    assert len(rows) == len({x.tobytes() for x in ds.x_train})  # every training image lands in exactly one part
    assert not ({x.tobytes() for x in v.x_test} & {x.tobytes() for x in ds.x_test})  # never the test set
    assert np.array_equal(validation_split(ds, 60, seed=3).y_test, v.y_test)
    assert not np.array_equal(validation_split(ds, 60, seed=4).y_test, v.y_test)
    with pytest.raises(DataError, match="needs 0 < n_val < 300"):
        validation_split(ds, 300)


def test_lr_tag_round_trips():
    for lr in (0.001, 0.0003, 1.0, 1e30, 3e-05):
        assert float(lr_tag(lr)) == lr
    assert lr_tag(0.001) == "0.001" and lr_tag(1e30) == "1e+30"


def test_summary_on_fixture_csvs(fixture_runs):
    _, t, sweep = summarised(fixture_runs)
    assert list(t) == OPTS  # config order
    assert t["sgd"]["test_accuracy_mean"] == pytest.approx(0.9) and t["sgd"]["top_class"] == 0
    assert t["sgd"]["top_class_share"] == pytest.approx(22 / 110)  # 10 zeros + 12 ones predicted as 0
    assert t["adam"]["test_accuracy_std"] > 0
    # the constant network: every image predicted as class 1, loss ~ the label entropy is its signature
    assert t["ftrl"]["top_class"] == 1 and t["ftrl"]["top_class_share"] == 1.0 == t["ftrl"]["top_class_share_min"]
    assert t["ftrl"]["label_top_share"] == pytest.approx(20 / 110)
    assert t["ftrl"]["label_entropy"] == pytest.approx(entropy([10, 20] + [10] * 8))
    # the diverged seed is counted, not averaged in
    assert t["rmsprop"]["runs"] == 2 and t["rmsprop"]["diverged"] == 1
    assert t["rmsprop"]["test_accuracy_mean"] == pytest.approx(0.95) and t["rmsprop"]["test_accuracy_std"] == 0
    # sweep: the best rate ignores the diverged one; unswept optimisers say so
    assert t["sgd"]["best_lr"] == 0.1 and t["sgd"]["best_val_accuracy_mean"] == pytest.approx(0.93)
    assert t["sgd"]["original_lr_val_accuracy_mean"] == pytest.approx(0.85)
    assert t["sgd"]["sweep_lrs"] == 3 and t["sgd"]["sweep_diverged"] == 1
    assert t["ftrl"]["best_lr"] == 1.0 and t["adam"]["sweep_lrs"] == 0 and math.isnan(t["adam"]["best_lr"])
    dead = [r for r in sweep if r["lr"] == 1e30][0]
    assert dead["diverged"] == 1 and math.isnan(dead["val_accuracy_mean"])


def test_all_seeds_diverged_gives_nan_not_a_crash(tmp_path):
    test = {k: [] for k in ("final", "timing", "history", "predictions")}
    for seed in (1, 2):
        p = fake_run(tmp_path, "test", "sgd", 10.0, seed, [], status="diverged")
        for k in test:
            test[k].append(p[k])
    (row,), sweep, shares = summarize_task29(test, {"final": [], "timing": [], "history": []}, ["sgd"])
    assert row["diverged"] == row["runs"] == 2 and math.isnan(row["test_accuracy_mean"])
    assert math.isnan(row["top_class_share"]) and sweep == [] and len(shares) == 10


def test_divergence_path_through_the_real_engine(tmp_path):
    data = make_synthetic("mnist", 300, 60, seed=0)
    kw = dict(model_spec={"kind": "mlp", "hidden": [16, 8, 8]}, epochs=1, batch_size=64, device="cpu", threads=1)
    test = {k: [] for k in ("final", "timing", "history", "predictions")}
    for opt, lr in (("sgd", 1e30), ("ftrl", 0.001)):
        r = train_classifier(data, ClassifierSettings(optimizer=opt, lr=lr, seed=1, **kw), log=lambda s: None)
        d = tmp_path / opt
        paths = {n: d / f"{n}.csv" for n in test}
        write_run(
            r, {"task": 29, "optimizer": opt, "lr": lr, "seed": 1}, paths["history"], paths["final"], paths["timing"]
        )
        write_predictions(paths["predictions"], r.test_predictions if r.status == "ok" else None, data.y_test)
        for k in test:
            test[k].append(paths[k])
    assert read_rows(tmp_path / "sgd/final.csv")[0]["status"] == "diverged"
    assert read_rows(tmp_path / "sgd/predictions.csv") == []
    table, _, _ = summarize_task29(test, {"final": [], "timing": [], "history": []}, ["sgd", "ftrl"])
    assert table[0]["diverged"] == 1 and math.isnan(table[0]["test_accuracy_mean"])
    assert table[1]["diverged"] == 0 and table[1]["test_accuracy_mean"] == pytest.approx(
        read_rows(tmp_path / "ftrl/final.csv")[0]["final_test_accuracy"]
    )


def test_figures_from_fixture_csvs(fixture_runs):
    paths, t, _ = summarised(fixture_runs)
    root, test, _ = fixture_runs
    groups = {opt: [h for h in test["history"] if f"/{opt}/" in str(h)] for opt in OPTS}
    out = {n: root / f"{n}.pdf" for n in ("predictions", "curves", "sweep")}
    prediction_histograms(paths["table"], paths["predictions"], out["predictions"])
    optimizer_curves(groups, paths["table"], out["curves"])
    sweep_curves(paths["sweep"], paths["table"], out["sweep"])
    for p in out.values():
        assert p.read_bytes()[:4] == b"%PDF" and p.stat().st_size > 5000
    texts = {n: pdf_text(p) for n, p in out.items()}
    assert "top class 1: 100%" in texts["predictions"] and "FTRL" in texts["predictions"]
    assert "RMSProp (1/2 diverged)" in texts["curves"]
    assert "diverged" in texts["sweep"]


def test_section_facts_and_template(fixture_runs):
    paths, _, _ = summarised(fixture_runs)
    figs = {k: f"{k}.pdf" for k in ("task29_predictions", "task29_curves", "task29_sweep_figure")}
    inputs = {"task29_table": paths["table"], "task29_sweep": paths["sweep"], **figs}
    cfg = {
        "model": {"kind": "mlp", "hidden": [1024, 256, 256]}, "seeds": [1, 2], "epochs": 10, "batch_size": 128,
        "dataset": "mnist", "options": {"ftrl": {"initial_accumulator_value": 0.1}},
        "sweep": {"seeds": [1], "epochs": 3, "validation": 5000, "split_seed": 0},
    }  # fmt: skip
    original = {"sgd": 0.9478, "adam": 0.9823, "ftrl": 20 / 110, "rmsprop": 20 / 110}  # this fixture's share of class 1
    s = section.build(inputs, cfg, original, str)
    f = s["facts"]
    assert [r["optimizer"] for r in f["original_failed"]] == ["ftrl", "rmsprop"]
    assert [r["optimizer"] for r in f["reproduced"]] == ["ftrl"]
    assert [r["optimizer"] for r in f["not_reproduced"]] == ["rmsprop"]
    assert f["failure_is_top_label_share"] and f["winner"]["optimizer"] == "adam" and f["same_winner"]
    assert [r["optimizer"] for r in f["improved"]] == ["sgd", "ftrl"] and f["sweep_diverged"] == 1
    tex = section_tex(ROOT / "report" / "en", "sections/task29.tex.j2", s=s)
    flat = re.sub(r"\s+", " ", tex)
    assert "\\textbf{the failure reproduces}" in flat and "\\textbf{the failure does not reproduce}" in flat
    assert "Why FTRL fails" in flat and "1 diverged" in flat
    assert "\\textbf{The sweep ran for 3 epochs, not 10}" in flat
    assert "0.9478" in flat and "1 {(}100.0\\,\\%)" in flat
    original["ftrl"] = 0.9  # FTRL now "learnt" in the original: its failure paragraph goes
    flat = re.sub(
        r"\s+",
        " ",
        section_tex(ROOT / "report" / "en", "sections/task29.tex.j2", s=section.build(inputs, cfg, original, str)),
    )
    assert "Why FTRL fails" not in flat


def sequential_runs(root):
    """The sequential protocol's stages, as train_sequential.py writes them: SGD and Adam learn (rising),
    FTRL collapses to class 1, and RMSProp, started from FTRL's weights, stays there."""
    good, best = LABELS.copy(), LABELS.copy()
    good[:12], best[:2] = 0, 0
    stages = [("sgd", 0.01, [0.9], good), ("adam", 0.001, [0.98], best), ("ftrl", 0.001, [0.18], np.ones_like(LABELS)),
              ("rmsprop", 0.001, [0.18], np.ones_like(LABELS))]  # fmt: skip
    seq = {k: [] for k in ("final", "timing", "history", "predictions")}
    for seed in (1, 2):
        for k, (opt, lr, accs, preds) in enumerate(stages, 1):
            d = root / "sequential" / f"seed{seed}" / opt
            r = TrainResult(history=history(accs), seconds=[1.0], status="ok", parameters=100)
            paths = {n: d / f"{n}.csv" for n in seq}
            labels = {"task": 29, "split": "sequential", "seed": seed, "optimizer": opt, "lr": lr, "stage": k}
            write_run(r, labels, paths["history"], paths["final"], paths["timing"])
            write_predictions(paths["predictions"], preds, LABELS)
            for n in seq:
                seq[n].append(paths[n])
    return seq


def test_sequential_protocol_in_the_table_and_the_section(fixture_runs):
    root, test, sweep = fixture_runs
    table, _, _ = summarize_task29(test, sweep, OPTS, 10, sequential_runs(root))
    t = {r["optimizer"]: r for r in table}
    assert t["adam"]["seq_runs"] == 2 and t["adam"]["seq_test_accuracy_mean"] == pytest.approx(0.98)
    assert t["rmsprop"]["seq_top_class"] == 1 and t["rmsprop"]["seq_top_class_share_min"] == 1.0
    assert t["rmsprop"]["diverged"] == 1 and t["rmsprop"]["seq_diverged"] == 0  # fresh and sequential kept apart
    write_rows(root / "table.csv", table)
    write_rows(root / "sweep.csv", [])
    figs = {k: f"{k}.pdf" for k in ("task29_predictions", "task29_curves", "task29_sweep_figure")}
    cfg = {
        "model": {"kind": "mlp", "hidden": [1024, 256, 256]}, "seeds": [1, 2], "epochs": 10, "batch_size": 128,
        "dataset": "mnist", "options": {"ftrl": {"initial_accumulator_value": 0.1}},
        "sweep": {"seeds": [1], "epochs": 10, "validation": 5000, "split_seed": 0},
    }  # fmt: skip
    # the original's rows: SGD and Adam as our sequential stages, FTRL and RMSProp at the class-1 share
    original = {"sgd": 0.9, "adam": 0.98, "ftrl": 20 / 110, "rmsprop": 20 / 110}
    inputs = {"task29_table": root / "table.csv", "task29_sweep": root / "sweep.csv", **figs}
    s = section.build(inputs, cfg, original, str) | {"init": "keras"}
    p = s["facts"]["protocols"]
    assert p["sequential"]["agree"] == 4 and p["fresh"]["agree"] < 4 and p["better"] == "sequential"
    assert p["rising"] and [r["optimizer"] for r in p["after_failure"]] == ["rmsprop"]
    assert p["after_failure"][0]["inherits"]  # constant only after FTRL: not RMSProp's own failure
    flat = re.sub(r"\s+", " ", section_tex(ROOT / "report" / "en", "sections/task29.tex.j2", s=s))
    assert "\\textbf{The sequential protocol reproduces the original's table better}" in flat
    assert (
        "\\textbf{RMSProp's failure is not RMSProp's}" in flat and "FTRL collapses in the sequential protocol" in flat
    )
    assert "Glorot-uniform" in flat and "starts from Keras's initialisation" in flat
    assert "the order it ran in explains it" in flat and "the original's text gives no code" not in flat
    assert scorecard._t29(s) == ("reproduced", "inherited")  # the scorecard's verdict on the original's claim
    assert "0.9000 $\\to$ 0.9800" in flat  # the rising stages, as the original's rows


JOB = re.compile(r"Training task 29 \((\w+)\), optimiser (\w+), learning rate ([0-9.e+-]+), seed (\d+)")


def planned_jobs(wd, *configfiles):
    out = snakemake(wd, "results/task29/table.csv", "-n", "--cores", "1", "--configfile", *configfiles).stdout
    return sorted(JOB.findall(out))


def test_rule_graph_one_job_per_optimizer_lr_seed(tmp_path):
    wd = copy_workflow(tmp_path / "wf")
    (wd / "t29.yaml").write_text(
        "task29: {seeds: [1, 2], sweep: {optimizers: [sgd, ftrl], lrs: {sgd: [0.01, 0.1], ftrl: [0.5]}, seeds: [7]}}\n"
    )
    jobs = planned_jobs(wd, "scales/smoke.yaml", "t29.yaml")
    lr = {"sgd": "0.01", "adadelta": "0.001", "adagrad": "0.001", "adam": "0.001", "ftrl": "0.001", "rmsprop": "0.001"}
    expected = [("test", o, lr[o], s) for o in lr for s in ("1", "2")]
    expected += [("sweep", "sgd", "0.01", "7"), ("sweep", "sgd", "0.1", "7"), ("sweep", "ftrl", "0.5", "7")]
    assert jobs == sorted(expected)


def test_config_consistency_is_checked_before_any_job(tmp_path):
    wd = copy_workflow(tmp_path / "wf")
    (wd / "bad.yaml").write_text("task29: {optimizers: [sgd, adam], sweep: {optimizers: [sgd, ftrl]}}\n")
    proc = snakemake(wd, "-n", "--cores", "1", "--configfile", "scales/smoke.yaml", "bad.yaml", check=False)
    assert proc.returncode != 0 and "task29.sweep.optimizers lists 'ftrl'" in proc.stdout + proc.stderr


@pytest.mark.slow
def test_smoke_report_has_task29(smoke_build):
    text = pdf_text(smoke_build / "results/report.pdf")
    section_text = text[
        text.index("Task 29: Optimisers\nPurpose")
        if "Task 29: Optimisers\nPurpose" in text
        else text.rindex("Task 29: Optimisers") :
    ]
    table = read_rows(smoke_build / "results/task29/table.csv")
    assert len(table) == 6
    assert f"{table[0]['test_accuracy_mean']:.4f}" in section_text  # SGD's accuracy from the CSV
    assert "0.1135" in section_text and "0.9823" in section_text  # the original's numbers beside ours
    sweep = read_rows(smoke_build / "results/task29/sweep.csv")
    assert any(r["diverged"] for r in sweep)  # the smoke sweep has a deliberately divergent rate ...
    assert re.search(r"1 of the 2 sweep settings had diverged runs", re.sub(r"\s+", " ", section_text))  # ... reported
    assert read_rows(smoke_build / "results/task29/sweep/sgd/lr1e+30/seed1/predictions.csv") == []
    assert "status diverged" in (smoke_build / "results/logs/train_task29/sweep_sgd_lr1e+30_seed1.log").read_text()
    # the sequential protocol: one job per seed, a CSV per stage; its first stage is the fresh SGD run
    seq = smoke_build / "results/task29/sequential/seed1"
    stages = [
        read_rows(seq / opt / "final.csv")[0] for opt in ("sgd", "adadelta", "adagrad", "adam", "ftrl", "rmsprop")
    ]
    assert [r["stage"] for r in stages] == [1, 2, 3, 4, 5, 6]
    fresh_sgd = smoke_build / "results/task29/test/sgd/lr0.01/seed1/history.csv"
    assert (seq / "sgd/history.csv").read_bytes() == fresh_sgd.read_bytes()
    assert not list(seq.glob("checkpoint*"))  # deleted once the CSVs are written
    assert f"{table[3]['seq_test_accuracy_mean']:.4f}" in section_text and "Two protocols" in section_text


@pytest.mark.slow
def test_a_new_learning_rate_reruns_only_its_job(smoke_build):
    (smoke_build / "more.yaml").write_text("task29: {sweep: {lrs: {sgd: [0.1, 1.0e+30, 0.03]}}}\n")
    assert planned_jobs(smoke_build, "scales/smoke.yaml", "more.yaml") == [("sweep", "sgd", "0.03", "1")]
