"""Send a job's output to its log file and to the terminal at once; show a failure the user can
act on as its message, not a traceback."""

from __future__ import annotations

import contextlib
import sys
import traceback
from pathlib import Path

from nnlab.errors import user_message


class _Tee:
    def __init__(self, *streams):
        self.streams = streams

    def write(self, s):
        for st in self.streams:
            with contextlib.suppress(OSError):  # a full disk must not hide the message from the terminal
                st.write(s)
                st.flush()
        return len(s)

    def flush(self):
        for st in self.streams:
            with contextlib.suppress(OSError):
                st.flush()

    def isatty(self):
        return False


@contextlib.contextmanager
def tee_to(log_path):
    """Copy stdout and stderr into `log_path` for the duration. An error is logged with its traceback;
    one the user can act on (`nnlab.errors.user_message`) is then printed as a message and the job
    exits non-zero, anything else is re-raised."""
    Path(log_path).parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w", encoding="utf-8") as f:
        old = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = _Tee(old[0], f), _Tee(old[1], f)
        try:
            yield
        except Exception as err:
            with contextlib.suppress(OSError):
                f.write(traceback.format_exc())
            message = user_message(err)
            if message is None:
                raise
            print(f"{message}\n(Details: {log_path})", file=sys.stderr)
            raise SystemExit(getattr(err, "exit_code", 1)) from None
        finally:
            sys.stdout, sys.stderr = old
