"""Resource estimates for training jobs (Snakemake `resources:`), from a model of measured runs.

Pure functions of the network's size: the workflow calls them when it builds the DAG, so each
job declares memory and runtime for its own width without running anything.
"""

from __future__ import annotations

import math

MB = 2**20


def mlp_parameters(in_features: int, hidden: list[int], n_out: int) -> int:
    """Weights and biases of a dense network in_features -> hidden... -> n_out."""
    widths = [in_features, *hidden, n_out]
    return sum((a + 1) * b for a, b in zip(widths, widths[1:]))


def train_mem_mb(parameters: int, eval_batch: int, widest: int, base_mb: float, headroom: float = 1.3) -> int:
    """Peak memory of a training job in MiB: the process base (interpreter, torch, dataset arrays),
    Adam's four float32 copies of the weights (weights, gradients, two moments: 16 bytes each),
    the evaluation activations of the widest layer (pre-activation and output, float32), and the
    checkpoint twice over (weights and moments, 12 bytes each: when it is saved, its serialised
    bytes and their last growth copy; when a run resumes, the file's bytes and the tensors read
    from them), times `headroom`. Without the checkpoint term, width 100000's runs of the first full
    build went past their request after 2-7 epochs of a resumed run (peaks vary by 1.35x between
    seeds of one job, as freed memory is kept: `nnlab.resources.reuse_freed_memory`)."""
    need = base_mb * MB + 16 * parameters + 2 * 4 * eval_batch * widest + CHECKPOINT_COPIES * 12 * parameters
    return math.ceil(headroom * need / MB)


CHECKPOINT_COPIES = 2

# Memory traffic of one bf16 training step per weight, besides the products: fused Adam reads the
# weight, gradient and both moments and writes weight and moments (7 x 4 bytes); autocast reads the
# float32 weight and writes its bf16 copy (4 + 2), and the bf16 weight gradient is written, read
# and cast to the float32 .grad (2 + 2 + 4).
BF16_STEP_BYTES_PER_WEIGHT = 28 + 6 + 8


def train_runtime_min(parameters: int, epochs: int, seconds_per_parameter_epoch: float,
                      overhead_s: float = 5.0, safety: float = 2.0, slack_min: int = 5) -> int:  # fmt: skip
    """Runtime limit in minutes: `epochs` x (overhead + rate x parameters) seconds, x `safety`,
    plus `slack_min` for start-up and data loading."""
    seconds = epochs * (overhead_s + seconds_per_parameter_epoch * parameters)
    return slack_min + math.ceil(safety * seconds / 60)
