"""Tasks 27 and 28: curve aggregation, overfitting facts, section builders and templates on fixture CSVs."""

import math
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, pdf_text

from nnlab.classification.curves import CURVE_FIELDS, mean_curve
from nnlab.classification.figures import metric_vs_setting
from nnlab.data.synthetic import make_synthetic
from nnlab.engine import ClassifierSettings, train_classifier
from nnlab.report.build import section_tex
from nnlab.report.sections import BUILDERS, task27, task28
from nnlab.results import HISTORY_FIELDS, read_rows, write_rows

CONFIG = yaml.safe_load((ROOT / "config.yaml").read_text())
ORIGINAL = yaml.safe_load((ROOT / "report/original.yaml").read_text())


def history(test_loss, test_acc, train_loss=None, train_acc=None):
    n = len(test_loss)
    train_loss = train_loss or [1.0 / (e + 1) for e in range(n)]
    train_acc = train_acc or [0.9 + 0.001 * e for e in range(n)]
    return [
        {"epoch": e + 1, "train_loss": train_loss[e], "train_accuracy": train_acc[e],
         "test_loss": test_loss[e], "test_accuracy": test_acc[e]}
        for e in range(n)
    ]  # fmt: skip


def write_history(path, rows):
    write_rows(path, rows, HISTORY_FIELDS)
    return path


# --- task 28: the mean curve and where the test loss bottoms out ---------------------------------


def test_mean_curve_averages_seeds_epoch_by_epoch(tmp_path):
    a = write_history(tmp_path / "a.csv", history([0.5, 0.3, 0.4], [0.90, 0.95, 0.96]))
    b = write_history(tmp_path / "b.csv", history([0.7, 0.1, 0.2, 0.9], [0.80, 0.97, 0.96, 0.5]))  # one epoch longer
    curve = mean_curve([a, b])
    assert [r["epoch"] for r in curve] == [1, 2, 3]  # the epochs every run reached
    assert curve[1]["test_loss_mean"] == pytest.approx(0.2) and curve[1]["runs"] == 2
    assert curve[0]["test_accuracy_std"] == pytest.approx(math.sqrt(0.005))  # sample std of 0.9, 0.8
    write_rows(tmp_path / "curve.csv", curve, CURVE_FIELDS)
    assert read_rows(tmp_path / "curve.csv") == curve


def curve_csv(tmp_path, test_loss, test_acc, **kw):
    h = write_history(tmp_path / "h.csv", history(test_loss, test_acc, **kw))
    write_rows(tmp_path / "curve.csv", mean_curve([h]), CURVE_FIELDS)
    return read_rows(tmp_path / "curve.csv")


def test_bottom_out_epoch_rise_and_peak(tmp_path):
    loss = [0.30, 0.12, 0.08, 0.07, 0.09, 0.12, 0.15, 0.14]  # minimum at epoch 4, peak after it at epoch 7
    acc = [0.95, 0.97, 0.978, 0.980, 0.981, 0.980, 0.981, 0.980]
    f = task28.overfitting_facts(curve_csv(tmp_path, loss, acc))
    assert f["bottomed_out"] and f["min_epoch"] == 4 and f["min_loss"] == 0.07
    assert f["final_epoch"] == 8 and f["rise"] == pytest.approx(0.07) and f["rise_ratio"] == pytest.approx(2.0)
    assert (f["peak_epoch"], f["peak_loss"]) == (7, 0.15)
    assert f["acc_at_min"] == 0.980 and f["best_acc"] == 0.981 and f["best_acc_epoch"] == 5  # first of the ties
    assert f["acc_trend"]["direction"] == "unknown"  # 5 epochs from the minimum: too few for a line
    assert f["train_loss_falls"] and f["gap"] == pytest.approx(0.907 - 0.980)


