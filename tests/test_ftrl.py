"""FTRL-Proximal (nnlab.ftrl) against updates computed by hand, and its registration.

The tiny problem: two weights w = (w_a, w_b) and a linear loss c . w, so the gradient at a step is
exactly the c chosen for that step. The numbers are picked so every square root is exact:
accumulator n = 16 -> 25 -> 169, sqrt(n) = 4 -> 5 -> 13.
"""

import pytest
import torch

from nnlab.ftrl import Ftrl
from nnlab.optim import OPTIMIZERS, build_optimizer


def run_steps(w0, grads, **kw):
    w = torch.nn.Parameter(torch.tensor(w0, dtype=torch.float64))
    opt = Ftrl([w], **kw)
    out = []
    for c in grads:
        opt.zero_grad()
        (torch.tensor(c, dtype=torch.float64) * w).sum().backward()
        opt.step()
        out.append(w.detach().clone().tolist())
    return out, opt.state[w]


def test_two_steps_without_regularisation():
    # lr = 0.5, power -0.5, n0 = 16, w0 = (1, -2).
    (w1, w2), state = run_steps([1.0, -2.0], [[3.0, -3.0], [12.0, -12.0]], lr=0.5, initial_accumulator_value=16.0)
    # Step 1: g = (3, -3); n = 16 + 9 = 25; sigma = (sqrt 25 - sqrt 16) / 0.5 = (5 - 4) / 0.5 = 2
    #   z = 0 + g - sigma * w0 = (3 - 2*1, -3 - 2*(-2)) = (1, 1)
    #   w = -z / (sqrt(n) / lr) = -(1, 1) / (5 / 0.5) = (-0.1, -0.1)
    assert w1 == pytest.approx([-0.1, -0.1], abs=1e-12)
    # Step 2: g = (12, -12); n = 25 + 144 = 169; sigma = (13 - 5) / 0.5 = 16
    #   z = (1, 1) + (12, -12) - 16 * (-0.1, -0.1) = (1 + 12 + 1.6, 1 - 12 + 1.6) = (14.6, -9.4)
    #   w = -z / (13 / 0.5) = (-14.6 / 26, 9.4 / 26) = (-0.5615384615..., 0.3615384615...)
    assert w2 == pytest.approx([-14.6 / 26, 9.4 / 26], abs=1e-12)
    assert w2 == pytest.approx([-0.5615384615, 0.3615384615], abs=1e-9)
    assert state["accumulator"].tolist() == [169.0, 169.0]
    assert state["linear"].tolist() == pytest.approx([14.6, -9.4], abs=1e-12)


def test_two_steps_with_l1_l2_and_beta_zeroing_weights():
    # Same gradients, with l1 = 12, l2 = 0.25, beta = 1.
    (w1, w2), _ = run_steps(
        [1.0, -2.0],
        [[3.0, -3.0], [12.0, -12.0]],
        lr=0.5,
        initial_accumulator_value=16.0,
        l1_regularization_strength=12.0,
        l2_regularization_strength=0.25,
        beta=1.0,
    )
    # Step 1: z = (1, 1) as above; |z| = 1 <= l1 = 12, so both weights are set to exactly 0.
    assert w1 == [0.0, 0.0]
    # Step 2: sigma = 16, w = 0, so z = (1, 1) + (12, -12) - 0 = (13, -11).
    #   denominator = (sqrt(169) + beta) / lr + 2 * l2 = (13 + 1) / 0.5 + 0.5 = 28.5
    #   w_a: |13| > 12  -> (sign(13) * 12 - 13) / 28.5 = -1 / 28.5 = -0.0350877...
    #   w_b: |-11| <= 12 -> 0
    assert w2[0] == pytest.approx(-1 / 28.5, abs=1e-12)
    assert w2[0] == pytest.approx(-0.0350877193, abs=1e-9)
    assert w2[1] == 0.0


def test_shrinkage_replaces_the_gradient():
    # l2_shrinkage = 0.5, w0 = (1, -2): g' = g + 2 * 0.5 * w0 = (2, -1) + (1, -2) = (3, -3), as in the first test.
    (w1,), state = run_steps(
        [1.0, -2.0], [[2.0, -1.0]], lr=0.5, initial_accumulator_value=16.0, l2_shrinkage_regularization_strength=0.5
    )
    assert state["accumulator"].tolist() == [25.0, 25.0]  # 16 + 3^2
    assert w1 == pytest.approx([-0.1, -0.1], abs=1e-12)


