"""Task 29's sequential protocol: one network trained with several optimisers in turn.

A Keras notebook that builds one model and then, per optimiser, calls `compile(optimizer)` and
`fit` keeps the weights between the calls (`compile` does not reset them) and starts each
optimiser with a fresh state. Here each stage is one `train_classifier` run that starts from the
previous stage's final weights and builds its own optimiser. Every stage shuffles with the run's
seed, so the first stage is the same run as a fresh network with that optimiser.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from nnlab.engine import ClassifierSettings, TrainResult, train_classifier


def stage_checkpoint(checkpoint_dir: str | Path, stage: int) -> Path:
    """Where stage `stage` (1-based) keeps its checkpoint."""
    return Path(checkpoint_dir) / f"checkpoint_stage{stage}.pt"


def train_sequential(
    data,
    stages: list[dict],
    run: ClassifierSettings,
    checkpoint_dir: str | Path | None = None,
    log: Callable[[str], None] = print,
    progress: bool = False,
) -> list[TrainResult]:
    """Train one network through `stages` in order; one `TrainResult` per stage.

    `stages`: per stage the optimiser's settings, {"optimizer", "lr", "optimizer_options"}, which
    replace those of `run`, the settings of every stage (model, epochs per stage, seed, init of the
    first stage, ...). Stage k+1 starts from stage k's final weights (also when they diverged: it
    then diverges at once) with a new optimiser. With `checkpoint_dir`, each stage checkpoints to
    its own file (`stage_checkpoint`), fingerprinted with its starting weights, so a killed job
    resumes at the first unfinished stage; the caller deletes them when done. `log`, `progress`:
    as `train_classifier`'s.
    """
    if not stages:
        raise ValueError("the sequential protocol needs at least one stage (optimiser)")
    results: list[TrainResult] = []
    start = None
    for k, stage in enumerate(stages, 1):
        log(f"stage {k}/{len(stages)}: {stage['optimizer']}, learning rate {stage['lr']}"
            + (", from the previous stage's weights" if start is not None else ""))  # fmt: skip
        ckpt = str(stage_checkpoint(checkpoint_dir, k)) if checkpoint_dir is not None else None
        result = train_classifier(data, replace(run, **stage), log, ckpt, progress, start)
        start = {name: t.detach().cpu().clone() for name, t in result.model.state_dict().items()}
        results.append(result)
    return results
