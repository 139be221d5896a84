"""Task 30: the CNN builder, the rule graph, the table/figure builders and the section in the PDF."""

import csv
import json
import math
import re

import numpy as np
import pytest
import torch
from conftest import ROOT, copy_workflow, pdf_text, snakemake

from nnlab.classification.figures import gallery
from nnlab.classification.misclassified import misclassified
from nnlab.data.synthetic import make_synthetic
from nnlab.engine import ClassifierSettings, train_classifier, uses_channels_last
from nnlab.models import Dropout, build_model, count_parameters
from nnlab.report import networks
from nnlab.report.build import section_tex
from nnlab.report.latex import make_env
from nnlab.report.sections import task30
from nnlab.results import read_rows, write_predictions, write_rows

MNIST_CNN = {"kind": "cnn", "conv": [[32, 64]], "kernel": 3, "padding": "valid", "pool": 2,
             "conv_dropout": 0.25, "dense": [128], "dense_dropout": 0.5}  # fmt: skip
CIFAR_CNN = {"kind": "cnn", "conv": [[32, 32], [64, 64]], "kernel": 3, "padding": "same", "pool": 2,
             "conv_dropout": 0.25, "dense": [512], "dense_dropout": 0.5}  # fmt: skip


def conv(k, cin, cout):
    return k * k * cin * cout + cout


def dense(n_in, n_out):
    return n_in * n_out + n_out


# ---------------------------------------------------------------- model builder


@pytest.mark.parametrize(
    "spec,shape,hand",
    [
        # Keras mnist_cnn: 28 -> 26 -> 24 (valid 3x3) -> 12 (pool), 64 channels
        (MNIST_CNN, (28, 28, 1), conv(3, 1, 32) + conv(3, 32, 64) + dense(12 * 12 * 64, 128) + dense(128, 10)),
        # VGG-style on CIFAR: same padding keeps 32, two pools -> 8x8x64
        (CIFAR_CNN, (32, 32, 3),
         conv(3, 3, 32) + conv(3, 32, 32) + conv(3, 32, 64) + conv(3, 64, 64) + dense(8 * 8 * 64, 512) + dense(512, 10)),
        # the same specs swapped: 1 vs 3 input channels, 28 vs 32 pixels
        (MNIST_CNN, (32, 32, 3), conv(3, 3, 32) + conv(3, 32, 64) + dense(14 * 14 * 64, 128) + dense(128, 10)),
        (CIFAR_CNN, (28, 28, 1),
         conv(3, 1, 32) + conv(3, 32, 32) + conv(3, 32, 64) + conv(3, 64, 64) + dense(7 * 7 * 64, 512) + dense(512, 10)),
        # no dense hidden layer, pool 4, 5x5 kernel
        ({"kind": "cnn", "conv": [[8]], "kernel": 5, "pool": 4}, (28, 28, 1), conv(5, 1, 8) + dense(6 * 6 * 8, 10)),
        # task 28's MLP with the input size adapted
        ({"kind": "mlp", "hidden": [1024, 256, 256]}, (32, 32, 3),
         dense(3072, 1024) + dense(1024, 256) + dense(256, 256) + dense(256, 10)),
    ],
)  # fmt: skip
def test_cnn_parameters_and_output_shape(spec, shape, hand):
    model = build_model(spec, shape, 10)
    assert count_parameters(model) == hand
    h, w, c = shape
    out = model(torch.rand(5, c, h, w))  # NCHW, as the engine feeds it
    assert out.shape == (5, 10)


def test_cnn_layers_follow_the_spec():
    model = build_model(MNIST_CNN, (28, 28, 1), 10)
    kinds = [type(m).__name__ for m in model]
    assert kinds == ["Conv2d", "ReLU", "Conv2d", "ReLU", "MaxPool2d", "Dropout", "Flatten",
                     "Linear", "ReLU", "Dropout", "Linear"]  # fmt: skip
    assert [m.p for m in model if isinstance(m, Dropout)] == [0.25, 0.5]
    tanh = build_model(MNIST_CNN | {"activation": "tanh", "conv_dropout": 0}, (28, 28, 1), 10)
    assert not any(isinstance(m, (torch.nn.ReLU, Dropout)) and getattr(m, "p", 0) == 0.25 for m in tanh)
    assert sum(isinstance(m, torch.nn.Tanh) for m in tanh) == 3


