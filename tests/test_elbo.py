"""Task 32 on a linear-Gaussian model: ELBO + KL(q || p(z|x)) = log p(x), exactly."""

import numpy as np
import pytest

from nnlab.vae.elbo import (
    elbo,
    elbo_monte_carlo,
    identity_table,
    kl_gauss,
    log_evidence,
    make_model,
    posterior,
)

MODEL, X = make_model(data_dim=6, latent_dim=3, sigma=0.7, seed=4)


def test_evidence_matches_the_joint_over_the_posterior():
    # p(x) = p(z) p(x|z) / p(z|x) at any z: an independent check of log_evidence and posterior
    m, S = posterior(MODEL, X)
    for z in (m, m + 0.3, np.zeros(3)):
        log_prior = -0.5 * (3 * np.log(2 * np.pi) + z @ z)
        r = X - MODEL.W @ z - MODEL.b
        log_lik = -0.5 * (6 * np.log(2 * np.pi * 0.49) + r @ r / 0.49)
        d = z - m
        log_post = -0.5 * (3 * np.log(2 * np.pi) + np.linalg.slogdet(S)[1] + d @ np.linalg.solve(S, d))
        assert log_prior + log_lik - log_post == pytest.approx(log_evidence(MODEL, X), abs=1e-9)


def test_identity_elbo_plus_kl_equals_log_evidence():
    logp = log_evidence(MODEL, X)
    rng = np.random.default_rng(0)
    for _ in range(5):
        qm = rng.standard_normal(3)
        A = rng.standard_normal((3, 3))
        qS = A @ A.T + 0.1 * np.eye(3)
        pm, pS = posterior(MODEL, X)
        e = elbo(MODEL, X, qm, qS)["elbo"]
        assert e + kl_gauss(qm, qS, pm, pS) == pytest.approx(logp, abs=1e-6)
        assert e < logp  # a wrong q: strictly below


def test_exact_posterior_attains_the_evidence():
    pm, pS = posterior(MODEL, X)
    assert elbo(MODEL, X, pm, pS)["elbo"] == pytest.approx(log_evidence(MODEL, X), abs=1e-9)
    assert kl_gauss(pm, pS, pm, pS) == pytest.approx(0.0, abs=1e-12)


def test_monte_carlo_estimator_is_unbiased_for_the_closed_form():
    qm, qS = np.zeros(3), np.eye(3)
    est, se = elbo_monte_carlo(MODEL, X, qm, qS, 20000, seed=1)
    assert abs(est - elbo(MODEL, X, qm, qS)["elbo"]) < 4 * se


def test_identity_table_rows():
    rows = identity_table(5, 2, 0.5, 0, 500)
    assert rows[0]["q"].startswith("exact") and abs(rows[0]["gap"]) < 1e-9
    for r in rows:
        assert r["identity_error"] < 1e-6 and r["gap"] >= -1e-9
        assert r["elbo"] == pytest.approx(r["rec"] - r["kl_prior"])
    assert all(r["gap"] > 1e-3 for r in rows[1:])
