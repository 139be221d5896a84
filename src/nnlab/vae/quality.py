"""How good are a generator's images? A trained classifier's view of them, as the field measures (task 33).

Likelihoods (bits per dimension) do not compare across datasets with different likelihoods, and say
little about how images look. Generators are judged instead through a trained network:

- The Fréchet distance (FID, Heusel et al. 2017) between Gaussians fitted to the network's features
  (here the penultimate layer of task 30's CNN of the same dataset, not ImageNet's Inception net):
      FD = |mu_a - mu_b|^2 + tr(S_a + S_b - 2 (S_a S_b)^(1/2)).
  Its scale depends on the network, so it is normalised by two references measured the same way:
      normalised = (FD(generated) - FD(floor)) / (FD(baseline) - FD(floor)),
  with the floor real training images against the test set (what a perfect generator scores at this
  sample size) and the baseline a per-pixel Gaussian fitted to the training set (each pixel drawn
  independently: right mean and contrast per pixel, no shapes). 0 is as good as real images, 1 as
  poor as the baseline; the same scale on both datasets.
- The kernel distance (KID, Bińkowski et al. 2018): the unbiased squared MMD between the features
  under the kernel k(x, y) = (x.y / d + 1)^3, averaged over subsets. Unlike FD it has no bias at small
  sample sizes, so it stands beside FD where fewer images are used.
- The classifier score (Salimans et al. 2016; Shmelkov et al. 2018): the mean max-softmax confidence
  and the Inception-score analogue exp(E_x KL(p(y|x) || p(y))), from 1 (every image the same class
  distribution) to the number of classes (each image one confident class, all classes equally often).

The standard errors come from a bootstrap over images (every set, the test set too, resampled at once).
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from nnlab.engine import as_input
from nnlab.vae.model import reconstruct, sample_prior

KID_SUBSET = 1000  # images per KID subset (Bińkowski et al.)
KID_SUBSETS = 10
BATCH = 500
SETS = ("test", "train", "samples", "reconstructions", "baseline")  # train: the floor; baseline: the ceiling
FIELDS = ["dataset", "judge_seed", "set", "images", "fd", "fd_se", "normalised", "normalised_se", "kid", "kid_se",
          "kid_normalised", "confidence", "score", "accuracy"]  # fmt: skip


def gaussian_stats(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and covariance (float64) of feature rows."""
    f = np.asarray(features, dtype=np.float64)
    return f.mean(0), np.cov(f, rowvar=False)


def _sqrt_psd(s: np.ndarray) -> np.ndarray:
    """The symmetric square root of a positive semi-definite matrix (negative round-off clipped)."""
    w, v = np.linalg.eigh(s)
    return (v * np.sqrt(np.clip(w, 0, None))) @ v.T


def frechet_distance(mu_a, cov_a, mu_b, cov_b, sqrt_b: np.ndarray | None = None) -> float:
    """FD of N(mu_a, cov_a) and N(mu_b, cov_b). tr (S_a S_b)^(1/2) is the trace of the square root of
    the symmetric S_b^(1/2) S_a S_b^(1/2), which has the same eigenvalues, so one symmetric eigensolve
    suffices (no complex round-off as with a general matrix square root). `sqrt_b`: S_b^(1/2), if known."""
    rb = _sqrt_psd(cov_b) if sqrt_b is None else sqrt_b
    m = rb @ cov_a @ rb
    cross = np.sqrt(np.clip(np.linalg.eigvalsh((m + m.T) / 2), 0, None)).sum()
    d = mu_a - mu_b
    return max(0.0, float(d @ d + np.trace(cov_a) + np.trace(cov_b) - 2 * cross))  # >= 0 but for round-off


def frechet(features_a: np.ndarray, features_b: np.ndarray) -> float:
    """FD of Gaussians fitted to two sets of feature rows."""
    return frechet_distance(*gaussian_stats(features_a), *gaussian_stats(features_b))


