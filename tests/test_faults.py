"""Fault injection: every fault a user can hit ends in a message and, where the state allows, a
recovery by the next plain run, never in a traceback or a half-written output taken as done.

The faults are driven through the real workflow on copies of the shared smoke build (conftest's
`smoke_build`). What the user sees for each fault is written once, in the table of
docs/troubleshooting.md: `expect` reads a row's message from there (`…` stands for what varies,
such as a path) and checks it against the output.
"""

import contextlib
import copy
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml
from conftest import ROOT, snakemake

from nnlab.config import ConfigError, _resolve, read_yaml, validate_config
from nnlab.data import DataError, build, load_cache, save_cache
from nnlab.loop import EpochLoop, Stopped

DOC = ROOT / "docs/troubleshooting.md"
SCHEMA = ROOT / "workflow/schemas/config.schema.yaml"
SMOKE = ("--cores", "2", "--configfile", "scales/smoke.yaml")
RUN = "results/task24/mse/seed1"  # one quick training job of the smoke build (3 epochs)
RUN_LOG = "results/logs/train_task24/mse_seed1.log"
CSVS = ("history.csv", "final.csv")


def table() -> dict[str, str]:
    """The fault table of docs/troubleshooting.md: fault -> the message the user sees."""
    rows = {}
    for line in DOC.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and (m := re.fullmatch(r"`(.+)`", cells[1])):
            rows[cells[0]] = m.group(1)
    return rows


FAULTS = [
    "Cached arrays damaged",
    "Dataset sidecar damaged",
    "Cache damaged, source gone",
    "Source file truncated",
    "Source image unreadable",
    "Class folder missing",
    "Source files missing",
    "Disk full",
    "Stopped by SIGTERM or Ctrl-C",
    "Checkpoint damaged",
    "Checkpoint from other settings or code",
    "Config value of the wrong type or range",
    "Package module does not parse",
    "Output folder or .snakemake deleted",
    "Output folder deleted mid-build",
]


def test_the_table_lists_every_fault_once():
    assert list(table()) == FAULTS
    assert "docs/troubleshooting.md" in (ROOT / "README.md").read_text()


def expect(fault: str, out: str) -> None:
    """`out` holds `fault`'s message from the table (its parts in order) and no traceback."""
    at = 0
    for part in table()[fault].split("…"):
        found = out.find(part.strip(), at)
        assert found >= 0, f"{fault}: {part.strip()!r} not in the output:\n{out[-3000:]}"
        at = found + len(part.strip())
    assert "Traceback" not in out and not re.search(r'^\s*File "', out, re.M), out[-3000:]


def output(proc) -> str:
    return proc.stdout + proc.stderr


def clone(smoke_build: Path, tmp_path: Path) -> Path:
    """A copy of the finished smoke build (results, Snakemake's metadata, time stamps) to damage."""
    return Path(shutil.copytree(smoke_build, tmp_path / "wf", symlinks=True))


def planned(wd: Path, *args) -> tuple[dict[str, int], str]:
    """Jobs per rule that a dry run would run now, and its output."""
    out = output(snakemake(wd, *args, "-n", *SMOKE))
    if "Nothing to be done" in out:
        return {}, out
    stats = out[out.index("Job stats:") :].split("\n\n")[0]
    return {m[1]: int(m[2]) for m in re.finditer(r"^(\w+)\s+(\d+)$", stats, re.M) if m[1] != "total"}, out


def same_bytes(a: Path, b: Path, names=CSVS) -> None:
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


# 1. Cached arrays damaged: found before use, rebuilt from the source by the job that found them,
# which goes on; the rebuilt file is byte-identical and keeps its time stamp, so nothing else reruns.


