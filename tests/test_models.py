"""Model building blocks."""

import pytest
import torch

from nnlab.models import Dropout, build_model


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
