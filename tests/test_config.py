"""Config validation: the shipped configs pass; broken ones fail naming the key and problem."""

import copy
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from nnlab.config import ConfigError, validate_config

SCHEMA = ROOT / "workflow/schemas/config.schema.yaml"
BASE = yaml.safe_load((ROOT / "config.yaml").read_text())


def merged(overlay: Path) -> dict:
    def update(a, b):
        for k, v in b.items():
            a[k] = update(a.get(k, {}), v) if isinstance(v, dict) and isinstance(a.get(k), dict) else v
        return a

    return update(copy.deepcopy(BASE), yaml.safe_load(overlay.read_text()))


def test_shipped_configs_are_valid():
    validate_config(BASE, SCHEMA)
    for overlay in sorted((ROOT / "scales").glob("*.yaml")):
        validate_config(merged(overlay), SCHEMA)


def broken(path: str, value):
    cfg = copy.deepcopy(BASE)
    *parents, last = path.split(".")
    d = cfg
    for p in parents:
        d = d[p]
    if value is DELETE:
        del d[last]
    else:
        d[last] = value
    return cfg


DELETE = object()
CASES = [
    ("task24.epochs", 0, r"task24.epochs: 0 is less than the minimum of 1"),
    ("task24.epochs", "ten", r"task24.epochs: 'ten' is not of type 'integer'"),
    ("task24.lr", -0.1, r"task24.lr: -0.1 is less than or equal to the minimum of 0"),
    ("task24.optimizer", "adamw", r"task24.optimizer: 'adamw' is not one of"),
    ("task24.losses", ["hinge"], r"task24.losses.0: 'hinge' is not one of"),
    ("task24.seeds", [], r"task24.seeds: \[\] should be non-empty"),
    ("task24.epoch", 3, r"unknown key 'task24.epoch': did you mean 'epochs'\?"),
    ("task24.batch_size", DELETE, r"task24: 'batch_size' is a required property"),
    ("datasets.mnist.source", "web", r"datasets.mnist.source: 'web' is not one of"),
    ("device", "gpu", r"device: 'gpu' does not match"),
    ("threads", 0, r"threads: 0 is less than the minimum of 1"),
    ("scael", "x", r"unknown key 'scael': did you mean 'scale'\?"),
]


@pytest.mark.parametrize("path,value,message", CASES, ids=[c[0] + "=" + repr(c[1])[:10] for c in CASES])
def test_broken_config_names_key_and_problem(path, value, message):
    with pytest.raises(ConfigError, match=message):
        validate_config(broken(path, value), SCHEMA)
