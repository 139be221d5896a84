"""Model building blocks."""

import math

import pytest
import torch
from torch import nn

from nnlab.models import Dropout, build_model, initialise


def test_dropout_keeps_1_minus_p_scaled_and_is_identity_in_eval():
    torch.manual_seed(0)
    x = torch.ones(200_000, requires_grad=True)
    drop = Dropout(0.25)
    y = drop(x)
    kept = y != 0
    assert abs(kept.float().mean().item() - 0.75) < 0.005  # keep probability 1 - p
    assert torch.allclose(y[kept], torch.full_like(y[kept], 1 / 0.75))  # inverted scaling
    assert abs(y.mean().item() - 1.0) < 0.01  # expectation preserved
    y.sum().backward()
    assert torch.equal(x.grad, y.detach())  # gradient flows through kept elements only, scaled
    drop.eval()
    assert torch.equal(drop(x), x)


def test_dropout_is_seeded_and_rejects_bad_p():
    torch.manual_seed(3)
    a = Dropout(0.5)(torch.ones(1000))
    torch.manual_seed(3)
    assert torch.equal(a, Dropout(0.5)(torch.ones(1000)))
    with pytest.raises(ValueError, match="dropout probability"):
        Dropout(1.0)


def test_cnn_uses_the_fast_dropout():
    spec = {"kind": "cnn", "conv": [[8]], "pool": 2, "conv_dropout": 0.25, "dense": [16], "dense_dropout": 0.5}
    layers = [m for m in build_model(spec, (28, 28, 1), 10).modules() if "Dropout" in type(m).__name__]
    assert [type(m) for m in layers] == [Dropout, Dropout] and [m.p for m in layers] == [0.25, 0.5]


def test_keras_init_has_glorot_bounds_and_zero_biases():
    """Keras's Dense/Conv2D/Conv2DTranspose default: U(±sqrt(6/(fan_in+fan_out))), fans counting the
    kernel area times the channels; biases 0. torch's default bound is 1/sqrt(fan_in), for biases too."""
    torch.manual_seed(0)
    layers = {
        "dense": (nn.Linear(300, 100), 300, 100),
        "conv": (nn.Conv2d(3, 16, 5), 5 * 5 * 3, 5 * 5 * 16),
        "transposed": (nn.ConvTranspose2d(16, 3, 4), 4 * 4 * 3, 4 * 4 * 16),
    }
    for name, (layer, fan_in, fan_out) in layers.items():
        torch_bound = 1 / math.sqrt(fan_in)
        assert layer.bias.abs().max() > 0.5 * torch_bound, name  # torch draws biases too
        initialise(nn.Sequential(layer), "keras")
        bound = math.sqrt(6 / (fan_in + fan_out))
        w = layer.weight.detach()
        assert w.abs().max() <= bound and w.abs().max() > 0.97 * bound, name  # uniform up to the bound
        assert w.var().item() == pytest.approx(bound**2 / 3, rel=0.1), name  # U(±b) has variance b²/3
        assert torch.count_nonzero(layer.bias) == 0, name


def test_keras_init_covers_every_layer_of_a_built_cnn_and_torch_leaves_it_as_built():
    spec = {"kind": "cnn", "conv": [[8, 16]], "kernel": 3, "pool": 2, "dense": [32]}
    torch.manual_seed(1)
    model = build_model(spec, (28, 28, 1), 10)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    initialise(model, "torch")
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    initialise(model, "keras")
    layers = [m for m in model.modules() if isinstance(m, (nn.Linear, nn.Conv2d))]
    assert len(layers) == 4 and all(torch.count_nonzero(m.bias) == 0 for m in layers)
    # seeded: the same seed gives the same weights
    torch.manual_seed(1)
    again = build_model(spec, (28, 28, 1), 10)
    initialise(again, "keras")
    assert all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), again.state_dict().values()))
    with pytest.raises(ValueError, match="unknown init 'glorot'.*keras, torch"):
        initialise(model, "glorot")