def test_cnn_rejects_impossible_specs():
    with pytest.raises(ValueError, match="too small"):
        build_model({"kind": "cnn", "conv": [[4], [4], [4], [4], [4]]}, (28, 28, 1), 10)  # 28 -> ... -> 0
    with pytest.raises(ValueError, match="padding"):
        build_model({"kind": "cnn", "conv": [[4]], "padding": "full"}, (28, 28, 1), 10)
    with pytest.raises(ValueError, match="known: mlp, cnn"):
        build_model({"kind": "rnn"}, (28, 28, 1), 10)


def test_engine_trains_a_cnn_on_colour_images_deterministically():
    data = make_synthetic("cifar10", 600, 200, seed=0)
    spec = {"kind": "cnn", "conv": [[8]], "kernel": 3, "padding": "same", "pool": 4, "conv_dropout": 0.25}
    run = ClassifierSettings(model_spec=spec, epochs=2, batch_size=32, seed=3, device="cpu", threads=1)
    a, b = train_classifier(data, run, log=lambda s: None), train_classifier(data, run, log=lambda s: None)
    assert a.history == b.history  # dropout masks come from the seed too
    assert a.history[-1]["test_accuracy"] > 0.5  # chance is 0.1
    assert a.parameters == conv(3, 3, 8) + dense(8 * 8 * 8, 10)
    assert np.array_equal(a.test_predictions, b.test_predictions)
    assert uses_channels_last(build_model(spec, (32, 32, 3), 10), torch.device("cpu"))  # the layout it ran in


# ---------------------------------------------------------------- report builders on fixture CSVs


def table_row(dataset, model, mean, std, runs=3, parameters=1000):
    return {"dataset": dataset, "model": model, "runs": runs, "diverged": 0, "parameters": parameters,
            "test_accuracy_mean": mean, "test_accuracy_std": std, "test_loss_mean": 0.1, "test_loss_std": 0.01,
            "first_test_accuracy_mean": mean - 0.01, "first_test_accuracy_std": std,
            "train_seconds_mean": 12.5, "train_seconds_std": 1.0}  # fmt: skip


CFG = {
    "datasets": ["mnist", "cifar10"],
    "models": ["cnn", "mlp"],
    "architectures": {
        "cnn": {"mnist": MNIST_CNN, "cifar10": CIFAR_CNN},
        "mlp": {d: {"kind": "mlp", "hidden": [1024, 256, 256], "activation": "relu"} for d in ("mnist", "cifar10")},
    },
    "loss": "cross_entropy",
    "optimizer": "adam",
    "lr": 0.001,
    "batch_size": 128,
    "epochs": {"mnist": {"cnn": 10, "mlp": 10}, "cifar10": {"cnn": 2, "mlp": 10}},
    "seeds": [1, 2, 3],
    "misclassified": 8,
}
ORIGINAL = {"mnist": {"cnn": 0.9941, "mlp": 0.9855}, "cifar10": {"cnn": 0.7730, "mlp": 0.3575}}


