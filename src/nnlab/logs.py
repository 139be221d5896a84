"""Send a job's output to its log file and to the terminal at once."""

from __future__ import annotations

import contextlib
import sys
import traceback
from pathlib import Path


class _Tee:
    def __init__(self, *streams):
        self.streams = streams

    def write(self, s):
        for st in self.streams:
            st.write(s)
            st.flush()
        return len(s)

    def flush(self):
        for st in self.streams:
            st.flush()

    def isatty(self):
        return False


@contextlib.contextmanager
def tee_to(log_path):
    """Copy stdout and stderr into `log_path` for the duration; errors are logged, then re-raised."""
    Path(log_path).parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w", encoding="utf-8") as f:
        old = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = _Tee(old[0], f), _Tee(old[1], f)
        try:
            yield
        except Exception:
            f.write(traceback.format_exc())
            raise
        finally:
            sys.stdout, sys.stderr = old
