"""The epoch loop every training job shares: resume, time, log, check for divergence, checkpoint.

What happens inside an epoch (the batches, the evaluation, the row of metrics) stays with the
caller; the bookkeeping around it lives here, once:

    loop = EpochLoop(epochs, model, opt, [shuffler], log, checkpoint=path, settings=settings, data=(x, y))
    for epoch in loop:  # from the first epoch not done yet; times each epoch
        ...train one epoch...
        if loop.diverged(train_loss):  # NaN/inf: status "diverged", logged; stop
            break
        ...evaluate...
        loop.end_epoch(row, f"train loss {train_loss:.4f}")  # history, seconds, ETA line, checkpoint
    result.history, result.seconds, result.status = loop.history, loop.seconds, loop.status

With a `checkpoint` path the state is saved (atomically) after every epoch (or every few seconds,
for epochs of milliseconds), and a run started again with the same settings and data resumes after
the last saved epoch, bit-identical on the CPU to an uninterrupted run; a checkpoint from other
settings or data is ignored and the run starts clean.

SIGTERM (what Slurm sends at a time limit, some `GRACE_S` before SIGKILL) and SIGINT (Ctrl-C) stop
the loop cleanly: an epoch expected to end within `GRACE_S` is finished and saved, a longer one is
abandoned (the checkpoint on disk then holds the last finished epoch); either way the job ends with
`Stopped`, a one-line message naming the signal, and the rerun resumes from the checkpoint.
Knows nothing of Snakemake.
"""

from __future__ import annotations

import contextlib
import math
import pickle
import signal
import time
from collections.abc import Callable, Sequence

import torch

from nnlab import checkpoint as ckpt
from nnlab.errors import JobFailure

# Part of every fingerprint; raise it when what a checkpoint holds changes, so that a file written
# by older code is ignored (the run starts clean) instead of misread.
FORMAT = 2
# Seconds a stopped job may still spend finishing its epoch: well inside Slurm's default KillWait (30 s).
GRACE_S = 10.0
# The signals that stop the loop cleanly, with who sends them (for the message).
STOP_SIGNALS = {signal.SIGTERM: "a time limit or a cancelled job", signal.SIGINT: "Ctrl-C"}


class Stopped(JobFailure):
    """The job was sent a stop signal; its message says what was saved. Exits as the shell reports a
    process killed by that signal (143 for SIGTERM, 130 for SIGINT)."""

    def __init__(self, message: str, signum: int):
        super().__init__(message)
        self.exit_code = 128 + signum


