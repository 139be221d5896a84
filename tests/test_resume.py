"""Crash and resume: a training job killed with SIGKILL and rerun gives byte-identical CSVs.

Each kind of long training loop (classifier, task 25's regression, task 33's VAE) runs in a child
process that trains with a checkpoint and writes its CSVs as the workflow job does. The child is
killed at several points, run again, and must resume (not start over) and end with the files of an
uninterrupted run.
"""

import errno
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import replace

import numpy as np
import pytest
import torch

from nnlab import checkpoint as ckpt
from nnlab.data.synthetic import make_synthetic
from nnlab.engine import ClassifierSettings, train_classifier
from nnlab.errors import user_message
from nnlab.latent.autoencoder import AutoencoderSettings
from nnlab.regression.train import RegressionSettings, make_data, train_regressor
from nnlab.vae.model import VAESettings, load_vae, train_vae

# argv: kind, output folder, epochs. Each log line is printed at once and followed by a short
# pause, so the parent sees epoch k end before the child is far into epoch k+1.
CHILD = """
import sys, time
kind, out, epochs = sys.argv[1], sys.argv[2], int(sys.argv[3])
ck = out + "/checkpoint.pt"
def log(line):
    print(line, flush=True)
    time.sleep(0.05)
run = dict(epochs=epochs, device="cpu", threads=1)
if kind == "classifier":
    from nnlab.data.synthetic import make_synthetic
    from nnlab.engine import ClassifierSettings, train_classifier
    from nnlab.results import write_run
    data = make_synthetic("mnist", 2000, 300, seed=0)
    settings = ClassifierSettings(model_spec={"kind": "mlp", "hidden": [256, 256]}, batch_size=32, seed=3, **run)
    r = train_classifier(data, settings, log, ck)
    write_run(r, {"task": 0}, out + "/history.csv", out + "/final.csv", out + "/timing.csv")
elif kind == "regression":
    from nnlab.regression.train import RegressionSettings, make_data, train_regressor, write_regression_run
    x, y = make_data(400, -10.0, 10.0, 0.01, seed=0)
    settings = RegressionSettings(hidden=[32, 16], batch_size=20, seed=1, grid_size=21, **run)
    r = train_regressor(x, y, settings, log, log_every=1, checkpoint=ck, checkpoint_every_s=0)
    write_regression_run(r, {"task": 25}, y, *(out + f"/{n}.csv" for n in ("history", "final", "timing", "grid")))
elif kind == "vae":
    from nnlab.data.synthetic import make_synthetic
    from nnlab.results import write_rows
    from nnlab.vae.model import HISTORY_FIELDS, VAESettings, final_row, save_vae, train_vae
    data = make_synthetic("mnist", 400, 100, seed=0)
    r = train_vae(data, VAESettings(latent_dim=4, channels=[4, 8], batch_size=32, seed=3, **run), log, ck)
    save_vae(r.model, out + "/model.pt")
    write_rows(out + "/history.csv", r.history, HISTORY_FIELDS)
    write_rows(out + "/final.csv", [final_row(r, {"task": 33}, 784)])
"""
EPOCHS = 8  # slack after the last kill point, so a slow reader still kills mid-run
KILL_AFTER = [1, 2, 4]
CSVS = {"classifier": ["history", "final"], "regression": ["history", "final", "grid"], "vae": ["history", "final"]}


def run_child(kind, out, kill_after_epoch=None):
    """Run the child to the end, or SIGKILL it soon after it logs epoch `kill_after_epoch`.

    Returns (exit status, the lines it printed).
    """
    proc = subprocess.Popen([sys.executable, "-c", CHILD, kind, str(out), str(EPOCHS)], stdout=subprocess.PIPE,
                            text=True, env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))  # fmt: skip
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if kill_after_epoch and line.startswith(f"epoch {kill_after_epoch}/"):
            time.sleep(0.02 * kill_after_epoch)  # land at different points: in the save, or after it
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait()
    return proc.returncode, lines


