"""Make a job's memory request real, and turn running out of it into a message that says what to raise."""

from __future__ import annotations

import contextlib
import resource
import sys


def limit_memory(mem_mb: int | None) -> None:
    """Cap the process's data memory at `mem_mb` (Linux), so an over-large job fails with an
    allocation error naming the resource instead of being killed by the kernel's OOM killer (which
    can take other jobs with it). CPU only: GPU memory is the device's own limit."""
    if not mem_mb or not sys.platform.startswith("linux"):
        return
    limit = int(mem_mb) * 2**20
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


@contextlib.contextmanager
def memory_guard(rule: str, what: str, mem_mb: int | None, on_cpu: bool = True):
    """Run the block under the job's memory request (CPU only, see `limit_memory`); if it runs
    out, print which resource to raise and exit 1 instead of a traceback."""
    if on_cpu:
        limit_memory(mem_mb)
    try:
        yield
    except (RuntimeError, MemoryError) as err:
        if not is_out_of_memory(err):
            raise
        print(out_of_memory_message(rule, what, mem_mb), file=sys.stderr)
        sys.exit(1)


def is_out_of_memory(err: BaseException) -> bool:
    if isinstance(err, MemoryError):
        return True
    text = str(err)
    return "can't allocate memory" in text or "out of memory" in text.lower()


def out_of_memory_message(rule: str, what: str, mem_mb: int | None) -> str:
    raise_to = 2 * int(mem_mb) if mem_mb else 8000
    return (
        f"Out of memory: {what} needed more than its mem_mb={mem_mb} (rule {rule}). "
        f"Raise it, e.g. `snakemake ... --set-resources {rule}:mem_mb={raise_to}` (or under "
        f"set-resources in your profile), or make the model smaller in config.yaml."
    )
