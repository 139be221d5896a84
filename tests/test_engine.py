"""Training engine: determinism, learning, divergence, and the losses it is given."""

import math

import pytest
import torch
import torch.nn.functional as F

from nnlab.data.synthetic import make_synthetic
from nnlab.engine import ClassifierSettings, train_classifier
from nnlab.losses import mse
from nnlab.results import read_rows, write_run

DATA = make_synthetic("mnist", 600, 200, seed=0)
RUN = dict(model_spec={"kind": "mlp", "hidden": [32]}, epochs=2, batch_size=64, device="cpu", threads=1)


def train(**settings):
    return train_classifier(DATA, ClassifierSettings(**(RUN | settings)), log=lambda s: None)


def test_same_seed_gives_byte_identical_csvs(tmp_path):
    paths = []
    for i in range(2):
        r = train(seed=5)
        p = [tmp_path / f"{name}{i}.csv" for name in ("history", "final", "timing")]
        write_run(r, {"task": 24, "seed": 5}, *p)
        paths.append(p)
    assert paths[0][0].read_bytes() == paths[1][0].read_bytes()
    assert paths[0][1].read_bytes() == paths[1][1].read_bytes()
    other = train(seed=6)
    assert other.history != read_rows(paths[0][0])


def test_learns_and_records_every_epoch():
    r = train(seed=1, epochs=3)
    assert [h["epoch"] for h in r.history] == [1, 2, 3] and len(r.seconds) == 3
    assert r.status == "ok" and r.parameters == 784 * 32 + 32 + 32 * 10 + 10
    assert r.history[-1]["test_accuracy"] > 0.8  # chance is 0.1
    assert r.history[-1]["train_loss"] < r.history[0]["train_loss"]
    assert (r.test_predictions == DATA.y_test).mean() == r.history[-1]["test_accuracy"]


def test_nan_loss_is_recorded_as_diverged(tmp_path):
    # SGD with an absurd learning rate overflows the weights within the first epoch.
    r = train(seed=1, optimizer="sgd", lr=1e30)
    assert r.status == "diverged" and r.history == []
    write_run(r, {"task": 29}, tmp_path / "h.csv", tmp_path / "f.csv", tmp_path / "t.csv")
    final = read_rows(tmp_path / "f.csv")[0]
    assert final["status"] == "diverged" and final["epochs_run"] == 0
    assert math.isnan(final["final_test_accuracy"])


def test_mse_is_keras_mse_on_softmax():
    logits = torch.tensor([[2.0, 0.0, -1.0], [0.5, 0.5, 0.5]])
    y = torch.tensor([0, 2])
    p = logits.softmax(1)
    t = torch.tensor([[1.0, 0, 0], [0, 0, 1.0]])
    hand = sum(((p[i] - t[i]) ** 2).sum() / 3 for i in range(2)) / 2
    assert mse(logits, y).item() == pytest.approx(hand.item(), rel=1e-6)
    assert F.cross_entropy(logits, y).item() == pytest.approx(-(p[0, 0].log() + p[1, 2].log()).item() / 2, rel=1e-6)


@pytest.mark.parametrize("name", ["sgd", "adam", "adagrad", "rmsprop", "adadelta"])
def test_fast_optimiser_path_matches_the_reference_loop(name):
    """The fused/foreach path chosen by default takes the same steps as torch's per-parameter loop."""
    from nnlab.optim import FAST_PATH, build_optimizer

    torch.manual_seed(0)
    params = [torch.randn(300, 20), torch.randn(20)]
    fast_p = [p.clone().requires_grad_() for p in params]
    ref_p = [p.clone().requires_grad_() for p in params]
    fast = build_optimizer(name, fast_p, 0.01)
    ref = build_optimizer(name, ref_p, 0.01, {"foreach": False})
    assert fast.defaults[FAST_PATH[name]] is True and ref.defaults["foreach"] is False
    for _ in range(20):
        grads = [torch.randn_like(p) for p in params]
        for ps, opt in ((fast_p, fast), (ref_p, ref)):
            for p, g in zip(ps, grads):
                p.grad = g.clone()
            opt.step()
    for a, b in zip(fast_p, ref_p):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)
    assert not torch.equal(fast_p[0], params[0])  # the steps did move the weights


def test_channels_last_evaluation_matches_the_default_layout():
    """The layout is a speed choice only: a CNN scores the same images the same either way."""
    from nnlab.engine import evaluate, to_tensors, uses_channels_last
    from nnlab.losses import LOSSES
    from nnlab.models import build_model

    data = make_synthetic("cifar10", 10, 300, seed=0)
    torch.manual_seed(0)
    model = build_model({"kind": "cnn", "conv": [[8, 8]], "pool": 2, "dense": [16]}, (32, 32, 3), 10)
    x, y = to_tensors(data.x_test, data.y_test, torch.device("cpu"))
    plain = evaluate(model, LOSSES["cross_entropy"], x, y, batch_size=64)
    fast = evaluate(model.to(memory_format=torch.channels_last), LOSSES["cross_entropy"], x, y, None, 100, True)
    assert uses_channels_last(model, torch.device("cpu")) and not uses_channels_last(model, torch.device("meta"))
    assert fast[1] == plain[1] and math.isclose(fast[0], plain[0], rel_tol=1e-5)