def test_first_of_equal_minima_and_still_falling(tmp_path):
    f = task28.overfitting_facts(curve_csv(tmp_path, [0.3, 0.1, 0.2, 0.1], [0.9, 0.95, 0.94, 0.95]))
    assert f["min_epoch"] == 2 and f["rise"] == 0.0
    g = task28.overfitting_facts(curve_csv(tmp_path, [0.3, 0.2, 0.1], [0.9, 0.95, 0.96]))
    assert not g["bottomed_out"] and g["min_epoch"] == g["final_epoch"] == 3
    assert task28.overfitting_facts([]) == {"epochs": 0}


def test_trend_direction_against_scatter():
    epochs = list(range(1, 11))
    wobble = [0.001 * (-1) ** e for e in epochs]
    assert task28.trend(epochs, [0.98 + w for w in wobble])["direction"] == "flat"
    up = task28.trend(epochs, [0.97 + 0.001 * e + w for e, w in zip(epochs, wobble)])
    assert up["direction"] == "up" and up["change"] == pytest.approx(0.009, abs=1e-3)
    assert task28.trend(epochs, [0.99 - 0.002 * e + w for e, w in zip(epochs, wobble)])["direction"] == "down"
    assert task28.trend([1, 2], [0.9, 0.95])["direction"] == "unknown"


# --- task 27: the width table -----------------------------------------------------------------


def summary_row(width, acc, std, runs=2, seconds=10.0):
    return {"width": width, "runs": runs, "diverged": 0, "parameters": 795 * width + 10,
            "test_accuracy_mean": acc, "test_accuracy_std": std, "test_loss_mean": 0.1, "test_loss_std": 0.0,
            "first_test_accuracy_mean": acc, "first_test_accuracy_std": 0.0,
            "train_seconds_mean": seconds, "train_seconds_std": 0.0}  # fmt: skip


def t27_inputs(tmp_path, rows):
    write_rows(tmp_path / "table.csv", rows)
    return {"task27_table": str(tmp_path / "table.csv"), "task27_accuracy_vs_width": str(tmp_path / "fig.pdf")}


def test_task27_builder_steps_noise_and_plateau(tmp_path):
    rows = [summary_row(1000, 0.9815, 0.0005, seconds=200.0), summary_row(10, 0.93, 0.002),
            summary_row(100, 0.975, 0.001, seconds=20.0), summary_row(10000, 0.9818, 0.0006, seconds=2000.0),
            summary_row(100000, 0.97, 0.0, seconds=2000.0)]  # fmt: skip
    cfg = CONFIG["task27"] | {"widths": [10, 100, 1000, 10000, 100000], "epochs_by_width": {100000: 2}}
    s = task27.build(t27_inputs(tmp_path, rows), cfg, ORIGINAL["task27"], lambda p: Path(p).name)
    assert [r["width"] for r in s["rows"]] == [10, 100, 1000, 10000, 100000]  # sorted by width
    assert s["rows"][0]["original"] == 0.9321 and s["rows"][0]["delta"] == pytest.approx(0.93 - 0.9321)
    assert [r["epochs"] for r in s["rows"]] == [10, 10, 10, 10, 2] and s["facts"]["reduced"] == [s["rows"][4]]
    assert s["rows"][4]["seconds_per_epoch"] == 1000.0 and s["rows"][0]["seconds_per_epoch"] == 1.0
    f = s["facts"]
    # the reduced width is left out of the steps, the best and the plateau
    assert [(st["from"], st["to"]) for st in f["steps"]] == [(10, 100), (100, 1000), (1000, 10000)]
    assert f["steps"][0]["gain"] == pytest.approx(0.045) and f["steps"][0]["verdict"] == "differs"
    assert f["steps"][2]["verdict"] == "within noise"  # 0.03 points with stds of 0.05-0.06 points
    assert f["monotone"] and f["plateau"]["width"] == 1000 and not f["plateau_is_last"]
    assert f["original_plateau"] == 1000  # the original gained 0.01 and 0.02 points beyond 1000
    assert f["best"]["width"] == 10000 and f["span"] == pytest.approx(0.0518)
    assert f["original_span"] == pytest.approx(0.9821 - 0.9321)
    assert f["time_ratio"] == 1000.0 and f["param_ratio"] == pytest.approx(79500010 / 7960)