def test_first_step_erases_the_initial_weights_with_keras_defaults():
    # lr = 0.001, n0 = 0.1 (Keras's defaults), small gradients g: z0 = 0, so after one step
    #   w1 = -(g - sigma w0) / (sqrt(n1) / lr) = w0 (1 - sqrt(n0 / n1)) - lr g / sqrt(n1),
    # and sqrt(n0 / n1) is 1 up to about g^2 / (2 n0): the initial weight survives only as a ~1e-5 fraction.
    g = [1e-3, -2e-3]
    for w0 in ([0.5, -0.5], [-3.0, 7.0]):
        (w1,), _ = run_steps(w0, [g], lr=0.001)
        n1 = [0.1 + gi**2 for gi in g]
        hand = [w * (1 - (0.1 / n) ** 0.5) - 0.001 * gi / n**0.5 for w, gi, n in zip(w0, g, n1)]
        assert w1 == pytest.approx(hand, rel=1e-6)
        assert all(abs(a) < abs(b) / 1000 for a, b in zip(w1, w0))  # e.g. 7 -> 1.5e-4


def test_registered_and_options_pass_through():
    assert OPTIMIZERS["ftrl"] is Ftrl
    w = torch.nn.Parameter(torch.zeros(2))
    opt = build_optimizer("ftrl", [w], 0.1, {"l1_regularization_strength": 0.5, "beta": 1.0})
    assert isinstance(opt, Ftrl)
    group = opt.param_groups[0]
    assert group["lr"] == 0.1 and group["l1_regularization_strength"] == 0.5 and group["beta"] == 1.0
    assert group["learning_rate_power"] == -0.5 and group["initial_accumulator_value"] == 0.1
    adagrad = build_optimizer("adagrad", [w], 0.01, {"initial_accumulator_value": 0.1, "eps": 1e-7})
    assert adagrad.param_groups[0]["eps"] == 1e-7
    with pytest.raises(ValueError, match="bad options"):
        build_optimizer("sgd", [w], 0.01, {"rho": 0.9})
    with pytest.raises(ValueError, match="learning_rate_power must be <= 0"):
        Ftrl([w], learning_rate_power=0.5)


def reference_step(w, grad, n, z, lr, power, l1, l2, shrink, beta):
    """The update written tensor-wide, op by op as in the module docstring (the former implementation)."""
    g = grad if shrink == 0 else grad + 2 * shrink * w
    n_new = n + g * g
    n_pow_new = n_new.sqrt() if power == 0.5 else n_new.pow(power)
    n_pow = n.sqrt() if power == 0.5 else n.pow(power)
    sigma = (n_pow_new - n_pow) / lr
    z.add_(g - sigma * w)
    denom = (n_pow_new + beta) / lr + 2 * l2
    w.copy_(torch.where(z.abs() > l1, (torch.sign(z) * l1 - z) / denom, torch.zeros_like(w)))
    n.copy_(n_new)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"l1_regularization_strength": 0.002, "l2_regularization_strength": 0.1, "beta": 1.0},
        {"l2_shrinkage_regularization_strength": 0.2},
        {"learning_rate_power": -0.3},
    ],
)
def test_sliced_update_matches_the_tensor_wide_formula(options):
    # Float32 tensors larger than one slice (nnlab.ftrl.CHUNK), a channels-last conv weight and a
    # bias, over several steps of random gradients: bit for bit for the default power -0.5 (sqrt
    # is correctly rounded); another power's pow() may round its last elements differently.
    import nnlab.ftrl

    torch.manual_seed(0)
    shapes = [(nnlab.ftrl.CHUNK + 1000, 3), (64, 8, 3, 3), (64,)]
    params = [torch.nn.Parameter(torch.randn(s) * 0.05) for s in shapes]
    params[1].data = params[1].data.to(memory_format=torch.channels_last)
    opt = Ftrl(params, lr=0.01, **options)
    group = opt.param_groups[0]
    hyper = (group["lr"], -group["learning_rate_power"], group["l1_regularization_strength"],
             group["l2_regularization_strength"], group["l2_shrinkage_regularization_strength"], group["beta"])  # fmt: skip
    ref = [(p.detach().clone(), torch.full_like(p, 0.1), torch.zeros_like(p)) for p in params]
    for _ in range(5):
        grads = [torch.randn_like(p) * 0.01 for p in params]
        for p, g in zip(params, grads):
            p.grad = g
        opt.step()
        for (w, n, z), g in zip(ref, grads):
            reference_step(w, g, n, z, *hyper)
    for p, (w, n, z) in zip(params, ref):
        state = opt.state[p]
        if "learning_rate_power" in options:
            assert (p - w).abs().max() < 1e-6 and (state["linear"] - z).abs().max() < 1e-6
        else:
            assert torch.equal(p.detach(), w) and torch.equal(state["accumulator"], n)
            assert torch.equal(state["linear"], z)
    assert (params[0] == 0).sum() < params[0].numel()  # the weights moved (not all zeroed by l1)
