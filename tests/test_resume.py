"""Crash and resume: a training job killed with SIGKILL and rerun gives byte-identical CSVs."""

import os
import signal
import subprocess
import sys
import time

import pytest

from nnlab.data.synthetic import make_synthetic
from nnlab.engine import train_classifier

# A child process that trains with a checkpoint and writes the three CSVs, like the workflow job.
CHILD = """
import sys
from nnlab.data.synthetic import make_synthetic
from nnlab.engine import train_classifier
from nnlab.results import write_run
out = sys.argv[1]
data = make_synthetic("mnist", 2000, 300, seed=0)
r = train_classifier(data, {"kind": "mlp", "hidden": [256, 256]}, epochs=int(sys.argv[2]), batch_size=32,
                     seed=3, device="cpu", threads=1, checkpoint=out + "/checkpoint.pt",
                     log=lambda s: print(s, flush=True))
write_run(r, {"task": 0}, out + "/history.csv", out + "/final.csv", out + "/timing.csv")
"""
EPOCHS = 8  # slack after the last kill point, so a slow reader still kills mid-run


def run_child(out, kill_after_epoch=None):
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(out), str(EPOCHS)], stdout=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))  # fmt: skip
    for line in proc.stdout:
        if kill_after_epoch and line.startswith(f"epoch {kill_after_epoch}/"):
            time.sleep(0.05 * kill_after_epoch)  # land at different points: in the save, or after it
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait()
    return proc.returncode


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("ref")
    assert run_child(out) == 0
    return out


@pytest.mark.parametrize("kill_after", [1, 2, 4])
def test_killed_run_resumes_to_identical_csvs(reference, tmp_path, kill_after):
    assert run_child(tmp_path, kill_after) == -signal.SIGKILL
    assert not (tmp_path / "history.csv").exists()  # nothing half-written is left to trust
    assert run_child(tmp_path) == 0
    for name in ("history.csv", "final.csv"):
        assert (tmp_path / name).read_bytes() == (reference / name).read_bytes(), name


def test_changed_settings_start_clean(tmp_path):
    data = make_synthetic("mnist", 300, 100, seed=0)
    ck = str(tmp_path / "c.pt")
    lines = []
    common = dict(epochs=2, batch_size=64, seed=1, device="cpu", threads=1, checkpoint=ck, log=lines.append)
    train_classifier(data, {"kind": "mlp", "hidden": [8]}, **common)
    train_classifier(data, {"kind": "mlp", "hidden": [8]}, lr=0.01, **common)
    assert not any("resuming" in ln for ln in lines)
    r = train_classifier(data, {"kind": "mlp", "hidden": [8]}, lr=0.01, **common)
    assert any("resuming" in ln for ln in lines) and len(r.history) == 2
    fresh = train_classifier(data, {"kind": "mlp", "hidden": [8]}, lr=0.01, **(common | {"checkpoint": None}))
    assert fresh.history == r.history
