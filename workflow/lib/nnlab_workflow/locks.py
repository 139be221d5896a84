"""Snakemake's lock left behind by a build that was killed hard.

Snakemake locks a working directory with files under `.snakemake/locks` and removes them when it
exits, even on Ctrl-C; a run killed outright (SIGKILL, a power cut, a machine reclaimed at the end
of a session) leaves them, and every later run refuses to start ("Directory cannot be locked")
until someone runs `snakemake --unlock`. `make report` and `make quick` call this first: it unlocks
only when no Snakemake process runs in the directory, so two builds of one folder still cannot run
at once.

    python workflow/lib/nnlab_workflow/locks.py [DIR]    # prints what it did; exit 0 unless it failed
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def running_snakemake(workdir: str | Path) -> list[int]:
    """PIDs of Snakemake processes working in `workdir`, other than this one: a `snakemake` command,
    or a job script of one (`.snakemake/scripts/`), which outlives a Snakemake killed outright and
    still writes its outputs. Linux /proc; elsewhere none are found."""
    workdir = Path(workdir).resolve()
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if int(proc.name) == os.getpid() or Path(os.readlink(proc / "cwd")).resolve() != workdir:
                continue
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError):
            continue  # gone, or not ours to read
        words = [a.decode(errors="replace") for a in argv[:3]]
        if any(Path(w).name == "snakemake" or "/.snakemake/scripts/" in w for w in words):
            found.append(int(proc.name))
    return found


def stale_lock(workdir: str | Path) -> bool:
    """True when `workdir` is locked but no Snakemake process works there."""
    locks = Path(workdir) / ".snakemake" / "locks"
    return locks.is_dir() and any(locks.iterdir()) and not running_snakemake(workdir)


def remove_stale_lock(workdir: str | Path) -> bool:
    """Remove a stale lock (what `snakemake --unlock` does, without starting Snakemake); True if one was."""
    if not stale_lock(workdir):
        return False
    for f in (Path(workdir) / ".snakemake" / "locks").iterdir():
        f.unlink(missing_ok=True)
    return True


if __name__ == "__main__":
    where = sys.argv[1] if len(sys.argv) > 1 else "."
    if remove_stale_lock(where):
        print(f"Removed the lock a killed Snakemake left in {Path(where).resolve()}: the build resumes.")