def flip(path: Path, member: str) -> None:
    """Flip one byte in the middle of a member's data, keeping the time stamp (as bit rot does)."""
    stat = path.stat()
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(member)
    data = bytearray(path.read_bytes())
    name_len, extra_len = int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little"), int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")  # fmt: skip
    data[info.header_offset + 30 + name_len + extra_len + info.file_size // 2] ^= 0xFF
    path.write_bytes(data)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


@pytest.fixture
def cache(tmp_path):
    recipe = {"dataset": "mnist", "settings": {"source": "synthetic", "synthetic": {"n_train": 60, "n_test": 20, "seed": 0}}, "data_dir": str(tmp_path)}  # fmt: skip
    ds, where = build(**recipe)
    npz, meta = tmp_path / "mnist.npz", tmp_path / "mnist.json"
    save_cache(ds, npz, meta, where, recipe)
    return npz, meta, npz.read_bytes(), meta.read_text(), recipe


@pytest.mark.parametrize("member", ["classes.npy", "x_train.npy", "y_train.npy", "x_test.npy", "y_test.npy"])
def test_any_damaged_member_is_rebuilt_on_load(cache, member):
    npz, meta, good, _, _ = cache
    os.utime(meta, ns=(10**18, 10**18))
    flip(npz, member)
    lines = []
    ds = load_cache(npz, meta, log=lines.append)
    assert npz.read_bytes() == good and npz.stat().st_mtime_ns == 10**18
    assert ds.x_train.shape == (60, 28, 28, 1)
    expect("Cached arrays damaged", "\n".join(lines))
    assert member.removesuffix(".npy") in lines[0] and len(lines) == 1
    assert sorted(p.name for p in npz.parent.iterdir()) == ["mnist.json", "mnist.npz"]  # no temp files


def test_truncated_or_missing_cache_and_wrong_sidecar_checksums_are_repaired(cache):
    npz, meta, good, good_meta, _ = cache
    for damage in (lambda: npz.write_bytes(good[:1000]), npz.unlink):
        damage()
        lines = []
        load_cache(npz, meta, log=lines.append)
        assert npz.read_bytes() == good and len(lines) == 1
    wrong = json.loads(good_meta)
    wrong["sha256"]["y_test"] = "0" * 64
    meta.write_text(json.dumps(wrong))
    lines = []
    load_cache(npz, meta, log=lines.append)
    assert json.loads(meta.read_text()) == json.loads(good_meta) and "sidecar was wrong" in lines[0]


def test_damaged_sidecar_deletes_the_cache_and_says_rerun(cache):
    npz, meta, *_ = cache
    meta.write_text('{"name": "mnist", "sha2')  # cut short
    with pytest.raises(DataError) as err:
        load_cache(npz, meta)
    expect("Dataset sidecar damaged", str(err.value))
    assert not npz.exists() and not meta.exists()


def test_damaged_cache_without_its_source_says_what_to_provide(cache, tmp_path):
    npz, meta, good, good_meta, recipe = cache
    recipe = {**recipe, "settings": {**recipe["settings"], "source": "files"}}
    meta.write_text(json.dumps({**json.loads(good_meta), "recipe": recipe}))
    npz.write_bytes(good[:-10])
    with pytest.raises(DataError) as err:
        load_cache(npz, meta)
    expect("Cache damaged, source gone", str(err.value))
    assert "train-images-idx3-ubyte" in str(err.value) and str(tmp_path) in str(err.value)


@pytest.mark.slow
def test_workflow_job_rebuilds_a_damaged_cache_and_nothing_else_reruns(smoke_build, tmp_path):
    wd = clone(smoke_build, tmp_path)
    npz = wd / "results/data/mnist.npz"
    good = npz.read_bytes()
    flip(npz, "x_train.npy")  # the example: zipfile.BadZipFile deep in numpy before
    proc = snakemake(wd, f"{RUN}/final.csv", "-f", *SMOKE)
    expect("Cached arrays damaged", output(proc))
    assert npz.read_bytes() == good
    same_bytes(wd / RUN, smoke_build / RUN)
    # the cache keeps its time stamp: no other training job is out of date
    plan, _ = planned(wd)
    assert not {r for r in plan if r.startswith(("train", "prepare"))}, plan


# 2. Source data damaged: the prepare job names the file and stops before any training.


def write_jpeg_folder(root: Path, classes: list[str]) -> Path:
    from PIL import Image

    rng = np.random.default_rng(0)
    for split, n in (("train", 2), ("test", 1)):
        for cls in classes:
            (root / split / cls).mkdir(parents=True)
            for i in range(n):
                Image.fromarray(rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)).save(root / split / cls / f"{i}.jpg")
    return root


