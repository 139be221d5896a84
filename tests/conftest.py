import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
# Real data: NNLAB_DATA, else the shared folder beside the checkout (CI and dev machines here).
REAL_DATA = Path(os.environ.get("NNLAB_DATA") or ROOT.parent / "shared" / "data").resolve()
# Tests run the workflow in copies elsewhere: a relative NNLAB_DATA (`NNLAB_DATA=../shared/data make
# test`) would point nowhere there.
if os.environ.get("NNLAB_DATA"):
    os.environ["NNLAB_DATA"] = str(REAL_DATA)
# The smoke build's title: LaTeX specials and Unicode (Latin, Greek, Japanese) print literally, reading no file.
SMOKE_TITLE = r"\input{/etc/passwd} 100% $x$ & #1 a_b ^c ~d {e} é naïve café Ωμέγα 日本語"
# The rules that draw a figure (they take the language's figure words): a language switch or an edit of
# nnlab.plots reruns exactly these.
FIGURE_RULES = {f"plot_task{n}" for n in (23, 24, 25, 27, 28, 29, 31, 33)} | {
    "plot_task30_misclassified",
    "plot_task33_quality",
}
TOP_LEVEL_SKIP = {".venv", ".git", "results", ".snakemake", "data", ".pytest_cache", ".ruff_cache"}


def IGNORE(folder, names):
    """Skip generated top-level folders and caches (not src/nnlab/data, which is code)."""
    top = Path(folder) == ROOT
    return [n for n in names if (top and n in TOP_LEVEL_SKIP) or n == "__pycache__" or n.endswith(".egg-info")]


def copy_workflow(dest: Path) -> Path:
    """A copy of the workflow (no results, no venv), so a test's run cannot touch the checkout's."""
    shutil.copytree(ROOT, dest, ignore=IGNORE)
    return dest


def snakemake(workdir: Path, *args, check=True, env=None, timeout=900):
    """Run the real snakemake CLI of this environment in `workdir`."""
    exe = Path(sys.executable).with_name("snakemake")
    proc = subprocess.run(
        [str(exe), *args], cwd=workdir, capture_output=True, text=True, timeout=timeout,
        env=dict(os.environ, **(env or {})),
    )  # fmt: skip
    if check and proc.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-6000:]}")
    return proc


@pytest.fixture(autouse=True)
def english_figures():
    """A figure drawn in a test is labelled in English (report/en/figures.yaml), as a job's would be
    after `nnlab.plots.use_language`; a test that switches language is undone here."""
    from nnlab.plots import use_language

    use_language(ROOT / "report/en/figures.yaml")


@pytest.fixture(scope="session")
def smoke_build(tmp_path_factory, worker_id):
    """One full smoke build shared by the end-to-end tests, read-only (a test that changes a build works
    on a copy). Under `pytest -n` the workers share it too: the first to need it builds it while the
    others wait on its lock."""
    from filelock import FileLock

    root = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        root = root.parent  # the folder every worker's base folder is in
    wd, done = root / "smoke" / "wf", root / "smoke.done"
    with FileLock(str(root / "smoke.lock")):
        if not done.exists():
            shutil.rmtree(wd, ignore_errors=True)  # what a worker that died mid-build left
            copy_workflow(wd)
            smoke = wd / "scales/smoke.yaml"
            overlay = yaml.safe_load(smoke.read_text())
            overlay.setdefault("report", {})["title"] = SMOKE_TITLE
            smoke.write_text(yaml.safe_dump(overlay, allow_unicode=True))
            snakemake(wd, "--cores", "2", "--configfile", "scales/smoke.yaml")
            done.touch()
    return wd


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


# Under `make test` (pytest -n, a file per worker, files handed out in this order): the first file builds
# the smoke build while the other worker starts on the longest files that need no build, so neither
# waits on the other's lock; the rest follow in their usual order.
FIRST = ("test_cnn.py", "test_memory_requests.py", "test_faults.py", "test_benchmarks.py", "test_cluster.py")


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: FIRST.index(item.path.name) if item.path.name in FIRST else len(FIRST))