def test_task27_builder_without_saturation_or_order(tmp_path):
    rows = [
        summary_row(10, 0.93, 0.0, runs=1),
        summary_row(100, 0.92, 0.0, runs=1),
        summary_row(1000, 0.96, 0.0, runs=1),
    ]
    s = task27.build(t27_inputs(tmp_path, rows), CONFIG["task27"], ORIGINAL["task27"], str)
    f = s["facts"]
    assert not f["monotone"] and f["plateau"]["width"] == 1000 and f["plateau_is_last"] and f["best"]["width"] == 1000
    assert {st["verdict"] for st in f["steps"]} == {"inconclusive"}  # one seed, no test-set size: no estimate
    # with the test set's size the paired test is bounded: a 4-point gain differs however the errors overlap
    meta = tmp_path / "mnist.json"
    meta.write_text('{"counts": {"test": [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000]}}')
    s = task27.build(t27_inputs(tmp_path, rows) | {"task27_data": str(meta)}, CONFIG["task27"], ORIGINAL["task27"], str)
    assert [st["verdict"] for st in s["facts"]["steps"]] == ["differs", "differs"]
    assert s["facts"]["steps"][0]["test"] == "mcnemar-bounds" and s["facts"]["steps"][0]["n"] == 10000
    assert f["reduced"] == []


def test_epochs_for_accepts_string_keys():
    cfg = {"epochs": 10, "epochs_by_width": {"100000": 1}}
    assert task27.epochs_for(cfg, 100000) == 1 and task27.epochs_for(cfg, 10) == 10
    assert task27.epochs_for({"epochs": 3, "epochs_by_width": {}}, 5) == 3


def test_accuracy_vs_width_figure(tmp_path):
    write_rows(tmp_path / "t.csv", [summary_row(10, 0.93, 0.002), summary_row(1000, 0.98, 0.001)])
    kw = {"logx": True, "xlabel": "hidden_units"}  # the rule's label: a key of the figure words
    metric_vs_setting(tmp_path / "t.csv", "width", tmp_path / "f.pdf", original=ORIGINAL["task27"], **kw)
    assert (tmp_path / "f.pdf").read_bytes().startswith(b"%PDF")
    assert "hidden units" in pdf_text(tmp_path / "f.pdf") and "original report" in pdf_text(tmp_path / "f.pdf")
    metric_vs_setting(tmp_path / "t.csv", "width", tmp_path / "n.pdf", notes={1000: "1 epoch", 5: "absent"}, **kw)
    assert (tmp_path / "n.pdf").read_bytes() != (tmp_path / "f.pdf").read_bytes()
    first = (tmp_path / "f.pdf").read_bytes()
    metric_vs_setting(tmp_path / "t.csv", "width", tmp_path / "f.pdf", original=ORIGINAL["task27"], **kw)
    assert (tmp_path / "f.pdf").read_bytes() == first  # no timestamps: reruns are byte-identical


# --- templates render every branch without missing values ----------------------------------------


def render_section(task_id, s):
    return section_tex(ROOT / "report" / "en", f"sections/task{task_id}.tex.j2", s=s)


