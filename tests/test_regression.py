"""Task 25: the target function, the data, the regression training loop, grid errors, convergence facts."""

import math

import numpy as np
import pytest
import torch

from nnlab.regression.convergence import convergence, summarize_regression
from nnlab.regression.train import (
    RegressionSettings,
    grid_errors,
    make_data,
    make_grid,
    target,
    train_regressor,
    write_regression_run,
)
from nnlab.results import read_rows


def fit(x, y, **settings):
    return train_regressor(x, y, RegressionSettings(device="cpu", threads=1, **settings), log=lambda s: None)


def test_target_against_hand_values():
    # f(0, 0) = 10 - 10 * 1 - exp((1 + 1) / 2) = -e
    assert target(0.0, 0.0) == pytest.approx(-math.e, abs=1e-12)
    # f(1, 2) = 10 - 10 e^-1 - exp((cos 1 + cos 2) / 2)
    #         = 10 - 3.6787944 - exp((0.5403023 - 0.4161468) / 2) = 10 - 3.6787944 - 1.0640452 = 5.2571604
    assert target(1.0, 2.0) == pytest.approx(5.2571604, abs=1e-6)
    # f(pi, pi) = 10 - 10 exp(-0.4 pi^2) - exp(-1) = 10 - 10 * 0.0192963 - 0.3678794 = 9.4391576
    assert target(math.pi, math.pi) == pytest.approx(9.4391576, abs=1e-6)
    # symmetric in x1 <-> x2 and in the sign of each; numpy and torch agree
    x = np.array([[0.3, -4.0], [7.5, 1.25]])
    assert np.allclose(target(x[:, 0], x[:, 1]), target(-x[:, 1], x[:, 0]))
    t = target(torch.tensor(x[:, 0]), torch.tensor(x[:, 1])).numpy()
    assert np.allclose(t, target(x[:, 0], x[:, 1]), atol=1e-12)


def test_data_ranges_noise_and_seed():
    x, y = make_data(5000, -10.0, 10.0, 0.01, seed=3)
    assert x.shape == (5000, 2) and y.shape == (5000,)
    assert x.min() >= -10 and x.max() <= 10 and x.min() < -9.9 and x.max() > 9.9
    eps = y - target(x[:, 0], x[:, 1])
    assert np.abs(eps).max() <= 0.01 and np.abs(eps).max() > 0.009 and abs(eps.mean()) < 1e-3
    x2, y2 = make_data(5000, -10.0, 10.0, 0.01, seed=3)
    assert np.array_equal(x, x2) and np.array_equal(y, y2)
    assert not np.array_equal(make_data(5000, -10.0, 10.0, 0.01, seed=4)[0], x)


def test_grid_and_errors():
    g1, g2 = make_grid(5, -10, 10)
    assert g1.shape == (5, 5) and list(g1[0]) == [-10, -5, 0, 5, 10] and list(g2[:, 0]) == [-10, -5, 0, 5, 10]
    truth = np.array([1.0, 2.0, 3.0, 4.0])
    pred = truth + np.array([0.0, 3.0, 0.0, -4.0])
    x = np.array([[0.0, 0.0], [0.5, 0.5], [9.0, 0.0], [0.0, 9.0]])
    e = grid_errors(pred, truth, x, center_radius=1.0)
    assert e["grid_rmse"] == pytest.approx(math.sqrt((9 + 16) / 4))
    assert e["grid_max_abs"] == 4.0
    assert e["grid_rmse_center"] == pytest.approx(math.sqrt(9 / 2)) and e["grid_rmse_outer"] == pytest.approx(
        math.sqrt(16 / 2)
    )


def test_training_is_deterministic_and_learns(tmp_path):
    x, y = make_data(300, -10, 10, 0.01, seed=0)
    run = dict(hidden=[32, 16], epochs=30, batch_size=100, seed=1, grid_size=21)
    paths = []
    for i in range(2):
        r = fit(x, y, **run)
        p = [tmp_path / f"{n}{i}.csv" for n in ("history", "final", "timing", "grid")]
        write_regression_run(r, {"task": 25, "seed": 1}, y, *p)
        paths.append(p)
    for a, b in zip(paths[0], paths[1]):
        if "timing" not in a.name:
            assert a.read_bytes() == b.read_bytes()
    h = read_rows(paths[0][0])
    assert [row["epoch"] for row in h] == list(range(1, 31))
    assert h[-1]["train_loss"] < 0.5 * h[0]["train_loss"] and h[-1]["grid_rmse"] < h[0]["grid_rmse"]
    final = read_rows(paths[0][1])[0]
    assert final["status"] == "ok" and final["parameters"] == 2 * 32 + 32 + 32 * 16 + 16 + 16 + 1
    assert final["target_variance"] == pytest.approx(np.var(y))
    grid = read_rows(paths[0][3])
    assert len(grid) == 21 * 21
    err = np.array([g["prediction"] - g["truth"] for g in grid])
    assert final["grid_rmse"] == pytest.approx(math.sqrt(np.mean(err**2)), rel=1e-6)
    other = fit(x, y, **(run | {"seed": 2}))
    assert other.history != r.history


def test_absurd_learning_rate_is_marked_diverged():
    x, y = make_data(200, -10, 10, 0.01, seed=0)
    r = fit(x, y, hidden=[8], optimizer="sgd", lr=1e30, epochs=3, grid_size=5)
    assert r.status == "diverged" and r.history == []


def test_convergence_facts_on_known_curves():
    # 100, 10, 1.2, 1.04, 1.0 ...: within 5% of the final 1.0 from epoch 4 on
    curve = [100.0, 10.0, 1.2, 1.04] + [1.0] * 16
    c = convergence(curve, tolerance=0.05, claim_epoch=10)
    assert c["settle_epoch"] == 4 and c["holds"] and c["loss_at_claim"] == 1.0 and c["ratio_claim_to_final"] == 1.0
    assert convergence(curve, tolerance=0.05, claim_epoch=3)["holds"] is False
    assert c["linear_share_by_claim"] == pytest.approx(1.0) and c["log_share_by_claim"] == pytest.approx(1.0)
    # a loss still halving every epoch never settles before the end
    decay = [2.0**-t for t in range(20)]
    d = convergence(decay, tolerance=0.05, claim_epoch=10)
    assert d["settle_epoch"] == 20 and not d["holds"] and d["min_epoch"] == 20
    assert d["ratio_claim_to_final"] == pytest.approx(2.0**10)
    assert d["log_share_by_claim"] == pytest.approx(9 / 19)
    assert d["linear_share_by_claim"] == pytest.approx((1 - 2.0**-9) / (1 - 2.0**-19))
    assert convergence([3.0] * 5)["settle_epoch"] == 1


def test_summary_rows_carry_convergence_facts(tmp_path):
    x, y = make_data(200, -10, 10, 0.01, seed=0)
    r = fit(x, y, hidden=[16], epochs=12, seed=1, grid_size=11)
    p = [tmp_path / f"{n}.csv" for n in ("history", "final", "timing", "grid")]
    write_regression_run(r, {"task": 25, "seed": 1}, y, *p)
    (row,) = summarize_regression([p[1]], [p[0]], tolerance=0.05, claim_epoch=10)
    assert row["seed"] == 1 and row["loss_at_claim"] == r.history[9]["train_loss"]
    assert row["grid_rmse_at_claim"] == r.history[9]["grid_rmse"]
    assert row["holds"] in (0, 1) and row["claim_below_constant"] == int(row["loss_at_claim"] < np.var(y))