@pytest.mark.slow
def test_damaged_source_stops_the_prepare_job_before_training(tmp_path):
    from test_data import write_mnist

    from nnlab.data.sources import CIFAR10_CLASSES

    wd = Path(shutil.copytree(ROOT, tmp_path / "wf", ignore=__import__("conftest").IGNORE))
    data = tmp_path / "data"
    write_mnist(data)
    gz = data / "MNIST/raw/train-images-idx3-ubyte.gz"
    gz.write_bytes(gz.read_bytes()[:-40])
    jpeg = write_jpeg_folder(data / "cifar10-jpeg", CIFAR10_CLASSES) / "train/cat/1.jpg"
    jpeg.write_bytes(b"\xff\xd8\xff\xe0 not really a JPEG")
    (wd / "files.yaml").write_text("datasets: {mnist: {source: files}, cifar10: {source: files}}\n")
    targets = ["results/data/mnist.npz", "results/data/cifar10.npz", f"{RUN}/final.csv"]
    args = ("--cores", "2", "--configfile", "files.yaml")
    proc = snakemake(wd, *targets, *args, check=False, env={"NNLAB_DATA": str(data)})
    assert proc.returncode != 0
    expect("Source file truncated", output(proc))
    expect("Source image unreadable", output(proc))
    assert str(gz) in output(proc) and str(jpeg) in output(proc)
    assert not list((wd / "results/data").glob("*.np*")) and not (wd / RUN_LOG).exists()  # no training started
    # one class folder missing
    jpeg.unlink()
    shutil.rmtree(data / "cifar10-jpeg/train/truck")
    proc = snakemake(wd, targets[1], *args, check=False, env={"NNLAB_DATA": str(data)})
    assert proc.returncode != 0
    expect("Class folder missing", output(proc))
    assert "truck" in output(proc) and not (wd / "results/data/cifar10.npz").exists()


@pytest.mark.slow
def test_missing_source_files_stop_before_any_job(tmp_path):
    wd = Path(shutil.copytree(ROOT, tmp_path / "wf", ignore=__import__("conftest").IGNORE))
    empty = tmp_path / "empty"
    empty.mkdir()
    (wd / "files.yaml").write_text("datasets: {mnist: {source: files}}\n")
    proc = snakemake(wd, "-n", "--configfile", "files.yaml", check=False, env={"NNLAB_DATA": str(empty)})
    assert proc.returncode != 0 and not (wd / "results").exists()
    expect("Source files missing", output(proc))
    # it names the folder, the files it looked for and how to point at others
    assert f"No mnist files in {empty}" in output(proc)
    assert "train-images-idx3-ubyte" in output(proc) and "NNLAB_DATA" in output(proc)


# 3. The disk fills up while a job writes.


@contextlib.contextmanager
def full_disk(folder: Path):
    """Put `folder`'s parent, contents and all, on a small tmpfs and fill it up; yield the filler file
    (delete it to free space). The tmpfs is unmounted afterwards, whatever happens."""
    parent = folder.parent
    kept = parent.rename(parent.with_name(parent.name + ".kept"))
    parent.mkdir()
    mount = ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(parent)]
    if (proc := subprocess.run(mount, capture_output=True, text=True)).returncode != 0:
        parent.rmdir()
        kept.rename(parent)
        pytest.skip(f"cannot mount a tmpfs here (needs root / CAP_SYS_ADMIN): {proc.stderr.strip()}")
    try:
        shutil.copytree(kept, parent, dirs_exist_ok=True)
        filler = parent / "filler"
        with contextlib.suppress(OSError), open(filler, "wb") as f:
            while True:
                f.write(bytes(1 << 16))
                f.flush()
        yield filler
    finally:
        subprocess.run(["umount", "-l", str(parent)], check=True)


@pytest.mark.slow
@pytest.mark.parametrize(
    "folder,target,first",
    [
        (RUN, f"{RUN}/final.csv", "checkpoint.pt"),
        ("results/task24/figures", "results/task24/figures/accuracy.pdf", ".pdf"),
    ],
    ids=["training job", "figure"],
)
def test_disk_full_fails_naming_the_file_and_the_rerun_finishes(smoke_build, tmp_path, folder, target, first):
    wd = clone(smoke_build, tmp_path)
    for f in (wd / folder).iterdir():
        f.unlink()
    with full_disk(wd / folder) as filler:
        proc = snakemake(wd, target, *SMOKE, check=False)
        assert proc.returncode != 0
        expect("Disk full", output(proc))
        assert re.search(rf"writing {re.escape(folder)}/\S*{re.escape(first)}", output(proc)), output(proc)[-2000:]
        assert not list((wd / folder).glob("*"))  # nothing half-written (no temp file either)
        filler.unlink()  # space freed: the same command finishes, with the bytes of an undisturbed run
        snakemake(wd, target, *SMOKE)
        names = sorted(f.name for f in (smoke_build / folder).iterdir())
        assert names == sorted(f.name for f in (wd / folder).iterdir())
        same_bytes(wd / folder, smoke_build / folder, [n for n in names if n != "timing.csv"])  # (wall clock)


