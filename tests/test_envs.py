"""envs/*.yaml pin the same versions as requirements.txt."""

import re

import yaml
from conftest import ROOT


def pins(lines):
    return dict(re.match(r"^([A-Za-z0-9_.-]+)==(\S+)$", ln.strip()).groups() for ln in lines if "==" in ln)


def test_conda_envs_match_requirements():
    req = pins(ln for ln in (ROOT / "requirements.txt").read_text().splitlines() if not ln.startswith("#"))
    envs = sorted((ROOT / "envs").glob("*.yaml"))
    assert envs
    for env in envs:
        deps = yaml.safe_load(env.read_text())["dependencies"]
        pip = next(d["pip"] for d in deps if isinstance(d, dict))
        for name, version in pins(pip).items():
            assert req.get(name) == version, f"{env.name}: {name}=={version} but requirements.txt has {req.get(name)}"
