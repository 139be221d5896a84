"""A training run: the settings every trainer shares (`RunSettings`), the run's start (`setup_run`) and
the frame of a training job's script (`training_job`).

Each trainer takes one settings object of its family's subclass, which adds the family's own settings:
`nnlab.engine.ClassifierSettings`, `nnlab.regression.train.RegressionSettings`,
`nnlab.latent.autoencoder.AutoencoderSettings`, `nnlab.vae.model.VAESettings`,
`nnlab.gradients.gradnorms.GradNormSettings`. A job script builds it straight from its `run` params,
`AutoencoderSettings(**params.run, threads=threads)`; where the log goes and where the checkpoint lives
are the trainer's own arguments, not settings. Knows nothing of Snakemake.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field, fields

import torch

from nnlab.logs import tee_to
from nnlab.resources import memory_guard, reuse_freed_memory

# How a field enters `RunSettings.checkpoint_settings` (a field's `metadata`); unmarked, always.
CHECKPOINT = "checkpoint"
NOT_IN_CHECKPOINT = {CHECKPOINT: False}  # it does not change results (how fast, not what)
# Only when set to something other than its default (and not empty): runs that leave it alone keep the
# fingerprints they had before the setting existed, so their checkpoints still resume.
IF_SET = {CHECKPOINT: "if set"}


@dataclass(frozen=True, kw_only=True)
class RunSettings:
    """What every training run is told besides its network: the optimiser, how long, the seed, where.

    A checkpoint belongs to a run whose `checkpoint_settings()` (and data) are those it was written with.
    """

    optimizer: str = "adam"  # a name in nnlab.optim.OPTIMIZERS
    lr: float = 1e-3  # the learning rate
    # the optimiser's other hyperparameters, e.g. {"eps": 1e-7} (nnlab.optim.build_optimizer)
    optimizer_options: dict | None = field(default=None, metadata=IF_SET)
    epochs: int = 10
    batch_size: int = 128  # training examples per optimiser step
    seed: int = 0  # draws the starting weights, the shuffles and any noise
    device: str = "auto"  # "cpu", "cuda", ..., or "auto": the first available (resolve_device)
    threads: int = 1  # torch's CPU threads: the same seed and thread count give bit-identical results on the CPU
    init: str = "keras"  # the starting weights, "keras" or "torch" (nnlab.models.initialise)
    # what training's forward passes run in: "auto", "fp32" or "bf16" (nnlab.precision); a trainer resolves
    # "auto" once its network is built, and its settings then hold what it picked
    precision: str = "auto"

    def checkpoint_settings(self) -> dict:
        """The settings a checkpoint is fingerprinted with (`nnlab.loop.EpochLoop`): every field, but those
        marked `NOT_IN_CHECKPOINT`, and those marked `IF_SET` only when set."""
        out = {}
        for f in fields(self):
            value, when = getattr(self, f.name), f.metadata.get(CHECKPOINT, True)
            if when is True or (when == IF_SET[CHECKPOINT] and value and value != f.default):
                out[f.name] = value
        return out


def resolve_device(device: str = "auto") -> torch.device:
    if device == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    return torch.device(device)


def setup_run(run: RunSettings) -> torch.device:
    """Thread count, device and global seed of a run; on the CPU, deterministic algorithms only,
    so the same seed and thread count give bit-identical results."""
    torch.set_num_threads(max(1, run.threads))
    reuse_freed_memory()
    dev = resolve_device(run.device)
    torch.manual_seed(run.seed)
    if dev.type == "cpu":
        torch.use_deterministic_algorithms(True)
    return dev


@contextlib.contextmanager
def training_job(log_path, rule: str, labels: dict, mem_mb, params: dict):
    """The frame of a training job: its output copied into `log_path` (`nnlab.logs.tee_to`), a first line
    naming the run by its `labels` and `params` (its run settings), and on the CPU the whole job (loading
    the data and writing the outputs count too) under its memory request `mem_mb` (`nnlab.resources.memory_guard`)."""
    on_cpu = resolve_device(params.get("device", "auto")).type == "cpu"
    with tee_to(log_path), memory_guard(rule, f"run {labels}", mem_mb, on_cpu):
        print(f"run {labels}: {params}")
        yield