def kernel_distance(
    a: np.ndarray, b: np.ndarray, subset: int = KID_SUBSET, subsets: int = KID_SUBSETS, seed: int = 0
) -> tuple[float, float]:
    """KID: the unbiased MMD^2 under (x.y/d + 1)^3, mean over `subsets` random subsets of `subset` rows
    of each set (at most the smaller set's size), and its standard error over the subsets."""
    rng = np.random.default_rng(seed)
    m = min(subset, len(a), len(b))
    d = a.shape[1]
    values = []
    for _ in range(subsets):
        x = np.asarray(a[rng.choice(len(a), m, replace=False)], dtype=np.float64)
        y = np.asarray(b[rng.choice(len(b), m, replace=False)], dtype=np.float64)
        kxx, kyy, kxy = ((x @ x.T / d + 1) ** 3, (y @ y.T / d + 1) ** 3, (x @ y.T / d + 1) ** 3)
        off = m * (m - 1)  # the unbiased estimate leaves out each point's kernel with itself
        values.append((kxx.sum() - np.trace(kxx)) / off + (kyy.sum() - np.trace(kyy)) / off - 2 * kxy.mean())
    values = np.array(values)
    se = values.std(ddof=1) / math.sqrt(len(values)) if len(values) > 1 else math.nan
    return float(values.mean()), float(se)


