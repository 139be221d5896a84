"""Report-wide context: config flattening, software and machine facts."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path


def flatten(d: dict, prefix: str = "") -> list[tuple[str, object]]:
    """Nested config -> [("task24.epochs", 10), ...] for the appendix."""
    out = []
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and v:
            out += flatten(v, key + ".")
        else:
            out.append((key, v))
    return out


# Keys that name or label a build rather than set what it computes.
NOT_SETTINGS = ("scale", "partial_report", "report.")


def changed_settings(cfg: dict, defaults: dict) -> list[tuple[str, object, object]]:
    """[(key, this build's value, config.yaml's value)] for every setting that differs: what a
    reduced scale (or a --config override) changed from the original's settings."""
    ours, base = dict(flatten(cfg)), dict(flatten(defaults))
    missing = "(not set)"
    return [
        (key, ours.get(key, missing), base.get(key, missing))
        for key in sorted(ours.keys() | base.keys())
        if not key.startswith(NOT_SETTINGS) and ours.get(key, missing) != base.get(key, missing)
    ]


def given_by_original(key: str, given: list[str]) -> bool:
    """Does the original state this setting? `given`: report/original.yaml's list of keys or prefixes."""
    return any(key == g or key.startswith(g + ".") for g in given)


def changes(cfg: dict, defaults: dict, given: list[str]) -> list[dict]:
    """The changed settings for the appendix and the sections: key, ours, config.yaml's value, and
    whether the original states that value (else the original column says "not given": config.yaml
    holds our choice there, and the change is not a departure from the original)."""
    return [
        {"key": k, "ours": ours, "default": base, "given": given_by_original(k, given)}
        for k, ours, base in changed_settings(cfg, defaults)
    ]


def commit(root: str | Path = ".") -> str:
    """The workflow's git commit (short hash, "+changes" when the tree differs from it); "unknown"
    outside a git checkout."""
    try:
        run = lambda *a: subprocess.run(["git", *a], cwd=root, capture_output=True, text=True, timeout=10)  # noqa: E731
        head = run("rev-parse", "--short=12", "HEAD")
        if head.returncode != 0:
            return "unknown"
        dirty = run("status", "--porcelain", "--untracked-files=no").stdout.strip()
        return head.stdout.strip() + (" +changes" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def software() -> list[tuple[str, str]]:
    pkgs = ["snakemake", "torch", "torchvision", "numpy", "pandas", "matplotlib", "jinja2", "sympy"]
    out = [("python", sys.version.split()[0])]
    for p in pkgs:
        try:
            out.append((p, metadata.version(p)))
        except metadata.PackageNotFoundError:
            out.append((p, "not installed"))
    return out


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except (OSError, ValueError, IndexError):
        pass
    return None


def _gpus() -> list[str]:
    if shutil.which("nvidia-smi") is None:
        return []
    try:
        out = subprocess.run(
            ["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [g.strip() for g in out.splitlines() if g.strip()]


def machine() -> dict:
    """The machine that rendered the report (where a local run also trained): OS, CPU, count of
    logical CPUs, memory in GiB (None if unknown), GPU names. The templates phrase it."""
    return {
        "os": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "cpu": _cpu_model(),
        "cpus": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "gpus": _gpus(),
    }
