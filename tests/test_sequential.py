"""Task 29's sequential protocol on a tiny net: each stage starts from the previous stage's weights
with a fresh optimiser, the first stage is the fresh run, and a rerun resumes every stage."""

from dataclasses import replace

import pytest
import torch

from nnlab.classification.sequential import stage_checkpoint, train_sequential
from nnlab.data.synthetic import make_synthetic
from nnlab.engine import ClassifierSettings, train_classifier

RUN = ClassifierSettings(model_spec={"kind": "mlp", "hidden": [8]}, epochs=2, batch_size=50, seed=3, device="cpu")
BATCHES_PER_EPOCH = 4  # 200 training images in batches of 50


@pytest.fixture(scope="module")
def data():
    return make_synthetic("mnist", 200, 50, seed=0)


def weights(result):
    return {k: v.detach().clone() for k, v in result.model.state_dict().items()}


def test_weights_are_carried_and_optimiser_state_is_not(data):
    adam = {"optimizer": "adam", "lr": 0.01}
    first, second = train_sequential(data, [adam, adam], RUN, log=lambda _: None)
    # a fresh Adam in stage 2: its step count restarts (a carried state would have counted on to 16)
    steps = {int(s["step"]) for s in second.optimizer.state_dict()["state"].values()}
    assert steps == {RUN.epochs * BATCHES_PER_EPOCH}
    # the first stage is the fresh run of its optimiser, bit for bit
    fresh = train_classifier(data, replace(RUN, **adam), log=lambda _: None)
    assert first.history == fresh.history
    assert all(torch.equal(a, b) for a, b in zip(weights(first).values(), weights(fresh).values()))
    # stage 2 starts where stage 1 stopped: from there, not from a new initialisation, it is a run
    # of its own (a continuation from the same weights with a fresh optimiser gives the same numbers)
    again = train_classifier(data, replace(RUN, **adam), start=weights(first), log=lambda _: None)
    assert second.history == again.history
    assert second.history != first.history


def test_a_stage_that_does_not_move_keeps_the_previous_weights(data):
    first, still = train_sequential(
        data, [{"optimizer": "adam", "lr": 0.01}, {"optimizer": "sgd", "lr": 0.0}], RUN, log=lambda _: None
    )
    assert all(torch.equal(a, b) for a, b in zip(weights(first).values(), weights(still).values()))
    assert still.history[-1]["test_accuracy"] == first.history[-1]["test_accuracy"]
    assert still.history[0]["test_loss"] == first.history[-1]["test_loss"]


def test_rerun_resumes_every_stage_from_its_checkpoint(data, tmp_path):
    stages = [{"optimizer": "sgd", "lr": 0.1}, {"optimizer": "adam", "lr": 0.01}]
    a = train_sequential(data, stages, RUN, tmp_path, log=lambda _: None)
    assert all(stage_checkpoint(tmp_path, k).exists() for k in (1, 2))
    lines = []
    b = train_sequential(data, stages, RUN, tmp_path, log=lines.append)
    assert sum("resuming" in line for line in lines) == 2 and not any(line.startswith("epoch") for line in lines)
    assert [r.history for r in a] == [r.history for r in b]
    # a changed first stage changes the second stage's starting weights: its checkpoint no longer applies
    lines.clear()
    train_sequential(data, [{"optimizer": "sgd", "lr": 0.2}, stages[1]], RUN, tmp_path, log=lines.append)
    assert not any("resuming" in line for line in lines)


def test_needs_a_stage(data):
    with pytest.raises(ValueError, match="at least one stage"):
        train_sequential(data, [], RUN)
