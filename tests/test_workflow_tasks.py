"""What the rules compute from the config (nnlab_workflow.tasks): plain functions of `config`."""

import copy

import pytest
from conftest import ROOT
from nnlab_workflow import tasks

from nnlab.config import read_yaml

CONFIG = read_yaml(ROOT / "config.yaml")


def test_run_params_reads_the_task_and_lets_given_values_win():
    run = tasks.run_params(CONFIG, "task24", "2", loss="mse")
    t24 = CONFIG["task24"]
    assert run == {
        "model_spec": t24["model"],  # the task's `model`
        "loss": "mse",  # given (the wildcard's), although task24 has no `loss` key
        "optimizer": t24["optimizer"],
        "lr": t24["lr"],
        "epochs": t24["epochs"],
        "batch_size": t24["batch_size"],
        "seed": 2,  # a wildcard's string, as an int
        "device": CONFIG["device"],
        "init": CONFIG["init"],
        "precision": CONFIG["precision"],
    }


def test_run_params_with_other_keys_and_extra_settings():
    run = tasks.run_params(CONFIG, "task33", 1, keys=("lr", "batch_size"), latent_dim=2)
    assert set(run) == {"lr", "batch_size", "latent_dim", "seed", "device", "init", "precision"}
    with pytest.raises(KeyError):  # a missing setting is not silently None
        tasks.run_params(CONFIG, "task24", 1)  # task24 has `losses`, no `loss`: the rule gives it


def test_t27_epochs_by_width_from_yaml_or_the_command_line():
    config = copy.deepcopy(CONFIG)
    config["task27"].update(epochs=10, widths=[10, 100000], epochs_by_width={"100000": 1})  # --config gives strings
    assert tasks.t27_epochs(config, 100000) == 1 and tasks.t27_epochs(config, "10") == 10
    assert tasks.t27_epoch_notes(config) == {100000: 1}
    config["task27"]["epochs_by_width"] = {100000: 3}  # YAML gives ints
    assert tasks.t27_epoch_notes(config) == {100000: 3}


def test_t27_resources_grow_with_the_width():
    assert tasks.t27_mem_mb(CONFIG, 10) < tasks.t27_mem_mb(CONFIG, 100000)
    assert tasks.t27_runtime(CONFIG, 10) < tasks.t27_runtime(CONFIG, 100000)


def test_t29_runs_as_zip_columns():
    config = copy.deepcopy(CONFIG)
    t29 = config["task29"]
    t29.update(optimizers=["sgd", "adam"], seeds=[1, 2], lr={"sgd": 0.01, "adam": 0.001})
    t29["sweep"].update(optimizers=["adam"], seeds=[3], lrs={"adam": [0.1, 1e-4]})
    assert tasks.t29_runs(config, "test") == {
        "split": ["test"] * 4,
        "optimizer": ["sgd", "sgd", "adam", "adam"],
        "lr": ["0.01", "0.01", "0.001", "0.001"],  # as written in paths (lr_tag)
        "seed": [1, 2, 1, 2],
    }
    assert tasks.t29_runs(config, "test", ["adam"])["seed"] == [1, 2]
    sweep = tasks.t29_runs(config, "sweep")
    assert sweep["lr"] == ["0.1", "0.0001"] and sweep["seed"] == [3, 3]
    with pytest.raises(ValueError, match="no split 'train'"):
        tasks.t29_runs(config, "train")


def test_t29_problems_name_the_missing_entry():
    config = copy.deepcopy(CONFIG)
    assert tasks.t29_problems(config) == []
    del config["task29"]["lr"]["adam"]
    assert tasks.t29_problems(config) == ["task29.lr has no entry for optimizer 'adam' (listed in task29.optimizers)"]


def test_t29_sequential_only_when_it_is_a_protocol():
    config = copy.deepcopy(CONFIG)
    config["task29"]["protocols"] = ["fresh"]
    assert tasks.t29_sequential_seeds(config) == []
    config["task29"]["protocols"] = ["fresh", "sequential"]
    assert tasks.t29_sequential_seeds(config) == config["task29"]["seeds"]


def test_t30_runtime_from_the_measured_rate():
    epochs = CONFIG["task30"]["epochs"]["cifar10"]["cnn"]
    assert tasks.t30_runtime(CONFIG, "cifar10", "cnn") == 5 + -(-2 * 210 * epochs // 60)


def test_run_labels_follow_the_wildcards_order_with_their_types():
    wildcards = {"split": "sweep", "optimizer": "adam", "lr": "1e+30", "seed": "2"}  # as Snakemake gives them
    labels = tasks.run_labels(29, wildcards, lr=float, seed=int)
    assert list(labels.items()) == [("task", 29), ("split", "sweep"), ("optimizer", "adam"), ("lr", 1e30), ("seed", 2)]
