"""Task 31: PCA, the choice of plotted images, the k-NN separation metric and the autoencoder."""

from dataclasses import replace

import numpy as np
import pytest
import torch

from nnlab.data.synthetic import make_synthetic
from nnlab.latent.autoencoder import (
    Autoencoder,
    AutoencoderSettings,
    encode,
    reconstruction_loss,
    train_autoencoder,
    write_autoencoder_run,
)
from nnlab.latent.embedding import (
    first_per_class,
    knn_loo_accuracy,
    pca_fit,
    pca_transform,
    read_latent,
    summarize_latent,
    write_latent,
    write_pca_variance,
)
from nnlab.results import read_rows

RNG = np.random.default_rng(0)


def test_pca_matches_numpy_svd():
    x = RNG.normal(size=(400, 7)) @ RNG.normal(size=(7, 7)) + 3.0
    pca = pca_fit(x, 3)
    centred = x - x.mean(0)
    _, sv, vt = np.linalg.svd(centred, full_matrices=False)
    assert np.allclose(pca["mean"], x.mean(0))
    assert np.allclose(pca["variances"], sv[:3] ** 2 / (len(x) - 1))
    assert pca["total_variance"] == pytest.approx((sv**2).sum() / (len(x) - 1))
    # same axes up to sign, and the same projections up to that sign
    signs = np.sign((pca["components"] * vt[:3]).sum(1))
    assert np.allclose(pca["components"], vt[:3] * signs[:, None])
    z = pca_transform(x, pca)
    assert np.allclose(z, (centred @ vt[:3].T) * signs)
    # blockwise accumulation and the pixel scale give the same answer
    big = RNG.integers(0, 256, size=(9000, 5)).astype(np.uint8)
    a, b = pca_fit(big, 2, scale=1 / 255), pca_fit(big.astype(np.float64) / 255, 2)
    assert np.allclose(a["components"], b["components"]) and np.allclose(a["variances"], b["variances"])
    assert np.allclose(pca_transform(big[:10], a, 1 / 255), pca_transform(big[:10] / 255, b))


def test_first_per_class_is_deterministic_and_complains():
    labels = np.array([2, 0, 1, 0, 2, 1, 0, 3, 1, 2])
    assert list(first_per_class(labels, [0, 1, 2], 2)) == [1, 3, 2, 5, 0, 4]
    with pytest.raises(ValueError, match="class 3 has only 1"):
        first_per_class(labels, [0, 3], 2)


def test_knn_perfectly_separated_clusters_score_one():
    labels = np.repeat([0, 1, 2], 100)
    z = RNG.normal(size=(300, 2)) * 0.1 + np.repeat([[0, 0], [10, 0], [0, 10]], 100, axis=0)
    assert knn_loo_accuracy(z, labels, 5) == 1.0


def test_knn_identical_clusters_score_about_chance():
    labels = np.repeat([0, 1, 2], 400)
    z = RNG.normal(size=(1200, 2))  # every class drawn from the same distribution
    acc = knn_loo_accuracy(z, labels, 5)
    assert abs(acc - 1 / 3) < 0.06  # about 4 binomial standard errors (0.014) of slack


def test_knn_leaves_the_point_out_and_breaks_ties_by_nearest():
    # two tight pairs: with the point itself left out its 1-NN is its partner
    z = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]])
    assert knn_loo_accuracy(z, np.array([0, 0, 1, 1]), 1) == 1.0
    assert knn_loo_accuracy(z, np.array([0, 1, 0, 1]), 1) == 0.0
    # k=2 on a line, labels 0, 0, 1, 1 at 0, 1, 2, 100:
    #   x=0: neighbours 1 (label 0), 2 (label 1): tie, nearer is label 0 -> right
    #   x=1: neighbours 0 and 2 at equal distance: index order, label 0 first -> right
    #   x=2: neighbours 1, 0 (both label 0) -> wrong
    #   x=100: neighbours 2 (label 1), 1 (label 0): tie, nearer is label 1 -> right
    #          (breaking ties by the smaller label would get it wrong: 0.5)
    z = np.array([[0.0], [1.0], [2.0], [100.0]])
    assert knn_loo_accuracy(z, np.array([0, 0, 1, 1]), 2) == pytest.approx(0.75)