# 4. SIGTERM (a Slurm time limit): the checkpoint is saved, the rerun resumes from it.


def job_process(wd: Path, script: str) -> int | None:
    """The pid of the Python process running `script` under `wd` (not the shell that started it)."""
    for proc in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            argv = (proc / "cmdline").read_text().split("\0")
            if "python" in Path(argv[0]).name and argv[1].endswith(script) and Path(os.readlink(proc / "cwd")) == wd:
                return int(proc.name)
    return None


@pytest.mark.slow
def test_sigterm_saves_the_checkpoint_and_the_rerun_resumes(smoke_build, tmp_path):
    wd = clone(smoke_build, tmp_path)
    (wd / "long.yaml").write_text("task24: {epochs: 40}\n")
    args = (f"{RUN}/final.csv", *SMOKE, "long.yaml")
    exe = Path(sys.executable).with_name("snakemake")
    proc = subprocess.Popen([str(exe), *args], cwd=wd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log = wd / RUN_LOG
    deadline = time.monotonic() + 300
    while not (log.exists() and "epoch 3/40" in log.read_text()):
        assert proc.poll() is None and time.monotonic() < deadline, proc.stdout.read()
        time.sleep(0.1)
    pid = job_process(wd, "train_classifier.py")
    assert pid, "the training job's process is not running"
    os.kill(pid, signal.SIGTERM)  # only the job: what it does with the signal is under test
    out = proc.communicate(timeout=120)[0]
    assert proc.returncode != 0
    expect("Stopped by SIGTERM or Ctrl-C", out)
    saved = int(re.search(r"holds epoch (\d+)", out).group(1))
    assert saved >= 3 and (wd / RUN / "checkpoint.pt").exists() and not (wd / RUN / "history.csv").exists()
    # the rerun resumes and ends with the bytes of an undisturbed run
    snakemake(wd, *args)
    assert f"resuming from {RUN}/checkpoint.pt after epoch {saved}/40" in log.read_text()
    resumed = {n: (wd / RUN / n).read_bytes() for n in CSVS}
    snakemake(wd, "-f", *args)
    assert "resuming" not in log.read_text()
    assert resumed == {n: (wd / RUN / n).read_bytes() for n in CSVS}
    assert not (wd / RUN / "checkpoint.pt").exists()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)  # a time limit, Ctrl-C
