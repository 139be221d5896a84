"""Config validation: the shipped configs pass; broken ones fail naming the key and problem."""

import copy
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from nnlab.config import ConfigError, markdown_reference, overlay, schema_rows, validate_config
from nnlab.report.languages import language_dir, languages

SCHEMA = ROOT / "workflow/schemas/config.schema.yaml"
BASE = yaml.safe_load((ROOT / "config.yaml").read_text())


def merged(path: Path) -> dict:
    return overlay(BASE, yaml.safe_load(path.read_text()))


def test_shipped_configs_are_valid():
    validate_config(BASE, SCHEMA)
    for scale in sorted((ROOT / "scales").glob("*.yaml")):
        validate_config(merged(scale), SCHEMA)


def test_every_problem_is_listed_at_once():
    cfg = broken("task24.epochs", 0)
    cfg["threads"] = 0
    with pytest.raises(ConfigError, match=r"\(2 problem\(s\)\)") as err:
        validate_config(cfg, SCHEMA)
    assert "task24.epochs" in str(err.value) and "threads" in str(err.value)


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
    ("scale", "", r"scale: '' should be non-empty"),
    ("data.dir", 3, r"data.dir: 3 is not of type 'string'"),
    ("data.folder", "x", r"unknown key 'data.folder': allowed keys: dir"),
    ("datasets.mnist.synthetic.n_train", 5, r"datasets.mnist.synthetic.n_train: 5 is less than the minimum of 10"),
    ("datasets.cifar10.synthetic", DELETE, r"datasets.cifar10: 'synthetic' is a required property"),
    ("datasets.imagenet", {"source": "auto"}, r"unknown key 'datasets.imagenet'"),
    ("device", "cuda:x", r"device: 'cuda:x' does not match"),
    ("threads", 1.5, r"threads: 1.5 is not of type 'integer'"),
    ("task24.dataset", "imagenet", r"task24.dataset: 'imagenet' is not one of \['mnist', 'cifar10'\]"),
    ("task24.model", {"kind": "transformer"}, r"task24.model.kind: 'transformer' is not one of"),
    ("task24.model", {"kind": "mlp", "hidden": [0]}, r"task24.model.hidden.0: 0 is less than the minimum of 1"),
    ("task24.model", {"kind": "mlp", "activation": "gelu"}, r"task24.model.activation: 'gelu' is not one of"),
    ("task24.model", {"kind": "mlp", "hiden": [3]}, r"unknown key 'task24.model.hiden': did you mean 'hidden'\?"),
    ("task24.seeds", [1, 1], r"task24.seeds: \[1, 1\] has non-unique elements"),
    ("task24.seeds", [-1], r"task24.seeds.0: -1 is less than the minimum of 0"),
    ("task24.losses", ["mse", "mse"], r"task24.losses: \['mse', 'mse'\] has non-unique elements"),
    ("task24.lr", "fast", r"task24.lr: 'fast' is not of type 'number'"),
    ("task24.batch_size", 0, r"task24.batch_size: 0 is less than the minimum of 1"),
    ("report", DELETE, r"'report' is a required property"),
    ("report.title", ["a"], r"report.title: \['a'\] is not of type 'string'"),
    ("report.autor", "me", r"unknown key 'report.autor': did you mean 'author'\?"),
]


@pytest.mark.parametrize("path,value,message", CASES, ids=[c[0] + "=" + repr(c[1])[:10] for c in CASES])
def test_broken_config_names_key_and_problem(path, value, message):
    with pytest.raises(ConfigError, match=message):
        validate_config(broken(path, value), SCHEMA)


def test_every_key_is_documented_and_the_reference_is_current():
    rows = schema_rows(yaml.safe_load(SCHEMA.read_text()))
    undocumented = [key for key, _, desc in rows if not desc.strip()]
    assert not undocumented, f"keys without a description in the schema: {undocumented}"
    flat_config_keys = set()

    def walk(d, prefix=""):
        for k, v in d.items():
            flat_config_keys.add(prefix + k)
            if isinstance(v, dict):
                walk(v, prefix + k + ".")

    walk(BASE)
    assert flat_config_keys <= {key for key, _, _ in rows}
    docs = (ROOT / "docs/configuration.md").read_text()
    assert docs == markdown_reference(SCHEMA), "docs/configuration.md is stale: run `python -m nnlab.config`"


def test_report_language_is_a_folder_of_templates():
    assert {"en", "ja"} <= set(languages(ROOT / "report"))
    assert language_dir(ROOT / "report", "ja") == ROOT / "report/ja"
    with pytest.raises(ValueError, match=r"'de' has no templates .* available: en, ja"):
        language_dir(ROOT / "report", "de")