def fixture_inputs(tmp_path, rows, n_test=10_000, source="idx files under /data"):
    write_rows(tmp_path / "table.csv", rows)
    inputs = {"task30_table": str(tmp_path / "table.csv"), "task30_misclassified": str(tmp_path / "fig.pdf")}
    for d in ("mnist", "cifar10"):
        meta = {"source": source if d == "mnist" else "imagefolder-tar files under /data",
                "counts": {"test": [n_test // 10] * 10}}  # fmt: skip
        (tmp_path / f"{d}.json").write_text(json.dumps(meta))
        inputs[f"task30_data_{d}"] = str(tmp_path / f"{d}.json")
    return inputs


def test_section_facts_with_seed_noise(tmp_path):
    rows = [table_row("mnist", "cnn", 0.992, 0.001, parameters=1_199_882),
            table_row("mnist", "mlp", 0.982, 0.002, parameters=1_134_602),
            table_row("cifar10", "cnn", 0.70, 0.01, parameters=2_168_362),
            table_row("cifar10", "mlp", 0.50, 0.01, parameters=3_477_514)]  # fmt: skip
    s = task30.build(fixture_inputs(tmp_path, rows), CFG, ORIGINAL, lambda p: "rel/" + p.split("/")[-1])
    mnist, cifar = s["datasets"]
    assert [r["model"] for r in mnist["rows"]] == ["cnn", "mlp"] and mnist["n_test"] == 10_000
    g = mnist["gap"]
    # no per-image predictions: the paired test bounded over the unknown disagreement, plus the seeds' spread
    assert g["value"] == pytest.approx(0.010) and g["test"] == "mcnemar-bounds" and g["seeds"] == (3, 3)
    assert g["se"] > math.sqrt(0.001**2 / 3 + 0.002**2 / 3)
    assert g["verdict"] == "differs" and g["original"] == pytest.approx(0.0086)
    assert g["error_ratio"] == pytest.approx(0.018 / 0.008)
    assert mnist["rows"][0]["delta"] == pytest.approx(0.992 - 0.9941)
    assert not cifar["gap"]["equal_epochs"] and mnist["gap"]["equal_epochs"]
    assert cifar["lossy"] and not mnist["lossy"]
    c = s["contrast"]
    assert c["diff"] == pytest.approx(0.19) and c["larger_for_cifar"] and c["verdict"] == "differs"
    assert c["original_larger_for_cifar"] and c["convolution_helps_cifar"]
    assert mnist["known"] == {"cnn": "keras_mnist_cnn", "mlp": "task28_mlp"}  # keys: each language words them
    assert s["figure"] == "rel/fig.pdf"

    tex = section_tex(ROOT / "report" / "en", "sections/task30.tex.j2", s=s)
    assert "$0.9920 \\pm 0.0010$" in tex and "0.9941" in tex and "0.3575" in tex
    assert "1\\,199\\,882" in tex and "20.00 percentage points" in tex and "19.00 points" in tex
    assert "however the two disagree on the 10\\,000 test images" in tex and "this run agrees" in tex
    assert "different numbers of epochs" in tex  # CIFAR CNN 2 vs MLP 10 epochs
    assert "lossy" in tex and "the network of Keras' mnist\\_cnn example" in tex


def predictions(path, correct):
    """A run's predictions.csv with the given per-image correctness (labels 0..9 in turn)."""
    rows = [{"index": i, "label": i % 10, "prediction": i % 10 if ok else (i + 1) % 10} for i, ok in enumerate(correct)]
    write_rows(path, rows)
    return str(path)


def test_section_one_seed_uses_the_paired_test_on_predictions(tmp_path):
    cfg = CFG | {"seeds": [1], "epochs": {"mnist": {"cnn": 5, "mlp": 5}, "cifar10": {"cnn": 5, "mlp": 5}}}
    rows = [table_row("mnist", "cnn", 0.985, 0.0, runs=1), table_row("mnist", "mlp", 0.984, 0.0, runs=1),
            table_row("cifar10", "cnn", 0.60, 0.0, runs=1), table_row("cifar10", "mlp", 0.45, 0.0, runs=1)]  # fmt: skip
    inputs = fixture_inputs(tmp_path, rows, n_test=1000)
    # MNIST: 3 images only the CNN gets right, 2 only the MLP; CIFAR-10: 150 more right for the CNN
    mnist_cnn = [True] * 3 + [False] * 2 + [True] * 982 + [False] * 13
    mnist_mlp = [False] * 3 + [True] * 2 + [True] * 982 + [False] * 13
    cifar_cnn = [True] * 600 + [False] * 400
    cifar_mlp = [True] * 450 + [False] * 550
    for name, correct in (("mnist_cnn", mnist_cnn), ("mnist_mlp", mnist_mlp), ("cifar10_cnn", cifar_cnn),
                          ("cifar10_mlp", cifar_mlp)):  # fmt: skip
        inputs[f"task30_run_predictions_{name}_seed1"] = predictions(tmp_path / f"{name}.csv", correct)
    s = task30.build(inputs, cfg, ORIGINAL, str)
    g = s["datasets"][0]["gap"]
    assert g["test"] == "mcnemar" and (g["b"], g["c"], g["n"]) == (3, 2, 1000) and g["verdict"] == "within noise"
    assert s["datasets"][1]["gap"]["verdict"] == "differs" and s["datasets"][1]["gap"]["p"] < 1e-10
    tex = section_tex(ROOT / "report" / "en", "sections/task30.tex.j2", s=s)
    assert "McNemar's exact test on the 1\\,000 test images, which the two disagree on 5 times" in tex
    assert "within noise" in tex and "different numbers of epochs" not in tex
    assert "/data" not in tex and "idx files" in tex  # the kind of source, not where it sat


def test_section_mlp_ahead_does_not_explain_why_convolution_helps(tmp_path):
    rows = [table_row("mnist", "cnn", 0.5, 0.01), table_row("mnist", "mlp", 0.9, 0.01),
            table_row("cifar10", "cnn", 0.6, 0.01), table_row("cifar10", "mlp", 0.8, 0.01)]  # fmt: skip
    s = task30.build(fixture_inputs(tmp_path, rows), CFG, ORIGINAL, str)
    assert s["datasets"][0]["gap"]["value"] == pytest.approx(-0.4)
    assert s["contrast"]["larger_for_cifar"] and not s["contrast"]["convolution_helps_cifar"]
    tex = section_tex(ROOT / "report" / "en", "sections/task30.tex.j2", s=s)
    assert "below the MLP" in tex and "weight sharing" not in tex


def test_a_network_is_described_once_and_worded_by_each_language():
    """The layers come from the spec once (nnlab.report.networks); each language's macros.tex.j2 words them."""
    cnn, mlp = networks.layers(MNIST_CNN, (28, 28, 1)), networks.layers({"kind": "mlp", "hidden": [1024, 256, 256]},
                                                                        (32, 32, 3))  # fmt: skip
    assert mlp["widths"] == [3072, 1024, 256, 256, 10]
    assert [layer["type"] for layer in cnn["layers"]] == ["conv", "maxpool", "dropout", "dense", "dropout", "dense"]

    def words(language, n):
        env = make_env([ROOT / "report" / language, ROOT / "report"])
        return env.from_string('((* from "macros.tex.j2" import network *))((( network(n) | latex )))').render(n=n)

    assert words("en", cnn) == (
        "conv32-conv64 {(}3x3, valid) - maxpool 2 - dropout 0.25 - dense 128 - dropout 0.5 - dense 10; "
        "relu after each convolution and hidden dense layer"
    )
    assert words("en", mlp) == "dense 3072-1024-256-256-10; relu hidden units"
    assert words("ja", cnn).startswith(
        "畳み込み 32-畳み込み 64（3×3、valid） - 最大値プーリング 2 - ドロップアウト 0.25"
    )
    assert (
        networks.known_name(MNIST_CNN) == "keras_mnist_cnn"
        and networks.known_name(CIFAR_CNN | {"dense": [256]}) is None
    )


def test_misclassified_draws_across_classes_and_gallery_draws(tmp_path):
    labels = np.array([1, 2, 3, 4, 5, 6])
    write_predictions(tmp_path / "p.csv", np.array([1, 0, 3, 0, 0, 6]), labels)
    shown, wrong = misclassified(read_rows(tmp_path / "p.csv"), 2)
    assert wrong == 3 and [r["index"] for r in shown] == [1, 3]
    # a class-sorted test set: the errors of class 0 come first, yet every class is shown
    sorted_labels = np.repeat(np.arange(3), 4)
    write_predictions(tmp_path / "s.csv", (sorted_labels + 1) % 3, sorted_labels)
    shown, wrong = misclassified(read_rows(tmp_path / "s.csv"), 4)
    assert wrong == 12 and [r["label"] for r in shown] == [0, 1, 2, 0] and [r["index"] for r in shown] == [0, 4, 8, 1]
    rng = np.random.default_rng(0)
    panels = [
        {"title": "grey", "images": rng.integers(0, 255, (2, 28, 28, 1), dtype=np.uint8), "captions": ["a", "b"]},
        {"title": "colour", "images": rng.integers(0, 255, (3, 32, 32, 3), dtype=np.uint8), "captions": list("abc")},
        {"title": "none", "images": np.zeros((0, 28, 28, 1), np.uint8), "captions": [], "note": "no errors"},
    ]
    gallery(panels, tmp_path / "g.pdf", 3)
    first = (tmp_path / "g.pdf").read_bytes()
    assert first.startswith(b"%PDF") and len(first) > 2000
    gallery(panels, tmp_path / "g.pdf", 3)
    assert (tmp_path / "g.pdf").read_bytes() == first  # no timestamps: reruns are byte-identical


# ---------------------------------------------------------------- rule graph (dry run)


def dry_run(wd, *args):
    proc = snakemake(wd, "results/task30/table.csv", "results/task30/figures/misclassified.pdf", "-n",
                     "--cores", "2", "--configfile", "scales/smoke.yaml", *args)  # fmt: skip
    return proc.stdout + proc.stderr


def test_rule_graph_one_job_per_dataset_model_seed(tmp_path):
    wd = copy_workflow(tmp_path / "wf")
    (wd / "more.yaml").write_text("task30: {seeds: [1, 2], epochs: {cifar10: {cnn: 7, mlp: 1}}}\n")
    out = dry_run(wd, "more.yaml")
    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", out, re.M))
    assert counts["train_task30"] == "8" and counts["summarize_task30"] == "1"
    assert counts["plot_task30_misclassified"] == "1" and counts["prepare_dataset"] == "2"
    for d in ("mnist", "cifar10"):
        for m in ("cnn", "mlp"):
            for seed in (1, 2):
                assert f"Training task 30, {m} on {d}, seed {seed}" in out


@pytest.mark.slow
def test_changed_epochs_rerun_only_that_job(smoke_build, tmp_path):
    (smoke_build / "longer.yaml").write_text("task30: {epochs: {mnist: {cnn: 2}}}\n")
    out = dry_run(smoke_build, "longer.yaml")
    assert "Training task 30, cnn on mnist, seed 1" in out
    assert "Training task 30, mlp on mnist, seed 1" not in out and "cifar10, seed" not in out


# ---------------------------------------------------------------- the smoke PDF


@pytest.mark.slow
def test_section_in_smoke_pdf(smoke_build):
    text = pdf_text(smoke_build / "results/report.pdf")
    flat = " ".join(text.split())
    assert "Task 30, MNIST: test accuracy with and without convolution" in flat
    assert "Task 30, CIFAR-10: test accuracy with and without convolution" in flat
    with open(smoke_build / "results/task30/table.csv") as f:
        rows = {(r["dataset"], r["model"]): r for r in csv.DictReader(f)}
    assert set(rows) == {(d, m) for d in ("mnist", "cifar10") for m in ("cnn", "mlp")}
    for r in rows.values():
        assert f"{float(r['test_accuracy_mean']):.4f}" in text
    assert "0.9941" in text and "0.3575" in text
    assert "misclassified test images" in flat
    assert (smoke_build / "results/task30/figures/misclassified.pdf").stat().st_size > 2000
    for d in ("mnist", "cifar10"):
        assert (smoke_build / f"results/task30/{d}/cnn/seed1/predictions.csv").exists()