def classifier_scores(probs: np.ndarray) -> dict:
    """Mean max-softmax confidence and exp(E_x KL(p(y|x) || p(y))), p(y) the set's mean prediction."""
    p = np.asarray(probs, dtype=np.float64)
    py = p.mean(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        kl = np.where(p > 0, p * (np.log(p) - np.log(py)), 0.0).sum(1)
    return {"confidence": float(p.max(1).mean()), "score": float(math.exp(kl.mean()))}


def normalised(value: float, floor: float, baseline: float) -> float:
    """Where `value` sits between the floor (0) and the baseline (1)."""
    return (value - floor) / (baseline - floor)


def to_uint8(images01: np.ndarray) -> np.ndarray:
    """Images in [0, 1] as 8-bit intensities, as they would be stored and shown."""
    return np.clip(np.rint(np.asarray(images01) * 255.0), 0, 255).astype(np.uint8)


def pixel_gaussian(x_train: np.ndarray, n: int, seed: int, chunk: int = 5000) -> np.ndarray:
    """The baseline generator: n uint8 images, each subpixel drawn independently from a Gaussian with
    that subpixel's mean and standard deviation over the training set. Summed in chunks: a float copy
    of CIFAR-10's training set would take 1.2 GB."""
    total, squares = np.zeros(x_train.shape[1:]), np.zeros(x_train.shape[1:])
    for i in range(0, len(x_train), chunk):
        x = x_train[i : i + chunk].astype(np.float64)
        total += x.sum(0)
        squares += (x * x).sum(0)
    mean = total / len(x_train)
    sd = np.sqrt(np.clip(squares / len(x_train) - mean * mean, 0, None))
    rng = np.random.default_rng(seed)
    out = np.empty((n, *mean.shape), dtype=np.uint8)
    for i in range(0, n, chunk):
        draws = rng.standard_normal((min(chunk, n - i), *mean.shape))
        out[i : i + chunk] = np.clip(np.rint(mean + sd * draws), 0, 255)
    return out


def classifier_view(model: nn.Sequential, images: np.ndarray, batch: int = BATCH) -> tuple[np.ndarray, np.ndarray]:
    """(features, softmax probabilities) of uint8 NHWC images: the features are the input of the last
    layer (the penultimate layer's activations; dropout is off in evaluation)."""
    body, head = model[:-1], model[-1]
    model.eval()
    feats, probs = [], []
    with torch.inference_mode():
        for i in range(0, len(images), batch):
            x = torch.from_numpy(np.ascontiguousarray(images[i : i + batch].transpose(0, 3, 1, 2)))
            f = body(as_input(x, channels_last=False))  # the engine's scaling of uint8 images
            feats.append(f.double().numpy())
            probs.append(torch.softmax(head(f).double(), 1).numpy())
    return np.concatenate(feats), np.concatenate(probs)


def bootstrap_normalised(features: dict, sets: tuple, reps: int, seed: int) -> dict:
    """Bootstrap over images: every set of `features` (test, train and `sets`) resampled with
    replacement, FD recomputed against the resampled test set. {set: (fd replicates, normalised
    replicates)}, the normalised ones against the same replicate's floor and baseline."""
    rng = np.random.default_rng(seed)
    fds = {k: [] for k in features if k != "test"}
    for _ in range(reps):
        t = features["test"][rng.integers(0, len(features["test"]), len(features["test"]))]
        mu_t, cov_t = gaussian_stats(t)
        root = _sqrt_psd(cov_t)
        for k in fds:
            f = features[k][rng.integers(0, len(features[k]), len(features[k]))]
            fds[k].append(frechet_distance(*gaussian_stats(f), mu_t, cov_t, sqrt_b=root))
    fds = {k: np.array(v) for k, v in fds.items()}
    return {k: (fds[k], normalised(fds[k], fds["train"], fds["baseline"])) for k in sets}


def measure(images: dict, labels: dict, model: nn.Sequential, bootstrap: int, seed: int) -> list[dict]:
    """One row per image set of `images` (uint8 NHWC; keys: SETS): FD and KID against "test", both also
    normalised between the floor ("train") and the baseline, with bootstrap standard errors for FD;
    the classifier's confidence and score; its accuracy where `labels` has the set's true classes."""
    view = {k: classifier_view(model, images[k]) for k in SETS}
    feats = {k: v[0] for k, v in view.items()}
    stats_test = gaussian_stats(feats["test"])
    root = _sqrt_psd(stats_test[1])
    fd = {k: frechet_distance(*gaussian_stats(feats[k]), *stats_test, sqrt_b=root) for k in SETS}
    kid = {k: kernel_distance(feats[k], feats["test"], seed=seed) for k in SETS}
    boot = bootstrap_normalised(feats, SETS[1:], bootstrap, seed) if bootstrap > 1 else {}
    rows = []
    for k in SETS:
        reps = boot.get(k)
        rows.append(
            {
                "set": k,
                "images": len(images[k]),
                "fd": fd[k],
                "fd_se": float(reps[0].std(ddof=1)) if reps is not None else math.nan,
                "normalised": normalised(fd[k], fd["train"], fd["baseline"]) if k != "test" else math.nan,
                "normalised_se": float(reps[1].std(ddof=1)) if reps is not None else math.nan,
                "kid": kid[k][0],
                "kid_se": kid[k][1],
                "kid_normalised": normalised(kid[k][0], kid["train"][0], kid["baseline"][0])
                if k != "test"
                else math.nan,
                **classifier_scores(view[k][1]),
                "accuracy": float((view[k][1].argmax(1) == labels[k]).mean()) if k in labels else math.nan,
            }
        )
    return rows


def vae_image_sets(vae, data, n: int, seed: int, chunk: int = 1000) -> tuple[dict, dict]:
    """The image sets `measure` compares, n each (at most the split's size), and the labels known:
    test (random test images), train (random training images: the floor), samples (decoder means for
    z ~ N(0, I), as the section shows), reconstructions (of those training images, at z = mu(x)),
    baseline (`pixel_gaussian`). Decoded in chunks, so memory does not grow with n."""
    rng = np.random.default_rng(seed)
    test = rng.permutation(len(data.x_test))[: min(n, len(data.x_test))]
    train = rng.permutation(len(data.x_train))[: min(n, len(data.x_train))]
    x_train = data.x_train[train]
    images = {
        "test": data.x_test[test],
        "train": x_train,
        "samples": np.concatenate(
            [to_uint8(sample_prior(vae, min(chunk, n - i), seed + i)) for i in range(0, n, chunk)]
        ),
        "reconstructions": np.concatenate(
            [to_uint8(reconstruct(vae, x_train[i : i + chunk])) for i in range(0, len(x_train), chunk)]
        ),
        "baseline": pixel_gaussian(data.x_train, n, seed),
    }
    labels = {"test": data.y_test[test], "train": data.y_train[train], "reconstructions": data.y_train[train]}
    return images, labels


def measure_vae(
    vae, classifier: nn.Sequential, data, n_images: int, bootstrap: int, seed: int, threads: int = 1
) -> list[dict]:
    """`measure` of a VAE's images (`vae_image_sets`) with `classifier` as the judge, on the CPU."""
    torch.set_num_threads(max(1, threads))
    images, labels = vae_image_sets(vae.cpu().eval(), data, n_images, seed)
    return measure(images, labels, classifier.cpu(), bootstrap, seed)
