"""A training job stopped by SIGTERM (a time limit) or SIGINT (Ctrl-C), in a real process run as a
job script runs it: it saves its checkpoint, prints a message naming the signal instead of a
traceback, exits with the status a shell gives that signal, and the rerun resumes from the checkpoint."""

import os
import re
import signal
import subprocess
import sys

import pytest
import torch

from nnlab.loop import EpochLoop

EPOCHS = 6  # slack after epoch 2, where the signal is sent
# argv: output folder. Each log line is followed by a short pause, so the parent's signal lands
# in the epoch after the one it saw end (or in that epoch's save).
CHILD = f"""
import sys, time
from nnlab.data.synthetic import make_synthetic
from nnlab.engine import ClassifierSettings, train_classifier
from nnlab.logs import tee_to
def log(line):
    print(line, flush=True)
    time.sleep(0.05)
with tee_to(sys.argv[1] + "/job.log"):
    data = make_synthetic("mnist", 1000, 100, seed=0)
    run = ClassifierSettings(model_spec={{"kind": "mlp", "hidden": [64]}}, epochs={EPOCHS}, batch_size=32, seed=3,
                             device="cpu", threads=1)
    train_classifier(data, run, log, checkpoint=sys.argv[1] + "/checkpoint.pt")
"""


def start(out):
    return subprocess.Popen([sys.executable, "-c", CHILD, str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))  # fmt: skip


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
def test_a_stopped_job_saves_says_so_and_the_rerun_resumes(tmp_path, signum):
    job = start(tmp_path)
    for line in job.stdout:
        if line.startswith("epoch 2/"):
            job.send_signal(signum)
            break
    out, err = job.communicate(timeout=120)
    assert job.returncode == 128 + signum, err
    assert "Traceback" not in out + err and err.startswith(f"Stopped by {signal.Signals(signum).name} ("), err
    saved = int(re.search(rf"after epoch (\d+)/{EPOCHS}: the checkpoint \S+ holds epoch \1; rerun", err).group(1))
    assert saved >= 2
    rerun = start(tmp_path)
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    lines = out.splitlines()
    assert lines[0] == f"resuming from {tmp_path}/checkpoint.pt after epoch {saved}/{EPOCHS}"
    trained = [int(m[1]) for ln in lines if (m := re.match(r"epoch (\d+)/\d+  ", ln))]
    assert trained == list(range(saved + 1, EPOCHS + 1))


def test_a_signal_ignored_when_the_job_started_stays_ignored(tmp_path):
    """As for a job a shell script starts with `job &`: Ctrl-C is meant for the foreground command."""
    model = torch.nn.Linear(2, 1)
    loop = EpochLoop(3, model, torch.optim.SGD(model.parameters(), lr=0.1), log=lambda s: None,
                     checkpoint=str(tmp_path / "c.pt"), settings={"a": 1})  # fmt: skip
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        for epoch in loop:
            os.kill(os.getpid(), signal.SIGINT)
            loop.end_epoch({"epoch": epoch}, "")
        assert len(loop.history) == 3 and signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)
