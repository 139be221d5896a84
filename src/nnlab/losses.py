"""Classification losses, on the network's logits."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def cross_entropy(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """-log softmax(logits)[y], averaged over the batch (Keras' categorical cross-entropy)."""
    return F.cross_entropy(logits, y)


def mse(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean squared error between the softmax output and the one-hot target.

    This is what the original report's Keras model computed with `loss="mse"` on a softmax
    layer: the mean over classes and batch of (p_k - [k = y])^2.
    """
    p = logits.softmax(dim=1)
    return F.mse_loss(p, F.one_hot(y, p.shape[1]).to(p.dtype))


LOSSES = {"cross_entropy": cross_entropy, "mse": mse}
