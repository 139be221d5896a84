"""A convolutional VAE (task 33) and the bounds of task 32: the ELBO and the importance-weighted bound.

The loss is the negative evidence lower bound of task 32, per image,

    -ELBO(x) = KL(q(z|x) || p(z)) - E_{q(z|x)}[log p(x|z)],

with
- q(z|x) = N(mu(x), diag sigma^2(x)) (the encoder), p(z) = N(0, I);
- the KL term in closed form (`gaussian_kl`): 1/2 sum_j (mu_j^2 + sigma_j^2 - 1 - log sigma_j^2);
- the reconstruction term E_q[log p(x|z)] estimated with ONE reparameterised sample
  z = mu + sigma * eps, eps ~ N(0, I) (an unbiased estimate whose gradient flows through mu, sigma);
- log p(x|z) summed over every pixel and channel (`log_likelihood`), one of:
  * "bernoulli": x = k/255 in [0, 1], log p = sum x log s + (1 - x) log(1 - s), s = sigmoid(decoder).
    Standard for MNIST, but for 8-bit intensities other than 0 and 1 it is not a normalised
    probability of the data: its "nats" and "bits/dim" are not comparable with a proper likelihood.
  * "discretized_logistic": a proper distribution over the 256 values of each 8-bit subpixel (as in
    PixelCNN++): x = 2k/255 - 1 in [-1, 1], the decoder gives a mean m and log-scale log s per
    subpixel, and P(k) = F((x + 1/255 - m)/s) - F((x - 1/255 - m)/s) with F the logistic CDF, the
    edge bins taking the tails (P(0) = F((x0 + 1/255 - m)/s), P(255) = 1 - F((x255 - 1/255 - m)/s)),
    so the 256 probabilities sum to exactly 1. Then -ELBO is an upper bound on -log2 P(x) in nats
    and ELBO / (D ln 2) a true bits-per-dimension bound.

Imports no plotting or report code.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from nnlab.engine import to_tensors
from nnlab.io import atomic_writer
from nnlab.loop import EpochLoop
from nnlab.models import count_parameters, initialise
from nnlab.optim import build_optimizer
from nnlab.precision import forward, resolve_precision
from nnlab.results import run_facts
from nnlab.run import IF_SET, RunSettings, resolve_device, setup_run

LIKELIHOODS = ("bernoulli", "discretized_logistic")
LOG_SCALE_MIN = -7.0  # floor of the logistic's log-scale, as in PixelCNN++ (keeps bins finite)
EVAL_BATCH = 1000


def gaussian_kl(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, diag exp(logvar)) || N(0, I)) per row, summed over the last dimension (nats)."""
    return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(-1)


def log_normal(z: torch.Tensor, mu: torch.Tensor | float = 0.0, logvar: torch.Tensor | float = 0.0) -> torch.Tensor:
    """log N(z; mu, diag exp(logvar)), summed over the last dimension."""
    logvar = torch.as_tensor(logvar, dtype=z.dtype, device=z.device)
    return -0.5 * (math.log(2 * math.pi) + logvar + (z - mu).pow(2) * torch.exp(-logvar)).sum(-1)


def discretized_logistic_log_prob(k: torch.Tensor, mean: torch.Tensor, log_scale: torch.Tensor) -> torch.Tensor:
    """log P(k) per subpixel for 8-bit values k in {0..255} (any shape; mean, log_scale broadcast).

    Interior bins use log(sigmoid(b) - sigmoid(a)) = b - softplus(a) - softplus(b) + log(1 - e^(a-b)),
    exact and stable for any scale (a < b always).
    """
    x = k.float() * (2.0 / 255.0) - 1.0
    log_scale = log_scale.clamp(min=LOG_SCALE_MIN)
    inv_s = torch.exp(-log_scale)
    a = inv_s * (x - mean - 1.0 / 255.0)  # lower edge of the bin, standardised
    b = inv_s * (x - mean + 1.0 / 255.0)  # upper edge
    interior = b - F.softplus(a) - F.softplus(b) + torch.log(-torch.expm1(a - b))
    lowest = -F.softplus(-b)  # log F(b): all mass below the first bin's upper edge
    highest = -F.softplus(a)  # log (1 - F(a)): all mass above the last bin's lower edge
    return torch.where(k == 0, lowest, torch.where(k == 255, highest, interior))


