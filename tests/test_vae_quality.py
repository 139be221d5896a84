"""Task 33's image-quality measures (nnlab.vae.quality) on cases with known answers."""

import math

import numpy as np
import pytest
import torch

from nnlab.classification.saved import load_classifier, save_classifier
from nnlab.data.synthetic import make_synthetic
from nnlab.models import build_model
from nnlab.vae.model import ConvVAE
from nnlab.vae.quality import (
    SETS,
    classifier_scores,
    frechet,
    frechet_distance,
    kernel_distance,
    measure_vae,
    pixel_gaussian,
)


def test_identical_sets_are_at_distance_zero():
    a = np.random.default_rng(0).standard_normal((2000, 16)) @ np.random.default_rng(1).standard_normal((16, 16))
    assert abs(frechet(a, a)) < 1e-8 * np.trace(np.cov(a, rowvar=False))
    kid, se = kernel_distance(a, a.copy(), subset=500, subsets=5)
    assert abs(kid) < 3 * se + 1e-12


def test_shifted_copy_gives_the_squared_shift():
    """Same covariance: FD is exactly |delta|^2, whatever the covariance."""
    a = np.random.default_rng(0).standard_normal((3000, 8)) * np.arange(1, 9)
    delta = np.linspace(-1, 2, 8)
    assert frechet(a + delta, a) == pytest.approx(delta @ delta, rel=1e-9)


def test_gaussians_closed_form():
    """N(m1, s1^2 I) vs N(m2, s2^2 I) in d dimensions: |m1 - m2|^2 + d (s1 - s2)^2."""
    d, m1, m2, s1, s2 = 12, np.zeros(12), np.full(12, 0.5), 1.0, 3.0
    exact = (m1 - m2) @ (m1 - m2) + d * (s1 - s2) ** 2
    assert frechet_distance(m1, s1**2 * np.eye(d), m2, s2**2 * np.eye(d)) == pytest.approx(exact, rel=1e-12)
    # and from samples of those Gaussians, within sampling error
    rng = np.random.default_rng(3)
    a, b = m1 + s1 * rng.standard_normal((200_000, d)), m2 + s2 * rng.standard_normal((200_000, d))
    assert frechet(a, b) == pytest.approx(exact, rel=0.02)
    # a full (non-diagonal) covariance pair: the trace term against scipy-free brute force
    q = np.linalg.qr(rng.standard_normal((d, d)))[0]
    c1, c2 = q @ np.diag(np.arange(1.0, d + 1)) @ q.T, np.diag(np.linspace(0.5, 4, d))
    w, v = np.linalg.eig(c1 @ c2)  # real positive eigenvalues: the product of two SPD matrices
    assert frechet_distance(m1, c1, m1, c2) == pytest.approx(np.trace(c1 + c2) - 2 * np.sqrt(w.real).sum(), rel=1e-9)


def test_kernel_distance_sees_a_shift():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((1000, 10)), rng.standard_normal((1000, 10)) + 0.5
    kid, se = kernel_distance(a, b, subset=500, subsets=5)
    assert kid > 10 * se > 0


def test_classifier_scores():
    one_class = np.tile([0.1, 0.7, 0.2], (50, 1))  # every image the same prediction: p(y|x) = p(y)
    assert classifier_scores(one_class)["score"] == pytest.approx(1.0)
    assert classifier_scores(one_class)["confidence"] == pytest.approx(0.7)
    confident = np.eye(4)[np.arange(40) % 4]  # one sure class per image, all classes equally often
    assert classifier_scores(confident) == pytest.approx({"confidence": 1.0, "score": 4.0})
    half = np.eye(4)[np.arange(40) % 2]  # two classes only
    assert classifier_scores(half)["score"] == pytest.approx(2.0)


def test_pixel_gaussian_matches_the_pixel_statistics():
    x = np.random.default_rng(0).integers(60, 200, (4000, 6, 6, 1), dtype=np.uint8)
    g = pixel_gaussian(x, 4000, seed=1)
    assert g.dtype == np.uint8 and g.shape == x.shape
    assert np.abs(g.mean(0) - x.mean(0)).max() < 3
    assert np.abs(g.std(0) - x.std(0)).max() < 3


def test_saved_classifier_gives_the_same_outputs(tmp_path):
    spec = {"kind": "cnn", "conv": [[4]], "kernel": 3, "padding": "same", "pool": 2, "dense": [8], "dense_dropout": 0.5}
    torch.manual_seed(0)
    model = build_model(spec, (8, 8, 1), 3).to(memory_format=torch.channels_last).eval()
    save_classifier(model, spec, (8, 8, 1), 3, tmp_path / "m.pt")
    x = torch.rand(5, 1, 8, 8)
    loaded = load_classifier(tmp_path / "m.pt")
    assert not loaded.training
    for (name, a), (_, b) in zip(loaded.state_dict().items(), model.state_dict().items(), strict=True):
        assert torch.equal(a, b), name
    with torch.inference_mode():  # channels-last runs another convolution kernel: equal to round-off
        torch.testing.assert_close(loaded(x), model(x))


def test_measure_vae_places_floor_at_zero_and_baseline_at_one():
    data = make_synthetic("mnist", 300, 200, seed=0)
    torch.manual_seed(0)
    vae = ConvVAE(data.image_shape, 2, [4, 8], "bernoulli")
    cnn = build_model({"kind": "cnn", "conv": [[4]], "pool": 4, "dense": [16]}, data.image_shape, 10)
    rows = measure_vae(vae, cnn, data, n_images=150, bootstrap=5, seed=0)
    by = {r["set"]: r for r in rows}
    assert list(by) == list(SETS) and all(r["images"] == 150 for r in rows)
    assert by["test"]["fd"] == pytest.approx(0, abs=1e-6)
    assert by["train"]["normalised"] == 0 and by["baseline"]["normalised"] == pytest.approx(1)
    assert by["train"]["kid_normalised"] == 0 and by["baseline"]["kid_normalised"] == pytest.approx(1)
    assert by["samples"]["normalised_se"] > 0 and math.isnan(by["samples"]["accuracy"])
    assert 0 <= by["reconstructions"]["accuracy"] <= 1
    assert rows == measure_vae(vae, cnn, data, n_images=150, bootstrap=5, seed=0)  # deterministic for a seed
