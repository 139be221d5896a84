"""Failures a user can act on: their message names the file, rule or setting and the fix.

A job script's `nnlab.logs.tee_to` prints such a message as it is (the traceback goes to the log
file only) and exits non-zero; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import errno

NO_SPACE = (errno.ENOSPC, errno.EDQUOT)


class JobFailure(RuntimeError):
    """A failure whose message says what went wrong and what to do."""

    exit_code = 1


def no_space_message(err: OSError) -> str:
    where = err.filename or "an output file"
    return (
        f"No space left on device while writing {where} ({err.strerror}). Nothing half-written was kept: "
        f"free some space (or move results/ to a larger disk) and rerun the same command; finished "
        f"outputs are kept and training resumes from its last checkpoint."
    )


def user_message(err: BaseException) -> str | None:
    """The message to show instead of a traceback, or None for an unexpected error (a bug)."""
    if isinstance(err, JobFailure):
        return str(err)
    if isinstance(err, OSError) and err.errno in NO_SPACE:
        return no_space_message(err)
    if isinstance(err, FileNotFoundError) and err.filename:
        return (
            f"{err.filename} is missing: was it deleted while the workflow ran? Rerun the same command: "
            f"Snakemake rebuilds what is missing."
        )
    return None
