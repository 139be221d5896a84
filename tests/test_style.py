"""The workflow stays lint-clean and formatted: snakemake --lint, snakefmt, ruff."""

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

BIN = Path(sys.executable).parent
PY_PATHS = ["src", "scripts", "tests", "benchmarks", "workflow/lib"]


@pytest.mark.parametrize(
    "cmd",
    [
        ["snakemake", "--lint"],
        ["snakefmt", "--check", "Snakefile", "workflow/rules"],
        ["ruff", "check", *PY_PATHS],
        ["ruff", "format", "--check", *PY_PATHS],
    ],
    ids=["snakemake-lint", "snakefmt", "ruff-check", "ruff-format"],
)
def test_clean(cmd):
    proc = subprocess.run([str(BIN / cmd[0]), *cmd[1:]], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, (
        f"{' '.join(cmd)} failed (fix: run it without --check):\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}"
    )
