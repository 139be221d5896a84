"""Task 33's VAE and task 32's bounds: KL and likelihoods against hand computations, the loss, IWAE."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch.distributions import Normal, kl_divergence

from nnlab.data.synthetic import make_synthetic
from nnlab.results import read_rows, write_rows
from nnlab.vae.model import (
    ConvVAE,
    VAESettings,
    bits_per_dim,
    discretized_logistic_log_prob,
    elbo_terms,
    final_row,
    gaussian_kl,
    iwae_from_log_weights,
    iwae_table,
    load_vae,
    log_likelihood,
    negative_elbo,
    reconstruct,
    sample_prior,
    save_vae,
    train_vae,
)


def test_gaussian_kl_by_hand_and_against_torch_distributions():
    mu = torch.tensor([[0.5, -1.0]])
    logvar = torch.tensor([[math.log(2.0), math.log(0.25)]])
    # by hand: 1/2 [(0.25 + 2 - 1 - ln 2) + (1 + 0.25 - 1 - ln 0.25)]
    hand = 0.5 * ((0.25 + 2 - 1 - math.log(2)) + (1 + 0.25 - 1 - math.log(0.25)))
    assert gaussian_kl(mu, logvar).item() == pytest.approx(hand, rel=1e-6)
    g = torch.Generator().manual_seed(0)
    mu, logvar = torch.randn(5, 7, generator=g), torch.randn(5, 7, generator=g)
    ref = kl_divergence(Normal(mu, torch.exp(0.5 * logvar)), Normal(0.0, 1.0)).sum(1)
    torch.testing.assert_close(gaussian_kl(mu, logvar), ref, rtol=1e-5, atol=1e-6)
    assert gaussian_kl(torch.zeros(1, 3), torch.zeros(1, 3)).item() == 0.0  # q = prior


def test_discretized_logistic_is_a_distribution_over_256_values():
    k = torch.arange(256)
    for m, s in [(0.3, -2.0), (-1.2, 1.0), (0.0, -6.5), (0.98, -4.0)]:
        logp = discretized_logistic_log_prob(k, torch.tensor(m), torch.tensor(s))
        assert torch.isfinite(logp).all()
        assert logp.double().exp().sum().item() == pytest.approx(1.0, abs=1e-4)
    # an interior bin by hand: F(b) - F(a) with the logistic CDF
    m, s, kk = 0.1, 0.05, 140
    x = 2 * kk / 255 - 1
    sig = lambda t: 1 / (1 + math.exp(-t))  # noqa: E731
    hand = math.log(sig((x + 1 / 255 - m) / s) - sig((x - 1 / 255 - m) / s))
    got = discretized_logistic_log_prob(torch.tensor(kk), torch.tensor(m), torch.tensor(math.log(s))).item()
    assert got == pytest.approx(hand, rel=1e-5)


def test_bernoulli_log_likelihood_by_hand():
    k = torch.tensor([[[[0, 255], [51, 204]]]], dtype=torch.uint8)  # x = 0, 1, 0.2, 0.8
    logits = torch.tensor([[[[0.0, 2.0], [-1.0, 1.0]]]])
    s = torch.sigmoid(logits).flatten().tolist()
    x = [0.0, 1.0, 0.2, 0.8]
    hand = sum(xi * math.log(si) + (1 - xi) * math.log(1 - si) for xi, si in zip(x, s))
    assert log_likelihood(logits, k, "bernoulli").item() == pytest.approx(hand, rel=1e-6)


def test_vae_loss_on_a_tiny_batch_matches_a_hand_computation():
    torch.manual_seed(0)
    model = ConvVAE((4, 4, 1), latent_dim=2, channels=[3], likelihood="bernoulli")
    k = torch.randint(0, 256, (3, 1, 4, 4), dtype=torch.uint8)
    torch.manual_seed(7)
    loss = negative_elbo(model, k)
    # by hand: same noise, encoder, reparameterisation, decoder, Bernoulli sum and KL formula
    torch.manual_seed(7)
    h = model.encoder(k.float() / 255)
    mu, logvar = h[:, :2], h[:, 2:]
    z = mu + torch.exp(logvar / 2) * torch.randn(3, 2)
    logits = model.decoder(torch.relu(model.fc(z)).view(3, 3, 2, 2))
    x = k.float() / 255
    p = torch.sigmoid(logits)
    rec = (x * torch.log(p) + (1 - x) * torch.log(1 - p)).sum((1, 2, 3))
    kl = 0.5 * (mu**2 + torch.exp(logvar) - 1 - logvar).sum(1)
    assert loss.item() == pytest.approx((kl - rec).mean().item(), rel=1e-5)
    torch.manual_seed(7)
    r, q = elbo_terms(model, k)
    torch.testing.assert_close(r, rec, rtol=1e-5, atol=1e-4)
    torch.testing.assert_close(q, kl)


def test_decoder_shapes_and_likelihood_choice():
    for shape, lik, out_c in [((28, 28, 1), "bernoulli", 1), ((32, 32, 3), "discretized_logistic", 6)]:
        model = ConvVAE(shape, 8, [4, 8], lik)
        out = model.decode(torch.zeros(2, 8))
        assert out.shape == (2, out_c, shape[0], shape[1])
    with pytest.raises(ValueError, match="divisible"):
        ConvVAE((30, 30, 1), 4, [4, 8], "bernoulli")
    with pytest.raises(ValueError, match="likelihood"):
        ConvVAE((28, 28, 1), 4, [4], "gaussian")


def test_iwae_estimates_increase_with_k_on_nested_groups():
    g = torch.Generator().manual_seed(3)
    logw = torch.randn(4, 1000, generator=g, dtype=torch.float64) * 3 - 50
    est = iwae_from_log_weights(logw, [1, 10, 100, 1000])
    for a, b in [(1, 10), (10, 100), (100, 1000)]:
        assert (est[b] >= est[a] - 1e-12).all()
    assert torch.allclose(est[1], logw.mean(1))
    assert torch.allclose(est[1000], torch.logsumexp(logw, 1) - math.log(1000))
    with pytest.raises(ValueError):
        iwae_from_log_weights(logw, [3])


DATA = make_synthetic("mnist", 400, 100, seed=0)
RUN = dict(latent_dim=4, channels=[4, 8], epochs=2, batch_size=64, device="cpu", threads=1)


def train(**settings):
    return train_vae(DATA, VAESettings(**(RUN | settings)), log=lambda s: None)


def test_training_is_deterministic_and_raises_the_elbo(tmp_path):
    a, b = train(seed=3), train(seed=3)
    assert a.history == b.history and a.status == "ok"
    assert a.history[-1]["train_elbo"] > a.history[0]["train_elbo"]
    assert all(r["test_elbo"] == pytest.approx(r["test_rec"] - r["test_kl"]) for r in a.history)
    row = final_row(a, {"dataset": "mnist"}, 784)
    assert row["test_bits_per_dim"] == pytest.approx(-a.history[-1]["test_elbo"] / (784 * math.log(2)))
    write_rows(tmp_path / "f.csv", [row])
    assert read_rows(tmp_path / "f.csv")[0]["epochs_run"] == 2


def test_checkpoint_round_trip_and_iwae_table(tmp_path):
    r = train(seed=1, likelihood="discretized_logistic")
    save_vae(r.model, tmp_path / "m.pt")
    model = load_vae(tmp_path / "m.pt")
    assert model.likelihood == "discretized_logistic"
    z = torch.randn(3, 4)
    torch.testing.assert_close(model.decode(z), r.model.eval().decode(z))
    assert sample_prior(model, 5).shape == (5, 28, 28, 1)
    rec = reconstruct(model, DATA.x_test[:3])
    assert rec.shape == (3, 28, 28, 1) and 0 <= rec.min() and rec.max() <= 1
    x = torch.from_numpy(np.ascontiguousarray(DATA.x_test[:6].transpose(0, 3, 1, 2)))
    rows = iwae_table(model, x, [1, 5, 25], seed=0)
    assert [row["K"] for row in rows] == ["", 1, 5, 25]
    vals = [row["nats_per_image"] for row in rows[1:]]
    assert vals == sorted(vals) and vals[-1] > rows[0]["nats_per_image"]
    assert rows[1]["bits_per_dim"] == pytest.approx(bits_per_dim(-vals[0], 784))
    with pytest.raises(ValueError, match="divide"):
        iwae_table(model, x, [1, 4, 10])


def test_bce_helper_agrees_with_torch():
    logits = torch.randn(2, 1, 3, 3)
    k = torch.randint(0, 256, (2, 1, 3, 3), dtype=torch.uint8)
    ref = -F.binary_cross_entropy_with_logits(logits, k.float() / 255, reduction="none").sum((1, 2, 3))
    torch.testing.assert_close(log_likelihood(logits, k, "bernoulli"), ref)


def test_image_grid_png(tmp_path):
    from PIL import Image

    from nnlab.vae.images import reconstruction_pairs, save_grid

    imgs = np.zeros((3, 2, 2, 3))
    imgs[1] = 1.0
    save_grid(imgs, tmp_path / "g.png", ncol=2)
    g = np.asarray(Image.open(tmp_path / "g.png"))
    # 2 rows x 2 cols of 2x2 images, 1-pixel white gaps, upscaled 3x: (2*3+1)*3 = 21 pixels a side
    assert g.shape == (21, 21, 3) and g.dtype == np.uint8
    assert (g[3:9, 3:9] == 0).all() and (g[3:9, 12:18] == 255).all()  # image 0 black, image 1 white
    pairs = reconstruction_pairs(np.zeros((4, 1, 1, 1)), np.ones((4, 1, 1, 1)), ncol=2)
    assert pairs[:, 0, 0, 0].tolist() == [0, 0, 1, 1, 0, 0, 1, 1]