def test_section_templates_render(tmp_path):
    assert BUILDERS[27] is task27.build and BUILDERS[28] is task28.build
    rows = [summary_row(10, 0.93, 0.002), summary_row(100, 0.975, 0.001), summary_row(100000, 0.9, 0.0)]
    cfg = CONFIG["task27"] | {"epochs_by_width": {100000: 1}}
    tex = render_section(27, task27.build(t27_inputs(tmp_path, rows), cfg, ORIGINAL["task27"], str))
    assert (
        "0.9750" in tex
        and "0.9769" in tex
        and "$^\\dagger$" in tex
        and "100\\,000 [1 epoch, test accuracy 0.9000]" in tex
    )
    assert "((" not in tex and "))" not in tex
    for loss, acc in (
        ([0.3, 0.1, 0.2, 0.3, 0.35], [0.9, 0.95, 0.951, 0.95, 0.951]),
        ([0.3, 0.2, 0.1], [0.9, 0.92, 0.93]),
    ):
        d = tmp_path / str(len(loss))
        d.mkdir()
        curve = curve_csv(d, loss, acc)
        write_rows(d / "table.csv", [summary_row(0, acc[-1], 0.0) | {"task": 28}])
        inputs = {"task28_table": str(d / "table.csv"), "task28_curve": str(d / "curve.csv"),
                  "task28_accuracy": "a.pdf", "task28_loss": "l.pdf"}  # fmt: skip
        tex = render_section(28, task28.build(inputs, CONFIG["task28"], {}, str))
        f = task28.overfitting_facts(curve)
        if f["bottomed_out"]:
            assert f"bottoms out at epoch {f['min_epoch']} of {f['final_epoch']}" in tex
        else:
            assert "still at its lowest at the last epoch" in tex
        assert "a slip" in tex and "((" not in tex


# --- the engine's evaluation chunk size changes memory, not results -----------------------------


def test_eval_batch_size_does_not_change_results():
    data = make_synthetic("mnist", 300, 130, seed=0)
    run = ClassifierSettings(model_spec={"kind": "mlp", "hidden": [16]}, epochs=1, batch_size=64, device="cpu", seed=2)
    a = train_classifier(data, run, log=lambda s: None)
    b = train_classifier(data, replace(run, eval_batch_size=7), log=lambda s: None)
    assert a.history[0]["test_accuracy"] == b.history[0]["test_accuracy"]
    assert a.history[0]["test_loss"] == pytest.approx(b.history[0]["test_loss"], rel=1e-6)
    assert (a.test_predictions == b.test_predictions).all()


# --- resources and config --------------------------------------------------------------------------


def test_mlp_parameters_and_resource_model():
    from nnlab.sizing import mlp_parameters, train_mem_mb, train_runtime_min

    assert mlp_parameters(784, [10], 10) == 7960 and mlp_parameters(784, [], 10) == 7850
    assert mlp_parameters(784, [1024, 256, 256], 10) == 784 * 1024 + 1024 + 1024 * 256 + 256 + 256 * 256 + 256 + 2570
    small, wide = (train_mem_mb(mlp_parameters(784, [w], 10), 1000, w, 900) for w in (10, 100000))
    assert 900 < small < 1300  # the process base dominates a small net
    # Adam's 16 bytes per weight, the evaluation's activations and the checkpoint twice (12 bytes each)
    assert wide == pytest.approx(1.3 * (900 + ((16 + 24) * 79_500_010 + 8 * 1000 * 100000) / 2**20), abs=1)
    # above the peaks the first full build measured at width 100000 (3305 MB; two seeds past 3739 MB)
    assert wide > 1.5 * 3739
    assert wide < 24 * 1024  # fits the 24 GiB machine
    assert train_runtime_min(1000, 10, 1e-3) == 5 + math.ceil(2 * 10 * (5 + 1) / 60)


def test_epochs_by_width_is_validated():
    import copy

    from nnlab.config import ConfigError, validate_config

    cfg = copy.deepcopy(CONFIG)
    cfg["task27"]["epochs_by_width"] = {100000: 0}
    with pytest.raises(ConfigError, match="task27.epochs_by_width.100000: 0 is less than the minimum of 1"):
        validate_config(cfg, ROOT / "workflow/schemas/config.schema.yaml")


def test_epoch_axes_get_whole_number_ticks(tmp_path):
    from nnlab.plots import epoch_axis, figure, save

    fig, ax = figure()
    ax.plot([1, 2, 3], [0.5, 0.6, 0.7])
    epoch_axis(ax)
    assert ax.get_xlabel() == "epoch"  # the word in the figure's language
    save(fig, tmp_path / "f.pdf")
    ticks = [t for t in ax.get_xticks() if 1 <= t <= 3]
    assert ticks and all(float(t).is_integer() for t in ticks)  # no 1.5, 2.5 between the epochs