def log_likelihood(out: torch.Tensor, k: torch.Tensor, likelihood: str) -> torch.Tensor:
    """log p(x|z) per image, summed over pixels and channels. `k`: uint8 NCHW; `out`: decoder output."""
    if likelihood == "bernoulli":
        x = k.float() / 255.0
        # -BCE(logits, x) = x log sigmoid(l) + (1 - x) log(1 - sigmoid(l))
        return -F.binary_cross_entropy_with_logits(out, x, reduction="none").flatten(1).sum(1)
    if likelihood == "discretized_logistic":
        c = k.shape[1]
        mean, log_scale = out[:, :c], out[:, c:]
        return discretized_logistic_log_prob(k, mean, log_scale).flatten(1).sum(1)
    raise ValueError(f"unknown likelihood {likelihood!r}; known: {', '.join(LIKELIHOODS)}")


def decoder_mean(out: torch.Tensor, likelihood: str, channels: int) -> torch.Tensor:
    """The mean image in [0, 1] of p(x|z) (what the figures show)."""
    if likelihood == "bernoulli":
        return torch.sigmoid(out)
    return ((out[:, :channels] + 1.0) / 2.0).clamp(0.0, 1.0)  # the logistic's location, back to [0, 1]


class ConvVAE(nn.Module):
    """Encoder: conv(4x4, stride 2) per width in `channels`, ReLU, then dense to (mu, log sigma^2).
    Decoder: dense to the last feature map, then the mirrored transposed convolutions.

    Image side must be divisible by 2^len(channels) (28 -> 14 -> 7, 32 -> 16 -> 8).
    """

    def __init__(self, image_shape, latent_dim: int, channels: list[int], likelihood: str):
        super().__init__()
        if likelihood not in LIKELIHOODS:
            raise ValueError(f"unknown likelihood {likelihood!r}; known: {', '.join(LIKELIHOODS)}")
        h, w, c = image_shape
        f = 2 ** len(channels)
        if h % f or w % f:
            raise ValueError(f"image {h}x{w} is not divisible by {f} ({len(channels)} stride-2 layers)")
        self.image_shape, self.latent_dim, self.channels, self.likelihood = (
            tuple(image_shape),
            latent_dim,
            list(channels),
            likelihood,
        )
        self.feat = (channels[-1], h // f, w // f)
        enc, width = [], c
        for ch in channels:
            enc += [nn.Conv2d(width, ch, 4, stride=2, padding=1), nn.ReLU()]
            width = ch
        self.encoder = nn.Sequential(*enc, nn.Flatten(), nn.Linear(math.prod(self.feat), 2 * latent_dim))
        dec: list[nn.Module] = []
        rev = list(reversed(channels))
        out_c = c if likelihood == "bernoulli" else 2 * c  # logistic: mean and log-scale per subpixel
        for i, ch in enumerate(rev):
            nxt = rev[i + 1] if i + 1 < len(rev) else out_c
            dec.append(nn.ConvTranspose2d(ch, nxt, 4, stride=2, padding=1))
            if i + 1 < len(rev):
                dec.append(nn.ReLU())
        self.fc = nn.Linear(latent_dim, math.prod(self.feat))
        self.decoder = nn.Sequential(*dec)

    def spec(self) -> dict:
        return {
            "image_shape": list(self.image_shape),
            "latent_dim": self.latent_dim,
            "channels": self.channels,
            "likelihood": self.likelihood,
        }

    def encode(self, x01: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(mu, log sigma^2) of q(z|x) for images scaled to [0, 1]."""
        mu, logvar = self.encoder(x01).chunk(2, dim=1)
        return mu, logvar

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Parameters of p(x|z): logits (bernoulli) or [mean | log-scale] channels (logistic)."""
        return self.decoder(F.relu(self.fc(z)).view(-1, *self.feat))


def elbo_terms(model: ConvVAE, k: torch.Tensor, precision: str = "fp32") -> tuple[torch.Tensor, torch.Tensor]:
    """Per image: (reconstruction log-likelihood from one reparameterised sample, closed-form KL).

    ELBO = rec - kl; the training loss is the batch mean of kl - rec. With `precision` "bf16" the
    encoder and decoder run under bf16 autocast; the sampling, the likelihood and the KL stay
    float32 (a 256-bin likelihood needs more than bf16's 8 significant bits).
    """
    mu, logvar = forward(model.encode, k.float() / 255.0, precision)
    z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)  # reparameterisation
    rec = log_likelihood(forward(model.decode, z, precision), k, model.likelihood)
    return rec, gaussian_kl(mu, logvar)


def negative_elbo(model: ConvVAE, k: torch.Tensor) -> torch.Tensor:
    """The training loss: mean over the batch of -ELBO(x) = KL(q||p(z)) - log p(x|z) (nats per image)."""
    rec, kl = elbo_terms(model, k)
    return (kl - rec).mean()


def train_step(model: ConvVAE, opt: torch.optim.Optimizer, k: torch.Tensor, precision: str):
    """One optimiser step on -ELBO of the images `k`; returns the detached per-image (rec, kl).
    One function, so that tests/memory_probe.py measures the steps the job takes."""
    rec, kl = elbo_terms(model, k, precision)
    loss = (kl - rec).mean()
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return rec.detach(), kl.detach()


def bits_per_dim(nats_per_image: float, dims: int) -> float:
    """-ELBO in nats per image -> bits per dimension (subpixel)."""
    return nats_per_image / (dims * math.log(2))


@dataclass(frozen=True, kw_only=True)
class VAESettings(RunSettings):
    """A VAE's run (`train_vae`): the settings every run shares, and these."""

    latent_dim: int = 32  # the dimension of z
    channels: list[int] = (32, 64)  # the encoder's convolution widths (`ConvVAE`)
    likelihood: str = "bernoulli"  # p(x|z): one of LIKELIHOODS
    # Adam, as the original; in the checkpoint's settings only when another, as before the VAE took one
    optimizer: str = field(default="adam", metadata=IF_SET)


@dataclass
class VAEResult:
    history: list[dict] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    status: str = "ok"
    parameters: int = 0
    device: str = "cpu"
    precision: str = "fp32"
    model: ConvVAE | None = None


def evaluate_elbo(model: ConvVAE, x: torch.Tensor) -> dict:
    """Mean ELBO, reconstruction and KL over a split (one sample per image), nats per image."""
    model.eval()
    rec_sum = kl_sum = 0.0
    with torch.inference_mode():
        for i in range(0, len(x), EVAL_BATCH):
            rec, kl = elbo_terms(model, x[i : i + EVAL_BATCH])
            rec_sum += rec.sum().item()
            kl_sum += kl.sum().item()
    model.train()
    rec, kl = rec_sum / len(x), kl_sum / len(x)
    return {"elbo": rec - kl, "rec": rec, "kl": kl}


HISTORY_FIELDS = ["epoch", "train_elbo", "train_rec", "train_kl", "test_elbo", "test_rec", "test_kl"]


def train_vae(data, run: VAESettings, log: Callable[[str], None] = print, checkpoint: str | None = None) -> VAEResult:
    """Train a ConvVAE on -ELBO; per epoch, train (running mean) and test ELBO terms.

    `log` gets a line per epoch; with `checkpoint` (a file path) the run saves and resumes there
    (`nnlab.loop.EpochLoop`; the global RNG that draws the reparameterisation noise is restored
    too). On `run.precision` see `elbo_terms`.
    """
    dev = setup_run(run)
    model = ConvVAE(data.image_shape, run.latent_dim, list(run.channels), run.likelihood)
    initialise(model, run.init)
    model = model.to(dev)
    run = replace(run, precision=resolve_precision(run.precision, dev, model))
    batch_size, precision = run.batch_size, run.precision
    opt = build_optimizer(run.optimizer, model.parameters(), run.lr, run.optimizer_options)
    x_train, _ = to_tensors(data.x_train, data.y_train, dev)
    x_test, _ = to_tensors(data.x_test, data.y_test, dev)
    shuffler = torch.Generator().manual_seed(run.seed)
    result = VAEResult(parameters=count_parameters(model), device=str(dev), precision=precision, model=model)
    n = len(x_train)
    settings = run.checkpoint_settings()
    loop = EpochLoop(run.epochs, model, opt, [shuffler], log, checkpoint, settings, data=(data.x_train, data.x_test))
    for epoch in loop:
        perm = torch.randperm(n, generator=shuffler).to(dev)
        rec_sum = torch.zeros((), device=dev)
        kl_sum = torch.zeros((), device=dev)
        for i in range(0, n, batch_size):
            rec, kl = train_step(model, opt, x_train[perm[i : i + batch_size]], precision)
            rec_sum += rec.sum()
            kl_sum += kl.sum()
        train_rec, train_kl = rec_sum.item() / n, kl_sum.item() / n
        # rec - kl is finite exactly when both terms are
        if loop.diverged(train_rec - train_kl, what="training ELBO"):
            break
        test = evaluate_elbo(model, x_test)
        row = {
            "epoch": epoch,
            "train_elbo": train_rec - train_kl,
            "train_rec": train_rec,
            "train_kl": train_kl,
            "test_elbo": test["elbo"],
            "test_rec": test["rec"],
            "test_kl": test["kl"],
        }
        loop.end_epoch(
            row,
            f"train ELBO {row['train_elbo']:.2f} (rec {train_rec:.2f}, KL {train_kl:.2f})  "
            f"test ELBO {test['elbo']:.2f} (rec {test['rec']:.2f}, KL {test['kl']:.2f}) nats/image",
        )
    result.history, result.seconds, result.status = loop.history, loop.seconds, loop.status
    return result


def save_vae(model: ConvVAE, path) -> None:
    """Checkpoint (architecture spec + weights), written atomically."""
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    with atomic_writer(path) as f:
        torch.save({"spec": model.spec(), "state_dict": state}, f)


def load_vae(path, device: str = "cpu") -> ConvVAE:
    ckpt = torch.load(path, map_location="cpu", weights_only=True)
    s = ckpt["spec"]
    model = ConvVAE(tuple(s["image_shape"]), s["latent_dim"], s["channels"], s["likelihood"])
    model.load_state_dict(ckpt["state_dict"])
    return model.to(resolve_device(device)).eval()


def log_weights(model: ConvVAE, k: torch.Tensor, n_samples: int, chunk: int = 100) -> tuple[torch.Tensor, torch.Tensor]:
    """For `n_samples` draws z ~ q(z|x) per image: (log w, log p(x|z)), each [N, n_samples] float64,
    with log w = log p(x|z) + log p(z) - log q(z|x)."""
    logw, recs = [], []
    with torch.inference_mode():
        for img in k:
            img = img.unsqueeze(0)
            mu, logvar = model.encode(img.float() / 255.0)
            w_row, r_row = [], []
            for s in range(0, n_samples, chunk):
                m = min(chunk, n_samples - s)
                z = mu + torch.exp(0.5 * logvar) * torch.randn(m, mu.shape[1], device=mu.device, dtype=mu.dtype)
                rec = log_likelihood(model.decode(z), img.expand(m, *img.shape[1:]), model.likelihood)
                r_row.append(rec)
                w_row.append(rec + log_normal(z) - log_normal(z, mu, logvar))
            logw.append(torch.cat(w_row))
            recs.append(torch.cat(r_row))
    return torch.stack(logw).double().cpu(), torch.stack(recs).double().cpu()


def iwae_from_log_weights(logw: torch.Tensor, ks: list[int]) -> dict[int, torch.Tensor]:
    """Per image, the IWAE bound L_K = E[log (1/K) sum_k w_k] for each K, estimated without waste.

    The S = logw.shape[1] draws are split into S/K disjoint consecutive groups of K; L_K is the
    mean over the groups of log-mean-exp. Each group is an independent draw of the K-sample bound,
    so each estimate is unbiased. When every K divides the next, the groups are nested, and by the
    concavity of log (log of a mean of means >= mean of logs) the estimates never decrease with K
    for the same draws: the finite-sample table shows the order the expectations have.
    """
    s = logw.shape[1]
    out = {}
    for k in ks:
        if s % k:
            raise ValueError(f"K={k} does not divide the {s} draws")
        groups = logw.reshape(logw.shape[0], s // k, k)
        out[k] = (torch.logsumexp(groups, dim=2) - math.log(k)).mean(1)
    return out


IWAE_FIELDS = ["dataset", "likelihood", "bound", "K", "images", "nats_per_image", "se", "bits_per_dim",
               "gain_over_elbo", "gain_se"]  # fmt: skip


def iwae_table(model: ConvVAE, k: torch.Tensor, ks: list[int], seed: int = 0) -> list[dict]:
    """The ELBO and the IWAE bounds L_K on images `k` (uint8 NCHW), one row each, nats per image.

    max(ks) draws z ~ q(z|x) per image serve every row: the ELBO row is the closed-form KL
    subtracted from log p(x|z) averaged over all draws; L_1 (the ELBO with the KL estimated by
    sampling instead) must agree with it within Monte Carlo error. Columns: mean over images,
    its standard error, bits/dim, and the gain over the ELBO (paired per image, with its s.e.).
    """
    ks = sorted(ks)
    if any(b % a for a, b in zip(ks, ks[1:])):
        raise ValueError(f"each K must divide the next (nested groups), got {ks}")
    torch.manual_seed(seed)
    dims = math.prod(k.shape[1:])
    logw, rec = log_weights(model, k, max(ks))
    with torch.inference_mode():
        mu, logvar = model.encode(k.float() / 255.0)
        kl = gaussian_kl(mu, logvar).double().cpu()
    elbo = rec.mean(1) - kl
    rows = [_row("ELBO", "", elbo, dims, elbo)]
    for kk, vals in iwae_from_log_weights(logw, ks).items():
        rows.append(_row("IWAE", kk, vals, dims, elbo))
    return rows


def _row(bound, k, vals: torch.Tensor, dims: int, elbo: torch.Tensor) -> dict:
    n = len(vals)
    mean = vals.mean().item()
    se = (vals.std().item() / math.sqrt(n)) if n > 1 else float("nan")
    gain = vals - elbo  # paired per image: the noise in the gain is far smaller than in the means
    return {
        "bound": bound,
        "K": k,
        "images": n,
        "nats_per_image": mean,
        "se": se,
        "bits_per_dim": bits_per_dim(-mean, dims),
        "gain_over_elbo": gain.mean().item(),
        "gain_se": (gain.std().item() / math.sqrt(n)) if n > 1 else float("nan"),
    }


def sample_prior(model: ConvVAE, n: int, seed: int = 0) -> np.ndarray:
    """Mean images of p(x|z) for z ~ N(0, I): [n, H, W, C] floats in [0, 1]."""
    g = torch.Generator().manual_seed(seed)
    z = torch.randn(n, model.latent_dim, generator=g).to(next(model.parameters()).device)
    with torch.inference_mode():
        img = decoder_mean(model.decode(z), model.likelihood, model.image_shape[2])
    return img.permute(0, 2, 3, 1).cpu().numpy()


def reconstruct(model: ConvVAE, images: np.ndarray) -> np.ndarray:
    """Mean images of p(x|z = mu(x)) for uint8 NHWC images: [n, H, W, C] floats in [0, 1]."""
    k = torch.from_numpy(np.ascontiguousarray(images.transpose(0, 3, 1, 2))).to(next(model.parameters()).device)
    with torch.inference_mode():
        mu, _ = model.encode(k.float() / 255.0)
        img = decoder_mean(model.decode(mu), model.likelihood, model.image_shape[2])
    return img.permute(0, 2, 3, 1).cpu().numpy()


def final_row(result: VAEResult, labels: dict, dims: int) -> dict:
    """The last epoch's test ELBO as nats per image and bits per dimension, with labels and status."""
    last = result.history[-1] if result.history else {}
    elbo = last.get("test_elbo", float("nan"))
    return run_facts(result, labels) | {
        "dims": dims,
        "test_elbo": elbo,
        "test_rec": last.get("test_rec", float("nan")),
        "test_kl": last.get("test_kl", float("nan")),
        "test_bits_per_dim": bits_per_dim(-elbo, dims),
    }
