"""Task 32, checked exactly: the ELBO on a linear-Gaussian latent model, where everything is closed form.

Model: z ~ N(0, I_d), x | z ~ N(W z + b, sigma^2 I_D). Then
- the evidence is Gaussian: p(x) = N(x; b, W W^T + sigma^2 I_D);
- the posterior is Gaussian: p(z|x) = N(m*, S*), S* = (I_d + W^T W / sigma^2)^-1, m* = S* W^T (x - b) / sigma^2;
- for any Gaussian q(z) = N(m, S):
    E_q[log p(x|z)] = -D/2 log(2 pi sigma^2) - (||x - W m - b||^2 + tr(W S W^T)) / (2 sigma^2),
    KL(N(m, S) || N(m0, S0)) = 1/2 (tr(S0^-1 S) + (m - m0)^T S0^-1 (m - m0) - d + log det S0 - log det S),
  so ELBO(q) = E_q[log p(x|z)] - KL(q || p(z)) and the identity log p(x) = ELBO(q) + KL(q || p(z|x))
  can be checked to rounding error, and the Monte Carlo estimator the VAE uses can be checked
  against the closed form. numpy, float64; no torch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass
class LinearGaussian:
    W: np.ndarray  # [D, d]
    b: np.ndarray  # [D]
    sigma: float

    @property
    def d(self) -> int:
        return self.W.shape[1]

    @property
    def D(self) -> int:
        return self.W.shape[0]


def make_model(data_dim: int, latent_dim: int, sigma: float, seed: int) -> tuple[LinearGaussian, np.ndarray]:
    """A random model (W, b standard normal) and one observation x drawn from it."""
    rng = np.random.default_rng(seed)
    m = LinearGaussian(rng.standard_normal((data_dim, latent_dim)), rng.standard_normal(data_dim), float(sigma))
    z = rng.standard_normal(latent_dim)
    x = m.W @ z + m.b + m.sigma * rng.standard_normal(data_dim)
    return m, x


def log_normal_full(x: np.ndarray, mean: np.ndarray, cov: np.ndarray) -> float:
    """log N(x; mean, cov) with a full covariance (Cholesky)."""
    L = np.linalg.cholesky(cov)
    r = np.linalg.solve(L, x - mean)
    return float(-0.5 * (len(x) * math.log(2 * math.pi) + r @ r) - np.log(np.diag(L)).sum())


def log_evidence(m: LinearGaussian, x: np.ndarray) -> float:
    """log p(x) exactly: x ~ N(b, W W^T + sigma^2 I)."""
    return log_normal_full(x, m.b, m.W @ m.W.T + m.sigma**2 * np.eye(m.D))


def posterior(m: LinearGaussian, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The exact posterior p(z|x) = N(mean, cov)."""
    cov = np.linalg.inv(np.eye(m.d) + m.W.T @ m.W / m.sigma**2)
    cov = 0.5 * (cov + cov.T)
    return cov @ m.W.T @ (x - m.b) / m.sigma**2, cov


def kl_gauss(m: np.ndarray, S: np.ndarray, m0: np.ndarray, S0: np.ndarray) -> float:
    """KL(N(m, S) || N(m0, S0)) in closed form."""
    S0inv = np.linalg.inv(S0)
    diff = m - m0
    _, logdet0 = np.linalg.slogdet(S0)
    _, logdet = np.linalg.slogdet(S)
    return float(0.5 * (np.trace(S0inv @ S) + diff @ S0inv @ diff - len(m) + logdet0 - logdet))


def expected_log_lik(m: LinearGaussian, x: np.ndarray, qm: np.ndarray, qS: np.ndarray) -> float:
    """E_{N(qm, qS)}[log p(x|z)] in closed form."""
    r = x - m.W @ qm - m.b
    return float(
        -0.5 * m.D * math.log(2 * math.pi * m.sigma**2) - (r @ r + np.trace(m.W @ qS @ m.W.T)) / (2 * m.sigma**2)
    )


def elbo(m: LinearGaussian, x: np.ndarray, qm: np.ndarray, qS: np.ndarray) -> dict:
    """ELBO(q) = E_q[log p(x|z)] - KL(q || p(z)), with both terms."""
    rec = expected_log_lik(m, x, qm, qS)
    kl_prior = kl_gauss(qm, qS, np.zeros(m.d), np.eye(m.d))
    return {"rec": rec, "kl_prior": kl_prior, "elbo": rec - kl_prior}


def elbo_monte_carlo(
    m: LinearGaussian, x: np.ndarray, qm: np.ndarray, qS: np.ndarray, n: int, seed: int
) -> tuple[float, float]:
    """The VAE's estimator: E_q[log p(x|z)] from n reparameterised draws z = qm + L eps, minus the
    closed-form KL(q || p(z)). Returns (estimate, its standard error)."""
    rng = np.random.default_rng(seed)
    z = qm + rng.standard_normal((n, m.d)) @ np.linalg.cholesky(qS).T
    r = x - z @ m.W.T - m.b
    loglik = -0.5 * m.D * math.log(2 * math.pi * m.sigma**2) - (r * r).sum(1) / (2 * m.sigma**2)
    kl_prior = kl_gauss(qm, qS, np.zeros(m.d), np.eye(m.d))
    return float(loglik.mean() - kl_prior), float(loglik.std(ddof=1) / math.sqrt(n))


def candidate_qs(m: LinearGaussian, x: np.ndarray) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """A few approximate posteriors, from exact to poor: (key, mean, covariance); each language's terms.yaml
    (`q`) names them."""
    pm, pS = posterior(m, x)
    d = m.d
    return [
        ("exact", pm, pS),  # the exact posterior p(z|x)
        ("mean_field", pm, np.diag(np.diag(pS))),  # the diagonal of the posterior covariance
        ("covariance_x4", pm, 4 * pS),
        ("mean_shifted", pm + 1.0, pS),  # by 1 per coordinate
        ("prior", np.zeros(d), np.eye(d)),  # N(0, I)
    ]


def identity_table(data_dim: int, latent_dim: int, sigma: float, seed: int, mc_samples: int) -> list[dict]:
    """For each candidate q: ELBO, log p(x), the gap log p(x) - ELBO, KL(q || p(z|x)), and the MC ELBO."""
    m, x = make_model(data_dim, latent_dim, sigma, seed)
    logp = log_evidence(m, x)
    pm, pS = posterior(m, x)
    rows = []
    for i, (name, qm, qS) in enumerate(candidate_qs(m, x)):
        e = elbo(m, x, qm, qS)
        kl_post = kl_gauss(qm, qS, pm, pS)
        mc, mc_se = elbo_monte_carlo(m, x, qm, qS, mc_samples, seed + 1 + i)
        gap = logp - e["elbo"]
        rows.append(
            {
                "q": name,
                "rec": e["rec"],
                "kl_prior": e["kl_prior"],
                "elbo": e["elbo"],
                "log_px": logp,
                "gap": gap,
                "kl_posterior": kl_post,
                "identity_error": abs(gap - kl_post),
                "elbo_mc": mc,
                "elbo_mc_se": mc_se,
            }
        )
    return rows
