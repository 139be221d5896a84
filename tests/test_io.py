"""nnlab.io's atomic writers: outputs get the mode the user's umask gives (0644 under 022), not
the 0600 of the temporary file they are written through."""

import os
import stat
import subprocess
import sys
import textwrap

import pytest
from conftest import ROOT

WRITE_EVERY_WAY = textwrap.dedent(
    """
    import os, sys
    os.umask(int(sys.argv[2], 8))  # before nnlab.io is imported, as in a job
    from pathlib import Path
    from nnlab.io import atomic_path, write_bytes, write_text
    from nnlab.results import write_rows
    out = Path(sys.argv[1])
    write_text(out / "a.txt", "text")
    write_bytes(out / "b.bin", b"bytes")
    with atomic_path(out / "c.pdf") as tmp:
        tmp.write_bytes(b"%PDF")
    write_rows(out / "d.csv", [{"x": 1}])
    write_text(out / "old.txt", "replaced")  # an existing private file is replaced by a new one
    """
)


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_written_files_get_the_umask_mode(tmp_path, umask, mode):
    old = tmp_path / "old.txt"
    old.write_text("private")
    old.chmod(0o600)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    subprocess.run([sys.executable, "-c", WRITE_EVERY_WAY, str(tmp_path), oct(umask)], check=True, env=env)
    modes = {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in tmp_path.iterdir()}
    assert modes == dict.fromkeys(["a.txt", "b.bin", "c.pdf", "d.csv", "old.txt"], oct(mode))
    assert old.read_text() == "replaced"
