"""The report names code (`nnlab.vae.elbo`, `nnlab.significance.normal`, ...) so a reader can find
what computed a number; every name it prints must exist in the code (the first published PDF named
modules that had been renamed)."""

import importlib
import re

import pytest
from conftest import ROOT

NAME = re.compile(r"nnlab(?:\.(?:[A-Za-z_]|\\_)+)+")


def named(text: str) -> set[str]:
    return {m.replace("\\_", "_").rstrip(".") for m in NAME.findall(text)}


def resolves(name: str) -> bool:
    """Whether `name` is a module, or an attribute reached from the longest importable module."""
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        try:
            for attr in parts[i:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return False
        return True
    return False


def test_the_name_check_itself():
    assert named(r"(\texttt{nnlab.vae.model.negative\_elbo}).") == {"nnlab.vae.model.negative_elbo"}
    assert resolves("nnlab.significance.normal") and resolves("nnlab.vae")
    assert not resolves("nnlab.elbo") and not resolves("nnlab.vae.negative_elbo")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_code_name_in_the_templates_exists(lang):
    names = set()
    for template in sorted((ROOT / "report" / lang).rglob("*.j2")):
        names |= named(template.read_text())
    assert names, "the templates name no code: has the pattern gone stale?"
    assert sorted(n for n in names if not resolves(n)) == []


@pytest.mark.slow
def test_every_code_name_in_the_rendered_report_exists(smoke_build):
    names = set()
    for tex in (smoke_build / "results/report").rglob("*.tex"):
        names |= named(tex.read_text())
    assert names
    assert sorted(n for n in names if not resolves(n)) == []
