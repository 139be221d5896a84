"""`make bench` runs end to end and writes the documented JSON (values are machine-dependent: no
timing is asserted, only that every figure was measured and judged against its target)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_benchmark_writes_every_entry(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, "benchmarks/run.py", "--smoke", "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = json.loads(out.read_text())
    names = [r["name"] for r in rows]
    for name in ("engine_vs_baseline_task24", "engine_vs_baseline_task28", "engine_vs_baseline_task30_mnist_cnn",
                 "roofline_task28_mlp", "roofline_width_10000", "dry_run_full_config", "noop_run_full_config",
                 "job_startup_imports", "memory_bandwidth", "bf16_step_vs_bound_task28_mlp",
                 "bf16_step_vs_bound_width_10000", "bf16_step_vs_bound_width_100000", "bf16_speedup_width_100000",
                 "mm_gflops_bf16_width_10000", "bf16_speedup_task30_mnist_cnn", "ftrl_epoch_over_adam_task28",
                 "channels_last_speedup_task30_mnist_cnn_fp32", "channels_last_speedup_task30_cifar10_cnn_bf16"):  # fmt: skip
        assert name in names, name
    for r in rows:
        assert set(r) == {"name", "value", "unit", "target", "ok"} and r["value"] > 0, r
        if r["target"].startswith(">= "):
            assert r["ok"] == (r["value"] >= float(r["target"][3:])), r
        elif r["target"].startswith("<= "):
            assert r["ok"] == (r["value"] <= float(r["target"][3:])), r
        elif r["target"].startswith("< "):
            assert r["ok"] == (r["value"] < float(r["target"][2:])), r
        else:
            assert r["target"] == "info" and r["ok"], r
    assert "engine_vs_baseline_task24" in proc.stdout  # the printed table
