"""Task 23: per-layer gradient norms (measurement) and their aggregation and figure."""

import math

import pytest
import torch

from nnlab.data.synthetic import make_synthetic
from nnlab.gradients.figures import norms_by_layer
from nnlab.gradients.gradnorms import NORM_FIELDS, GradNormSettings, gradient_norm_run, layer_gradient_norms
from nnlab.gradients.vanishing import hidden_factor, summarize
from nnlab.losses import LOSSES
from nnlab.models import build_mlp, initialise
from nnlab.results import read_rows, write_rows


@pytest.fixture(scope="module")
def data():
    return make_synthetic("mnist", 400, 100, 0)


def test_layer_norms_match_manual_gradients():
    torch.manual_seed(0)
    model = build_mlp(12, [5, 5], 3, "sigmoid")
    initialise(model, "keras")
    x, y = torch.rand(8, 12), torch.tensor([0, 1, 2, 0, 1, 2, 0, 1])
    rows = layer_gradient_norms(model, LOSSES["cross_entropy"], x, y)
    loss = LOSSES["cross_entropy"](model(x), y)
    weights = [m.weight for m in model if isinstance(m, torch.nn.Linear)]
    grads = torch.autograd.grad(loss, weights)
    assert [r["layer"] for r in rows] == [1, 2, 3] and [(r["fan_in"], r["fan_out"]) for r in rows] == [
        (12, 5),
        (5, 5),
        (5, 3),
    ]
    for r, g, w in zip(rows, grads, weights):
        assert r["grad_norm"] == pytest.approx(g.norm().item(), rel=1e-6)
        assert r["weight_spectral"] == pytest.approx(torch.linalg.svdvals(w.detach().double())[0].item(), rel=1e-9)
    assert all(m.weight.grad is None for m in model if isinstance(m, torch.nn.Linear))  # left clean


def test_run_is_deterministic_and_sigmoid_vanishes_faster(data, tmp_path):
    kw = {"depth": 6, "width": 16, "epochs": 1, "batch_size": 64, "measure_samples": 100, "seed": 3, "device": "cpu"}
    a = gradient_norm_run(data, GradNormSettings(activation="sigmoid", **kw))
    b = gradient_norm_run(data, GradNormSettings(activation="sigmoid", **kw))
    write_rows(tmp_path / "a.csv", a.norms, NORM_FIELDS)
    write_rows(tmp_path / "b.csv", b.norms, NORM_FIELDS)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert a.final["status"] == "ok" and a.final["steps"] == math.ceil(400 / 64)
    assert [r["phase"] for r in a.norms] == ["init"] * 7 + ["trained"] * 7
    relu = gradient_norm_run(data, GradNormSettings(activation="relu", **kw))
    ratio = lambda r: r.norms[0]["grad_norm"] / r.norms[6]["grad_norm"]
    assert ratio(a) < ratio(relu) / 10  # the effect the task is about, at initialisation


def test_only_float32_is_measured():
    with pytest.raises(ValueError, match="float32 only, not precision 'bf16'"):
        GradNormSettings(depth=2, width=4, activation="relu", precision="bf16")


def test_hidden_factor_recovers_a_geometric_decay():
    norms = {l: 3.0 * 0.25 ** (10 - l) for l in range(1, 12)}
    assert hidden_factor(norms, 10) == pytest.approx(0.25)
    assert math.isnan(hidden_factor({1: 1.0, 2: 0.0, 3: 1.0, 4: 1.0}, 3))


def _write_run(tmp, activation, depth, seed, decay):
    """A fake run whose gradient norm shrinks by `decay` per layer towards the input."""
    d = tmp / f"{activation}{depth}s{seed}"
    d.mkdir()
    rows = []
    for phase, extra in (("init", 1.0), ("trained", 2.0)):
        for layer in range(1, depth + 2):
            g = extra * (1 + 0.1 * seed) * decay ** (depth + 1 - layer)
            rows.append(
                {
                    "phase": phase,
                    "layer": layer,
                    "fan_in": 8,
                    "fan_out": 8,
                    "grad_norm": g,
                    "weight_norm": 2.0,
                    "weight_spectral": 1.5,
                }
            )
    write_rows(d / "norms.csv", rows, NORM_FIELDS)
    write_rows(d / "final.csv", [{"task": 23, "activation": activation, "depth": depth, "width": 8, "seed": seed, "status": "ok", "steps": 3,
                                  "init_test_accuracy": 0.1, "final_train_loss": 1.0, "final_test_accuracy": 0.5 + 0.01 * seed}])  # fmt: skip
    return str(d / "final.csv"), str(d / "norms.csv")


def fake_summary(tmp, decays=None, depths=(4, 8), seeds=(1, 2)):
    decays = decays or {"sigmoid": 0.2, "relu": 1.0}
    runs = [_write_run(tmp, a, dep, s, dec) for a, dec in decays.items() for dep in depths for s in seeds]
    return summarize([f for f, _ in runs], [n for _, n in runs])


def test_summary_over_seeds(tmp_path):
    layers, ratios = fake_summary(tmp_path)
    by = {(r["activation"], r["depth"], r["phase"]): r for r in ratios}
    sig = by[("sigmoid", 8, "init")]
    assert sig["runs"] == 2 and sig["hidden_factor_gmean"] == pytest.approx(0.2)
    assert sig["ratio_first_output_gmean"] == pytest.approx(0.2**8)
    assert by[("relu", 4, "trained")]["ratio_first_output_gmean"] == pytest.approx(1.0)
    assert sig["test_accuracy_mean"] == pytest.approx(0.515) and sig["weight_spectral_gmean"] == pytest.approx(1.5)
    assert len(layers) == 2 * (5 + 9) * 2
    first = next(
        r for r in layers if (r["activation"], r["depth"], r["phase"], r["layer"]) == ("sigmoid", 4, "init", 1)
    )
    # geometric mean over seeds 1.1 and 1.2 of 0.2^4
    assert first["grad_norm_gmean"] == pytest.approx(math.sqrt(1.1 * 1.2) * 0.2**4)


def test_figure_is_written(tmp_path):
    layers, _ = fake_summary(tmp_path)
    write_rows(tmp_path / "norms.csv", layers)
    norms_by_layer(read_rows(tmp_path / "norms.csv"), tmp_path / "fig.pdf")
    assert (tmp_path / "fig.pdf").read_bytes().startswith(b"%PDF") and (tmp_path / "fig.pdf").stat().st_size > 5000