def test_a_stop_signal_in_a_long_epoch_abandons_it_with_the_last_saved_epoch(tmp_path, monkeypatch, signum):
    monkeypatch.setattr("nnlab.loop.GRACE_S", 0.1)  # epochs of 0.3 s are "long"
    model = torch.nn.Linear(2, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    ck = str(tmp_path / "c.pt")
    loop = EpochLoop(5, model, opt, log=lambda s: None, checkpoint=ck, settings={"a": 1})
    before = signal.getsignal(signum)
    with pytest.raises(Stopped) as err:
        for epoch in loop:
            if epoch == 3:
                os.kill(os.getpid(), signum)  # the handler runs at once, in the epoch's code
            time.sleep(0.3)
            loop.end_epoch({"epoch": epoch}, "")
    assert str(err.value).startswith(f"Stopped by {signal.Signals(signum).name} (") and "in epoch 3/5" in str(err.value)
    assert "holds epoch 2" in str(err.value) and err.value.exit_code == 128 + signum
    assert signal.getsignal(signum) is before  # the handler is gone with the loop
    lines = []
    again = EpochLoop(5, model, opt, log=lines.append, checkpoint=ck, settings={"a": 1})
    assert lines == [f"resuming from {ck} after epoch 2/5"] and len(again.history) == 2


# 5. A checkpoint from other code or settings, or a damaged one: ignored with one line, clean start.


@pytest.mark.slow
def test_foreign_or_damaged_checkpoints_are_ignored(smoke_build, tmp_path):
    wd = clone(smoke_build, tmp_path)
    other = RUN.replace("seed1", "seed2")
    (wd / RUN / "checkpoint.pt").write_bytes(b"PK\x03\x04 half a zip file")
    torch.save({"fingerprint": "written by an older version"}, wd / other / "checkpoint.pt")
    proc = snakemake(wd, f"{RUN}/final.csv", f"{other}/final.csv", "-f", *SMOKE)
    logs = {run: (wd / RUN_LOG.replace("seed1", run[-5:])).read_text() for run in (RUN, other)}
    expect("Checkpoint damaged", logs[RUN])
    expect("Checkpoint from other settings or code", logs[other])
    assert not any("resuming" in text for text in logs.values()), output(proc)
    for run in (RUN, other):
        same_bytes(wd / run, smoke_build / run)


# 6. Generated config values of the right key but the wrong type or range.

BASE = read_yaml(ROOT / "config.yaml")
SCHEMA_DOC = read_yaml(SCHEMA)
# Numbers of any sign (every other number must have a range in the schema).
SIGNED = {"task25.data.low", "task25.data.high"}
# Layer widths may be empty (fewer layers); any other list must be non-empty or say in its
# description what an empty one means.
LAYERS = re.compile(r"\.(hidden|dense)$")
LOOSE = []  # settings whose schema lets a wrong value through (test_every_setting_has_a_range)


def settings(node, schema, path=()):
    """(key path, schema node) of every setting and group of settings in config.yaml."""
    schema = _resolve(schema, SCHEMA_DOC)
    if path:
        yield path, schema
    if isinstance(node, dict):
        for k, v in node.items():
            sub = schema.get("properties", {}).get(k) or schema.get("additionalProperties")
            if isinstance(sub, dict):
                yield from settings(v, sub, (*path, k))


BOUNDS = {"minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"}


def outside(s: dict, v) -> bool:
    return (
        v < s.get("minimum", -np.inf) or v <= s.get("exclusiveMinimum", -np.inf)
        or v > s.get("maximum", np.inf) or v >= s.get("exclusiveMaximum", np.inf)
    )  # fmt: skip


def generated_cases():
    """(key path, bad value) for every setting: wrong types, out-of-range numbers, empty or scalar lists."""
    cases = []
    for path, s in settings(BASE, SCHEMA_DOC):
        key, t = ".".join(path), s.get("type")
        if t in ("integer", "number"):
            cases += [(path, "ten")]
            if not (key in SIGNED or BOUNDS & set(s)):
                LOOSE.append(f"{key}: the schema gives no range")
            cases += [(path, v) for v in (-1, 0, 1) if outside(s, v)]
            if t == "integer":
                cases += [(path, 1e12)]  # read as a float
        elif t == "array":
            cases += [(path, 3)]
            if s.get("minItems", 0) >= 1:
                cases.append((path, []))
            elif not (LAYERS.search(key) or "empty" in s.get("description", "").lower()):
                LOOSE.append(f"{key}: the schema allows an empty list without saying what it means")
        elif "enum" in s:
            cases += [(path, "no-such-choice")]
        elif t == "string":
            cases += [(path, 12)]
        elif t == "boolean":
            cases += [(path, "yes")]
        elif t == "object":
            cases += [(path, 3)]
    return cases


CASES = generated_cases()


def with_value(path, value) -> dict:
    cfg = copy.deepcopy(BASE)
    d = cfg
    for p in path[:-1]:
        d = d[p]
    d[path[-1]] = value
    return cfg


def test_at_least_100_generated_config_cases():
    assert len(CASES) >= 100, len(CASES)


def test_every_setting_has_a_range():
    assert not LOOSE, LOOSE


@pytest.mark.parametrize("path,value", CASES, ids=[f"{'.'.join(p)}={v!r}" for p, v in CASES])
def test_generated_bad_config_value_is_rejected_naming_the_key(path, value):
    with pytest.raises(ConfigError) as err:
        validate_config(with_value(path, value), SCHEMA)
    expect("Config value of the wrong type or range", str(err.value))
    assert f"  - {'.'.join(path)}" in str(err.value), str(err.value)


@pytest.mark.slow
def test_a_package_module_that_does_not_parse_stops_before_any_job(tmp_path):
    """The jobs' code dependencies are derived from the package's syntax trees: a module that does
    not parse (here one no job of the target imports) stops the run, naming the file and line."""
    wd = Path(shutil.copytree(ROOT, tmp_path / "wf", ignore=__import__("conftest").IGNORE))
    vae = wd / "src/nnlab/vae/model.py"
    vae.write_text(vae.read_text() + "\ndef broken(:\n    pass\n")
    proc = snakemake(wd, "-n", "results/task24/table.csv", *SMOKE, check=False)
    assert proc.returncode != 0 and not (wd / "results").exists()
    expect("Package module does not parse", output(proc))
    assert "src/nnlab/vae/model.py, line" in output(proc)


@pytest.mark.slow
def test_bad_config_stops_the_cli_before_any_job_without_a_traceback(tmp_path):
    wd = Path(shutil.copytree(ROOT, tmp_path / "wf", ignore=__import__("conftest").IGNORE))
    picks = [CASES[i] for i in range(0, len(CASES), max(1, len(CASES) // 6))][:6]
    overlay = {}
    for path, value in picks:
        d = overlay
        for p in path[:-1]:
            d = d.setdefault(p, {})
        d[path[-1]] = value
    overlay.setdefault("task24", {})["epochs"] = 0  # and one whose message is known word for word
    (wd / "bad.yaml").write_text(yaml.safe_dump(overlay))
    proc = snakemake(wd, "-n", "--configfile", "bad.yaml", check=False)
    assert proc.returncode != 0 and not (wd / "results").exists()
    expect("Config value of the wrong type or range", output(proc))
    assert "task24.epochs: 0 is less than the minimum of 1" in output(proc)
    for path, _ in picks:
        assert f"  - {'.'.join(path)}" in output(proc), path


def test_job_failures_are_messages_and_bugs_keep_their_traceback(tmp_path, capsys):
    import errno

    from nnlab.logs import tee_to

    log = tmp_path / "job.log"
    failures = [
        (DataError("x.npz is damaged; do this"), "x.npz is damaged; do this"),
        (
            OSError(errno.ENOSPC, "No space left on device", "out/a.csv"),
            "No space left on device while writing out/a.csv",
        ),
        (FileNotFoundError(errno.ENOENT, "No such file", "out/b.csv"), "out/b.csv is missing: was it deleted while"),
    ]
    for err, message in failures:
        with pytest.raises(SystemExit) as stop, tee_to(log):
            raise err
        assert stop.value.code == 1
        err_out = capsys.readouterr().err
        assert message in err_out and "Traceback" not in err_out
        assert "Traceback" in log.read_text() and message in log.read_text()
    with pytest.raises(ValueError), tee_to(log):  # a bug: its traceback is for the developer
        raise ValueError("a bug")
    assert "Traceback" in log.read_text()


# 7. A job's output folder and Snakemake's metadata deleted: the next run rebuilds what is
# missing (and what is made from it), nothing else.


@pytest.mark.slow
def test_deleted_output_folder_and_metadata_rebuild_only_what_is_missing(smoke_build, tmp_path):
    wd = clone(smoke_build, tmp_path)
    shutil.rmtree(wd / RUN)
    shutil.rmtree(wd / ".snakemake")
    plan, out = planned(wd)
    expect("Output folder or .snakemake deleted", out)
    # the run's job and its downstream (its task's table and figures, the report), nothing else
    downstream = ["summarize_task24", "plot_task24", "collect_benchmarks", "render_report", "compile_report"]
    downstream += ["write_results", "all"]
    assert plan == dict.fromkeys(["train_task24", *downstream], 1), plan
    snakemake(wd, *SMOKE)
    same_bytes(wd / RUN, smoke_build / RUN)
    assert planned(wd)[0] == {}


@pytest.mark.slow
def test_output_folder_deleted_mid_build_fails_with_a_message_and_the_rerun_rebuilds_it(smoke_build, tmp_path):
    wd = clone(smoke_build, tmp_path)
    other = RUN.replace("seed1", "seed2")
    shutil.rmtree(wd / RUN)
    (wd / RUN_LOG).unlink()  # it appears again when RUN's job starts
    args = (f"{RUN}/final.csv", "results/task24/table.csv", *SMOKE)
    exe = Path(sys.executable).with_name("snakemake")
    proc = subprocess.Popen([str(exe), *args], cwd=wd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 300
    while not (wd / RUN_LOG).exists():  # the DAG is built and RUN's job has started
        assert proc.poll() is None and time.monotonic() < deadline, proc.stdout.read()
        time.sleep(0.05)
    shutil.rmtree(wd / other)  # a finished job's outputs, which the table (still to come) reads
    out = proc.communicate(timeout=300)[0]
    assert proc.returncode != 0
    expect("Output folder deleted mid-build", out)
    assert other in out
    snakemake(wd, *args)  # the rerun rebuilds the deleted run
    for run in (RUN, other):
        same_bytes(wd / run, smoke_build / run)