class EpochLoop:
    """Iterate over the epochs of one run, resuming from `checkpoint` when it matches this run.

    `generators`: every torch.Generator the epochs draw from (e.g. the shuffler); the global torch
    RNG (initialisation, dropout, the VAE's noise) is saved too, and the CUDA one for a model on
    the GPU. `settings` and `data` (arrays) are fingerprinted to tell whether a checkpoint belongs
    to this run. `log_every`: log epoch 1, every `log_every`-th epoch and the last one.
    `save_every_s`: save only when that many seconds have passed since the last save (and always
    after the last epoch); for epochs of milliseconds, where saving every one would cost more
    than the epoch itself. A resumed run is exact either way; a kill just loses more epochs.
    """

    def __init__(
        self,
        epochs: int,
        model: torch.nn.Module,
        optimizer: torch.optim.Optimizer,
        generators: Sequence[torch.Generator] = (),
        log: Callable[[str], None] = print,
        checkpoint: str | None = None,
        settings: dict | None = None,
        data: Sequence = (),
        log_every: int = 1,
        save_every_s: float = 0.0,
    ):
        self.epochs, self.model, self.optimizer, self.generators = epochs, model, optimizer, list(generators)
        self.log, self.checkpoint, self.log_every = log, checkpoint, max(1, log_every)
        self.save_every_s, self._saved_at = save_every_s, time.perf_counter()
        self.history: list[dict] = []  # one row per finished epoch (deterministic)
        self.seconds: list[float] = []  # wall time per finished epoch (not deterministic)
        self.status = "ok"
        self.extra: dict = {}  # the caller's state as of the last finished epoch (e.g. predictions)
        self.epoch = 0
        self._saved_epoch = 0  # the last epoch the checkpoint on disk holds
        self._in_epoch = False
        self._signal: int | None = None  # the stop signal received, if any
        # Hashing the data costs a pass over it: only worth it when there is a checkpoint.
        self.fingerprint = ckpt.fingerprint({**(settings or {}), "format": FORMAT}, *data) if checkpoint else ""
        self._resume()

    def _cuda(self) -> torch.device | None:
        """The model's CUDA device, if it is on one: its RNG drives the noise drawn there."""
        dev = next(self.model.parameters()).device
        return dev if dev.type == "cuda" else None

    def _resume(self) -> None:
        state = ckpt.load(self.checkpoint, self.fingerprint, self.log)
        if state is None:
            return
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        for g, s in zip(self.generators, state["generators"], strict=True):
            g.set_state(s)
        torch.set_rng_state(state["rng"])
        if (cuda := self._cuda()) is not None and state.get("cuda_rng") is not None:
            torch.cuda.set_rng_state(state["cuda_rng"], cuda)
        self.history, self.seconds, self.extra = pickle.loads(state["records"])
        self._saved_epoch = len(self.history)
        self.log(f"resuming from {self.checkpoint} after epoch {len(self.history)}/{self.epochs}")

    def __iter__(self):
        with self._stop_signals_handled():
            for epoch in range(len(self.history) + 1, self.epochs + 1):
                if self._signal:  # arrived during the last epoch or its save: stop before the next
                    self._stop()
                self.epoch, self._start, self._in_epoch = epoch, time.perf_counter(), True
                yield epoch
                self._in_epoch = False

    @contextlib.contextmanager
    def _stop_signals_handled(self):
        """Handle the stop signals while the loop runs. One ignored when the job started stays ignored
        (a shell script's `job &` ignores SIGINT, so that Ctrl-C stops only the foreground command)."""
        previous = {s: signal.getsignal(s) for s in STOP_SIGNALS}
        try:
            for s, handler in previous.items():
                if handler is not signal.SIG_IGN:
                    signal.signal(s, self._on_stop_signal)
        except ValueError:  # not the main thread: signals cannot be handled here
            yield
            return
        try:
            yield
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)

    def _on_stop_signal(self, signum, frame) -> None:
        self._signal = signum
        done = self.seconds[-1] if self.seconds else math.inf  # the last epoch's time: this one's estimate
        if self._in_epoch and done - (time.perf_counter() - self._start) > GRACE_S:
            self._stop(abandoned=True)  # raised into the epoch's code, which is left half done
        # else: finish the epoch (saved, then stopped before the next one), or the save in progress

    def _stop(self, abandoned: bool = False) -> None:
        if self.checkpoint and not abandoned and self._saved_epoch < len(self.history):
            self._save()
        where = f"{self.epoch}/{self.epochs}" if abandoned else f"after epoch {len(self.history)}/{self.epochs}"
        saved = (
            f"the checkpoint {self.checkpoint} holds epoch {self._saved_epoch}; rerun the same command to resume from it"
            if self.checkpoint and self._saved_epoch
            else "no epoch was saved; a rerun starts over"
        )
        name = signal.Signals(self._signal).name
        raise Stopped(
            f"Stopped by {name} ({STOP_SIGNALS[self._signal]}) {'in epoch ' if abandoned else ''}{where}: {saved}.",
            self._signal,
        )

    def diverged(self, loss: float, what: str = "training loss") -> bool:
        """True (and the run marked "diverged", with a log line) if `loss` is NaN or infinite."""
        if math.isfinite(loss):
            return False
        self.status = "diverged"
        self.log(f"epoch {self.epoch}/{self.epochs}: {what} is {loss}; run marked diverged")
        return True

    def end_epoch(self, row: dict, message: str, extra: dict | None = None) -> None:
        """Record the epoch's `row` and time, log `message` with the time and ETA, save the checkpoint.

        `extra`: anything else the caller needs back on resume (kept in `self.extra`).
        """
        self.history.append(row)
        self.seconds.append(time.perf_counter() - self._start)
        self._in_epoch = False  # from here on a stop signal waits: the save below must not be cut short
        if extra is not None:
            self.extra = extra
        e, n = self.epoch, self.epochs
        if e == 1 or e % self.log_every == 0 or e == n:
            eta = sum(self.seconds) / e * (n - e)  # mean epoch time so far, resumed epochs included
            self.log(f"epoch {e}/{n}  {message}  {self.seconds[-1]:.1f}s  ETA {eta:.0f}s")
        if self.checkpoint and (e == n or time.perf_counter() - self._saved_at >= self.save_every_s):
            self._save()

    def _save(self) -> None:
        self._saved_epoch, self._saved_at = len(self.history), time.perf_counter()
        cuda = self._cuda()
        ckpt.save(self.checkpoint, {
            "fingerprint": self.fingerprint,
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "generators": [g.get_state() for g in self.generators],
            "rng": torch.get_rng_state(),
            "cuda_rng": torch.cuda.get_rng_state(cuda) if cuda is not None else None,
            # One plain pickle: torch.save pickles Python objects one at a time through a hook, which
            # for a 1000-epoch history costs more than a small model's whole epoch.
            "records": pickle.dumps((self.history, self.seconds, self.extra), pickle.HIGHEST_PROTOCOL),
        })  # fmt: skip


def train_epoch(
    optimizer: torch.optim.Optimizer,
    batch_loss: Callable[[torch.Tensor], torch.Tensor],
    n: int,
    batch_size: int,
    shuffler: torch.Generator,
    device: torch.device,
) -> float:
    """One epoch of optimiser steps over `n` examples in an order drawn from `shuffler`, `batch_size` at a
    time; `batch_loss(idx)` is the mean loss of the examples `idx` (on `device`). Returns the epoch's mean
    loss over the examples, each batch weighted by its size (as Keras reports it), with one sync per epoch."""
    perm = torch.randperm(n, generator=shuffler).to(device)
    loss_sum = torch.zeros((), device=device)
    for i in range(0, n, batch_size):
        idx = perm[i : i + batch_size]
        loss = batch_loss(idx)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        loss_sum += loss.detach() * len(idx)
    return loss_sum.item() / n