def test_latent_csv_roundtrip_and_summary(tmp_path):
    labels = np.repeat([0, 1, 2, 3], 20)
    z = RNG.normal(size=(80, 2)) * 0.1 + labels[:, None] * 5.0
    write_latent(tmp_path / "a.csv", z, labels)
    z2, l2 = read_latent(tmp_path / "a.csv")
    assert np.array_equal(l2, labels) and np.allclose(z2, z)
    write_latent(tmp_path / "b.csv", RNG.normal(size=(80, 2)), labels)
    rows = summarize_latent([{"method": "pca", "seed": "", "latent": tmp_path / "a.csv"},
                             {"method": "noise", "seed": 1, "latent": tmp_path / "b.csv"}], [0, 1, 2], 10, k=3)  # fmt: skip
    assert rows[0]["knn_selected"] == 1.0 and rows[0]["n_selected"] == 30 and rows[0]["n_all"] == 60
    assert rows[1]["knn_selected"] < 0.8 and rows[0]["chance"] == pytest.approx(1 / 3)
    write_pca_variance(tmp_path / "v.csv", {"variances": np.array([3.0, 1.0]), "total_variance": 8.0})
    assert [r["explained_ratio"] for r in read_rows(tmp_path / "v.csv")] == [0.375, 0.125]


def test_autoencoder_shapes_and_losses():
    model = Autoencoder(784, [64, 16], latent=2)
    x = torch.rand(5, 784)
    assert model.encoder(x).shape == (5, 2) and model(x).shape == (5, 784)
    logits = torch.randn(3, 4)
    target = torch.rand(3, 4)
    p = torch.sigmoid(logits)
    bce = -(target * p.log() + (1 - target) * (1 - p).log()).mean()
    assert reconstruction_loss(logits, target, "bce").item() == pytest.approx(bce.item(), rel=1e-5)
    assert reconstruction_loss(logits, target, "mse").item() == pytest.approx(
        ((p - target) ** 2).mean().item(), rel=1e-5
    )


def test_autoencoder_learns_deterministically(tmp_path):
    data = make_synthetic("mnist", 600, 200, seed=0)
    run = AutoencoderSettings(hidden=[64, 16], latent=2, epochs=4, batch_size=64, seed=1, device="cpu", threads=1)
    a = train_autoencoder(data, run, log=lambda s: None)
    b = train_autoencoder(data, run, log=lambda s: None)
    assert a.history == b.history and a.status == "ok"
    assert a.history[-1]["train_loss"] < a.history[0]["train_loss"]
    z = encode(a.model, data.x_test)
    assert z.shape == (200, 2) and np.array_equal(z, encode(b.model, data.x_test))
    write_autoencoder_run(a, {"task": 31, "seed": 1}, tmp_path / "h.csv", tmp_path / "f.csv", tmp_path / "t.csv")
    final = read_rows(tmp_path / "f.csv")[0]
    assert final["epochs_run"] == 4 and final["final_test_loss"] == a.history[-1]["test_loss"]


def test_autoencoder_resumes_from_its_checkpoint_identically(tmp_path):
    data = make_synthetic("mnist", 300, 100, seed=0)
    run = AutoencoderSettings(hidden=[32, 8], latent=2, epochs=3, batch_size=64, seed=2, device="cpu", threads=1)
    whole = train_autoencoder(data, run, log=lambda s: None)

    class Killed(Exception):
        pass

    def die_in_epoch_2(msg):
        if msg.startswith("epoch 2/"):
            raise Killed  # after epoch 1's checkpoint was written, before epoch 2's

    ck = tmp_path / "checkpoint.pt"
    with pytest.raises(Killed):
        train_autoencoder(data, run, log=die_in_epoch_2, checkpoint=str(ck))
    assert ck.exists()
    said = []
    resumed = train_autoencoder(data, run, log=said.append, checkpoint=str(ck))
    assert said[0].startswith("resuming from") and "after epoch 1/3" in said[0]
    assert resumed.history == whole.history
    assert np.array_equal(encode(resumed.model, data.x_test), encode(whole.model, data.x_test))
    # a checkpoint from other settings is ignored: the run starts from epoch 1
    other = []
    train_autoencoder(data, replace(run, lr=0.01), log=other.append, checkpoint=str(ck))
    assert not other[0].startswith("resuming")