@pytest.fixture(scope="module", params=list(CSVS))
def reference(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(f"ref-{request.param}")
    rc, lines = run_child(request.param, out)
    assert rc == 0 and not any("resuming" in ln for ln in lines)
    return request.param, out


@pytest.mark.parametrize("kill_after", KILL_AFTER)
def test_killed_run_resumes_to_identical_csvs(reference, tmp_path, kill_after):
    kind, ref = reference
    rc, _ = run_child(kind, tmp_path, kill_after)
    assert rc == -signal.SIGKILL
    assert not (tmp_path / "history.csv").exists()  # nothing half-written is left to trust
    rc, lines = run_child(kind, tmp_path)
    assert rc == 0
    # It resumed: epoch k-1 was saved before epoch k's line was printed (for k = 1 there may be
    # nothing yet), and it did not finish before the kill.
    resumed = [int(m.group(1)) for ln in lines if (m := re.match(r"resuming from .* after epoch (\d+)/", ln))]
    if kill_after > 1:
        assert resumed and kill_after - 1 <= resumed[0] < EPOCHS, lines[:3]
    done = resumed[0] if resumed else 0
    # ... and trained only the epochs after the checkpoint
    trained = [int(m.group(1)) for ln in lines if (m := re.match(r"epoch (\d+)/\d+  ", ln))]
    assert trained == list(range(done + 1, EPOCHS + 1))
    for name in CSVS[kind]:
        assert (tmp_path / f"{name}.csv").read_bytes() == (ref / f"{name}.csv").read_bytes(), name
    if kind == "vae":  # the final model too, weight for weight
        a, b = load_vae(tmp_path / "model.pt").state_dict(), load_vae(ref / "model.pt").state_dict()
        assert all(torch.equal(a[k], b[k]) for k in a)


# Changed settings or data: the checkpoint is ignored and the run starts clean, with the result of
# a run that never had one; unchanged, it resumes. One case per kind of loop.
CPU = dict(device="cpu", threads=1)


def classifier(lr=1e-3, data_seed=0, **kw):
    data = make_synthetic("mnist", 300, 100, seed=data_seed)
    run = ClassifierSettings(model_spec={"kind": "mlp", "hidden": [8]}, lr=lr, epochs=2, batch_size=64, seed=1, **CPU)
    return train_classifier(data, run, **kw)


def regression(lr=1e-3, data_seed=0, **kw):
    x, y = make_data(200, -10.0, 10.0, 0.01, seed=data_seed)
    run = RegressionSettings(hidden=[8], lr=lr, epochs=3, batch_size=50, seed=1, grid_size=5, **CPU)
    return train_regressor(x, y, run, log_every=1, **kw)


def vae(lr=1e-3, data_seed=0, **kw):
    data = make_synthetic("mnist", 128, 64, seed=data_seed)
    return train_vae(
        data, VAESettings(latent_dim=2, channels=[2, 4], lr=lr, epochs=2, batch_size=64, seed=1, **CPU), **kw
    )


@pytest.mark.parametrize("train", [classifier, regression, vae])
def test_changed_settings_or_data_start_clean(tmp_path, train):
    ck = str(tmp_path / "c.pt")
    lines = []
    common = dict(checkpoint=ck, log=lines.append)
    train(**common)
    assert os.path.exists(ck)
    changed_lr = train(lr=0.01, **common)  # other settings: starts clean
    changed_data = train(lr=0.01, data_seed=1, **common)  # other data: starts clean
    assert not any("resuming" in ln for ln in lines)
    fresh = train(lr=0.01, **(common | {"checkpoint": None}))
    assert changed_lr.history == fresh.history
    assert changed_data.history != fresh.history  # (the data change is real)
    lines.clear()
    resumed = train(lr=0.01, data_seed=1, **common)  # unchanged since the last run: resumes after it
    assert lines[0].startswith("resuming from") and f"after epoch {len(resumed.history)}/" in lines[0]
    assert resumed.history == changed_data.history and not any(ln.startswith("epoch ") for ln in lines)


def test_checkpoints_are_fingerprinted_with_the_settings_they_had_before_the_settings_objects():
    """The same keys and values as when each trainer took its settings as keyword arguments, so that a
    checkpoint a job left then still resumes: a setting that does not change results (the evaluation
    batch) stays out, and one added later (the VAE's optimiser) comes in only when set."""
    common = dict(lr=0.01, epochs=2, batch_size=64, seed=1, device="cpu", threads=2, init="torch", precision="fp32")
    spec = {"kind": "mlp", "hidden": [8]}
    clf = ClassifierSettings(model_spec=spec, eval_batch_size=7, **common)
    assert clf.checkpoint_settings() == dict(model_spec=spec, loss="cross_entropy", optimizer="adam", **common)
    options = replace(clf, optimizer_options={"eps": 1e-7}).checkpoint_settings()
    assert options == clf.checkpoint_settings() | {"optimizer_options": {"eps": 1e-7}}
    assert replace(clf, optimizer_options={}).checkpoint_settings() == clf.checkpoint_settings()
    ae = AutoencoderSettings(hidden=[8], **common).checkpoint_settings()
    assert ae == dict(hidden=[8], latent=2, activation="relu", loss="bce", optimizer="adam", **common)
    reg = RegressionSettings(hidden=[8], **common).checkpoint_settings()
    assert reg == dict(hidden=[8], activation="relu", optimizer="adam", grid_size=101, grid_range=(-10.0, 10.0),
                       center_radius=3.0, **common)  # fmt: skip
    vae = VAESettings(latent_dim=2, channels=[2, 4], **common)
    assert vae.checkpoint_settings() == dict(latent_dim=2, channels=[2, 4], likelihood="bernoulli", **common)
    assert replace(vae, optimizer="sgd").checkpoint_settings() == vae.checkpoint_settings() | {"optimizer": "sgd"}


def test_damaged_checkpoint_is_ignored(tmp_path):
    ck = tmp_path / "c.pt"
    whole = regression(log=lambda s: None)
    ck.write_bytes(b"PK\x03\x04 half a zip file")  # what a non-atomic writer could leave behind
    lines = []
    r = regression(checkpoint=str(ck), log=lines.append)
    assert not any("resuming" in ln for ln in lines) and r.history == whole.history


class Killed(Exception):
    pass


def test_regression_saves_every_few_seconds_and_after_the_last_epoch(tmp_path):
    """Its epochs take milliseconds: `checkpoint_every_s` spaces the saves, the last epoch is always saved."""
    ck = tmp_path / "c.pt"

    def die_at_epoch_3(line):
        if line.startswith("epoch 3/"):
            raise Killed

    for every, saved in [(3600, False), (0, True)]:
        ck.unlink(missing_ok=True)
        with pytest.raises(Killed):
            regression(checkpoint=str(ck), checkpoint_every_s=every, log=die_at_epoch_3)
        assert ck.exists() == saved, every
    ck.unlink()
    whole = regression(checkpoint=str(ck), checkpoint_every_s=3600, log=lambda s: None)
    lines = []
    again = regression(checkpoint=str(ck), checkpoint_every_s=3600, log=lines.append)
    assert lines == [f"resuming from {ck} after epoch 3/3"]  # nothing left to train
    assert again.history == whole.history and again.errors == whole.errors
    assert np.array_equal(again.grid["prediction"], whole.grid["prediction"])


# The save itself: streamed into a temporary file that replaces the checkpoint only once complete.
def test_a_saved_checkpoint_loads_back_equal(tmp_path):
    model = torch.nn.Linear(3, 2)
    opt = torch.optim.Adam(model.parameters())
    model(torch.ones(4, 3)).sum().backward()
    opt.step()
    state = {"fingerprint": "f", "model": model.state_dict(), "optimizer": opt.state_dict(),
             "rng": torch.get_rng_state(), "cuda_rng": None, "records": b"\x80history"}  # fmt: skip
    ckpt.save(tmp_path / "c.pt", state)
    assert [p.name for p in tmp_path.iterdir()] == ["c.pt"]  # no temporary file left
    back = ckpt.load(tmp_path / "c.pt", "f")
    assert equal(back, state)


def equal(a, b) -> bool:
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(equal, a, b))
    if isinstance(a, torch.Tensor):
        return isinstance(b, torch.Tensor) and a.dtype == b.dtype and torch.equal(a, b)
    return a == b


class FullDisk:
    """The temporary file on a disk with `room` bytes left: a write past it fails as the OS's does."""

    def __init__(self, f, room: int):
        self.f, self.room = f, room

    def write(self, data) -> int:
        if len(data) > self.room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= len(data)
        return self.f.write(data)

    def flush(self) -> None:
        self.f.flush()


def test_a_save_cut_short_by_a_full_disk_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    ck = tmp_path / "c.pt"
    ckpt.save(ck, {"fingerprint": "old", "w": torch.zeros(10)})
    old = ck.read_bytes()
    real_save = torch.save  # torch's own zip writer, failing mid-write: it wraps the OSError in a RuntimeError
    monkeypatch.setattr(torch, "save", lambda obj, f: real_save(obj, FullDisk(f, 4096)))
    with pytest.raises(OSError) as err:
        ckpt.save(ck, {"fingerprint": "new", "w": torch.ones(100_000)})
    assert err.value.errno == errno.ENOSPC and err.value.filename == str(ck)
    assert f"No space left on device while writing {ck} " in user_message(err.value)
    assert ck.read_bytes() == old and [p.name for p in tmp_path.iterdir()] == ["c.pt"]
