"""Make a job's memory request real, and turn running out of it into a message that says what to raise.

The request is enforced on resident memory (what a scheduler's cgroup charges and what Snakemake's
benchmark files report as max_rss), not on address space: torch and glibc reserve far more virtual
memory than they touch (allocator arenas, thread stacks), so a cap on RLIMIT_DATA/RLIMIT_AS killed
jobs whose resident peak was well inside their request.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time

MB = 2**20
# How often the watcher looks (the kernel's high-water mark catches any peak in between), and how
# long the main thread gets to stop by itself before the process is ended without cleanup.
POLL_S = 0.05
GRACE_S = 10.0


# glibc's mallopt() parameters and defaults (malloc.h).
_M_TRIM_THRESHOLD, _M_MMAP_MAX = -1, -4
_DEFAULT_TRIM_THRESHOLD, _DEFAULT_MMAP_MAX = 128 * 1024, 65536


def reuse_freed_memory(on: bool = True) -> bool:
    """Keep memory that large tensors free, for the next ones (glibc only; elsewhere a no-op).

    glibc serves every allocation over 32 MB with a fresh mmap and unmaps it when freed. A training
    step allocates its gradients and bfloat16 weight copies anew each time, so at width 100000
    (316 MB per float32 copy) the kernel zero-fills and page-faults about a gigabyte per step: more
    than half of the step on this project's 2-core machine. With mmap off and no trimming, freed
    blocks stay in the heap and the next step reuses them. Resident memory then stays at the run's
    peak, which is what the memory guard and `mem_mb` measure anyway. Numbers do not change (only
    where memory comes from). Returns whether the setting took effect; `on=False` restores glibc's
    defaults (for benchmarks).
    """
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc (e.g. musl)
        return False
    trim = 2**31 - 1 if on else _DEFAULT_TRIM_THRESHOLD  # an int's maximum: never give memory back
    return libc.mallopt(_M_MMAP_MAX, 0 if on else _DEFAULT_MMAP_MAX) == 1 and libc.mallopt(_M_TRIM_THRESHOLD, trim) == 1


class MemoryLimitExceeded(MemoryError):
    """The job's resident memory went past its request."""


def peak_rss_bytes() -> int:
    """The process's peak resident memory so far (the kernel's VmHWM), in bytes; 0 if unknown."""
    try:
        with open("/proc/self/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def rss_bytes() -> int:
    """The process's resident memory now, in bytes; 0 if unknown."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


class _Watcher(threading.Thread):
    """Polls the peak resident memory; past the limit it interrupts the main thread (which then
    unwinds, so `finally` blocks remove temporary files), and ends the process if that takes
    longer than GRACE_S or memory keeps climbing to twice the limit meanwhile."""

    def __init__(self, limit: int, message: str, signum: int | None):
        super().__init__(name="memory-guard", daemon=True)
        self.limit, self.message, self.signum = limit, message, signum
        self.stopped = threading.Event()
        self.tripped = False

    def run(self):
        while not self.stopped.wait(POLL_S):
            if peak_rss_bytes() > self.limit:
                break
        else:
            return
        self.tripped = True
        if self.signum is not None:
            # To the main thread itself, so that a sleep or a blocking read there is interrupted too;
            # its handler raises there at the next bytecode.
            signal.pthread_kill(threading.main_thread().ident, self.signum)
        deadline = time.monotonic() + GRACE_S
        while not self.stopped.wait(POLL_S):
            if self.signum is None or time.monotonic() > deadline or rss_bytes() > 2 * self.limit:
                print(self.message, file=sys.stderr, flush=True)
                os._exit(1)


@contextlib.contextmanager
def memory_guard(rule: str, what: str, mem_mb: int | None, on_cpu: bool = True):
    """Run the block under the job's memory request `mem_mb` (MiB, as Snakemake's resources): if
    the process's resident memory goes past it, or an allocation fails, print which resource to
    raise and exit 1 instead of a traceback. Files written atomically are left whole (the training
    checkpoint of the last saved epoch stays, so a rerun with more memory resumes from it).

    Enforced on the CPU only (Linux): a GPU run's host memory also holds the CUDA runtime, which
    the requests are not sized for, and the device's memory is its own limit. Logs the peak."""
    message = out_of_memory_message(rule, what, mem_mb)
    enforce = bool(on_cpu and mem_mb and peak_rss_bytes())
    limit = int(mem_mb) * MB if enforce else 0
    watcher, previous, exceeded = None, None, False
    if enforce:
        # Signal handlers can only be set (and only run) in the main thread; elsewhere the
        # watcher ends the process itself.
        signum = signal.SIGUSR2 if threading.current_thread() is threading.main_thread() else None
        if signum is not None:
            previous = signal.signal(signum, _raise_exceeded)
        watcher = _Watcher(limit, message, signum)
        watcher.start()
    _ARMED.set()
    try:
        yield
    except (RuntimeError, MemoryError) as err:
        _ARMED.clear()
        if not is_out_of_memory(err):
            raise
        exceeded = True
    finally:
        _ARMED.clear()  # from here on a late interrupt is counted below, not raised
        if watcher is not None:
            watcher.stopped.set()
            watcher.join()
            if watcher.signum is not None:
                signal.signal(watcher.signum, previous)
    # A peak the watcher had no time to see, or an interrupt that some handler swallowed, still counts.
    if exceeded or (enforce and (watcher.tripped or peak_rss_bytes() > limit)):
        print(message, file=sys.stderr)
        sys.exit(1)
    if enforce:
        print(f"peak resident memory {peak_rss_bytes() / MB:.0f} MB of mem_mb={mem_mb} (rule {rule})")


_ARMED = threading.Event()


def _raise_exceeded(signum, frame):
    if _ARMED.is_set():
        raise MemoryLimitExceeded("resident memory above the job's mem_mb")


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
