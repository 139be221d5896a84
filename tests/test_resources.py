"""nnlab.resources.memory_guard: a job's mem_mb enforced on resident memory, in real processes.

Each case runs in a fresh Python process, so its resident peak is that process's alone.
"""

import re
import subprocess
import sys
import textwrap

import pytest

from nnlab.resources import out_of_memory_message

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")

PEAK = re.compile(r"peak resident memory (\d+) MB of mem_mb=(\d+) \(rule (\w+)\)")


def run(code: str, *args, cwd=None):
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
    )


# A job that writes one output atomically, then holds `hold` MB touched (resident) while it writes a
# second output, then writes a third.
JOB = """
    import sys, time
    import numpy as np
    from pathlib import Path
    from nnlab.io import atomic_path, write_text
    from nnlab.resources import memory_guard

    out, mem_mb, hold = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    with memory_guard("train_demo", "run {'seed': 1}", mem_mb):
        write_text(out / "first.txt", "done")
        with atomic_path(out / "second.txt") as tmp:
            tmp.write_text("half")
            block = np.ones(hold * 2**20 // 8)  # 8-byte ones: every page touched
            time.sleep(1.0)
            tmp.write_text("whole")
        write_text(out / "third.txt", "done")
"""


def base_mb(tmp_path) -> int:
    proc = run(JOB, tmp_path, 100_000, 1)
    assert proc.returncode == 0, proc.stderr
    return int(PEAK.search(proc.stdout).group(1))


def test_a_job_within_its_request_runs_and_logs_its_peak(tmp_path):
    base = base_mb(tmp_path)
    proc = run(JOB, tmp_path, base + 400, 200)
    assert proc.returncode == 0, proc.stderr
    peak, mem_mb, rule = PEAK.search(proc.stdout).groups()
    assert base + 190 <= int(peak) < base + 400 and mem_mb == str(base + 400) and rule == "train_demo"
    assert all((tmp_path / f).read_text() == t for f, t in [("first.txt", "done"), ("second.txt", "whole")])


def test_resident_memory_past_the_request_ends_the_job_with_the_fix(tmp_path):
    base = base_mb(tmp_path)
    for f in tmp_path.iterdir():
        f.unlink()
    mem_mb = base + 150
    proc = run(JOB, tmp_path, mem_mb, 250)  # 100 MB over
    assert proc.returncode == 1
    assert out_of_memory_message("train_demo", "run {'seed': 1}", mem_mb) in proc.stderr
    assert f"--set-resources train_demo:mem_mb={2 * mem_mb}" in proc.stderr
    assert "Traceback" not in proc.stderr
    # what was written before stays whole; the output being written is not left half-done
    assert sorted(f.name for f in tmp_path.iterdir()) == ["first.txt"]


def test_virtual_reservations_do_not_count(tmp_path):
    # 4 GB of address space reserved but never touched: RLIMIT_DATA counted it, resident memory does not.
    proc = run(
        """
        import mmap
        from nnlab.resources import memory_guard
        with memory_guard("train_demo", "run", 1000):
            reserved = mmap.mmap(-1, 4 * 2**30)
            reserved[0] = 1
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert int(PEAK.search(proc.stdout).group(1)) < 1000


def test_a_failed_allocation_gives_the_same_message():
    # An allocation the system refuses (1 TiB) is reported like an exceeded request.
    proc = run(
        """
        import torch
        from nnlab.resources import memory_guard
        with memory_guard("train_demo", "run", 100_000):
            torch.empty(2**40, dtype=torch.uint8)
        """
    )
    assert proc.returncode == 1
    assert out_of_memory_message("train_demo", "run", 100_000) in proc.stderr
    assert "Traceback" not in proc.stderr


def test_other_errors_pass_through():
    proc = run(
        """
        from nnlab.resources import memory_guard
        with memory_guard("train_demo", "run", 100_000):
            raise ValueError("not about memory")
        """
    )
    assert proc.returncode == 1 and "ValueError: not about memory" in proc.stderr and "Out of memory" not in proc.stderr


# Training that, while logging epoch 2, holds `hold` MB more (as a job whose memory grows would):
# the guard ends it with epoch 1's checkpoint on disk; run again without the extra memory, it resumes.
TRAIN = """
    import sys
    import numpy as np
    from nnlab.data.synthetic import make_synthetic
    from nnlab.engine import ClassifierSettings, train_classifier
    from nnlab.resources import memory_guard

    checkpoint, mem_mb, hold = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    kept = []

    def log(line):
        print(line, flush=True)
        if hold and line.startswith("epoch 2/"):
            kept.append(np.ones(hold * 2**20 // 8))

    data = make_synthetic("mnist", 600, 200, seed=0)
    with memory_guard("train_demo", "run {'seed': 3}", mem_mb):
        run = ClassifierSettings(model_spec={"kind": "mlp", "hidden": [32]}, epochs=3, batch_size=100, seed=3,
                                 device="cpu", threads=1, precision="fp32")
        result = train_classifier(data, run, log, checkpoint)
    print("history", [round(r["test_loss"], 6) for r in result.history])
"""


def test_a_job_over_its_request_keeps_its_checkpoint_and_resumes(tmp_path):
    clean = run(TRAIN, tmp_path / "clean.pt", 100_000, 0)
    assert clean.returncode == 0, clean.stderr
    peak = int(PEAK.search(clean.stdout).group(1))
    checkpoint = tmp_path / "checkpoint.pt"
    failed = run(TRAIN, checkpoint, peak + 150, 400)
    assert failed.returncode == 1 and "epoch 1/3" in failed.stdout and "history" not in failed.stdout
    assert out_of_memory_message("train_demo", "run {'seed': 3}", peak + 150) in failed.stderr
    assert checkpoint.exists() and not list(tmp_path.glob(".checkpoint.*"))  # whole, no temporary left
    resumed = run(TRAIN, checkpoint, peak + 150, 0)
    assert resumed.returncode == 0, resumed.stderr
    assert "after epoch 2/3" in resumed.stdout or "after epoch 1/3" in resumed.stdout
    assert "epoch 1/3" not in resumed.stdout.replace("after epoch 1/3", "")  # epoch 1 was not trained again
    assert resumed.stdout.splitlines()[-1] == clean.stdout.splitlines()[-1]  # the clean run's history


FAULTS = """
import resource, sys, torch
from nnlab.resources import reuse_freed_memory
assert reuse_freed_memory(sys.argv[1] == "on")

def step():  # a gradient-sized and a bf16-copy-sized tensor, written and freed, as a training step
    a = torch.empty(2**25).fill_(1)
    b = torch.empty(2**24).fill_(1)

def rss_mb():
    return int(open("/proc/self/statm").read().split()[1]) * 4096 >> 20

for _ in range(12):  # the heap grows to the pattern's size (aligned blocks leave gaps at first)
    step()
rss, before = rss_mb(), resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(6):
    step()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before, rss_mb() - rss)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator")
def test_freed_large_tensors_are_reused_not_faulted_in_again():
    def faults_and_growth(mode):
        out = subprocess.run([sys.executable, "-c", FAULTS, mode], capture_output=True, text=True, check=True)
        return [int(v) for v in out.stdout.split()]

    pages = 6 * (2**27 + 2**26) // 4096  # six steps of 192 MB in 4 KB pages
    faults, _ = faults_and_growth("off")
    assert faults > pages // 2  # glibc's default: every block over 32 MB is a fresh mapping
    faults, growth_mb = faults_and_growth("on")
    assert faults < pages // 50  # kept in the heap: the same pages again
    assert growth_mb < 10  # and the heap stays the size it reached: nothing leaks step to step
