"""A real single-node Slurm cluster on localhost, for tests (root, no systemd).

Starts munged, slurmctld and slurmd by hand with state and logs under a folder, and stops them by
pid. Slurm's config goes to /etc/slurm/slurm.conf because `srun` inside a job finds it only there
(an existing file is restored on stop). Accounting is off, so job records come from the
filetxt job-completion log.

    python tests/cluster/local_slurm.py start /tmp/slurm   # and: ... stop /tmp/slurm
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

CONF = Path("/etc/slurm/slurm.conf")
PACKAGES = ["slurmctld", "slurmd", "slurm-client", "munge"]


def available() -> str | None:
    """None when a local cluster can run here, else the reason it cannot."""
    if os.geteuid() != 0:
        return "needs root to start munged/slurmctld/slurmd"
    missing = [b for b in ("munged", "slurmctld", "slurmd", "sbatch", "squeue") if shutil.which(b) is None]
    return (
        f"Slurm not installed ({', '.join(missing)} missing): apt-get install {' '.join(PACKAGES)}" if missing else None
    )


def install() -> None:
    """Install Debian's Slurm and munge packages (as root); quick when present."""
    if available() is None or os.geteuid() != 0:
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    cmd = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *PACKAGES]
    if subprocess.run(cmd, env=env, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True)
        subprocess.run(cmd, env=env, capture_output=True, check=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _meminfo_mb() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) // 1024
    return 4000


class LocalSlurm:
    def __init__(self, root: str | Path, partition: str = "nnlabtest"):
        self.root = Path(root).resolve()
        self.partition = partition
        self.node = socket.gethostname().split(".")[0]

    def config(self) -> str:
        d = self.root
        # Advertise at least 8 CPUs (config_overrides lets slurmd accept more than the hardware):
        # the smoke workflow's dozens of small jobs then run a few at a time, as on a real cluster.
        cpus = max(8, os.cpu_count() or 2)
        mem = int(_meminfo_mb() * 0.9)
        return f"""# written by tests/cluster/local_slurm.py
ClusterName=nnlabtest
SlurmctldHost={self.node}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort={_free_port()}
SlurmdPort={_free_port()}
AuthType=auth/munge
StateSaveLocation={d}/state
SlurmdSpoolDir={d}/spool
SlurmctldPidFile={d}/slurmctld.pid
SlurmdPidFile={d}/slurmd.pid
SlurmctldLogFile={d}/slurmctld.log
SlurmdLogFile={d}/slurmd.log
SlurmdParameters=config_overrides
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc={d}/jobcomp.txt
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
NodeName={self.node} NodeAddr=127.0.0.1 CPUs={cpus} RealMemory={mem} State=UNKNOWN
PartitionName={self.partition} Nodes={self.node} Default=YES MaxTime=INFINITE State=UP
"""

    def start(self, timeout: float = 60) -> None:
        for sub in ("state", "spool"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        # Keep a site's own config to restore on stop, but not one left by a killed earlier run of
        # ours: restoring that would leave Slurm tools (and the Slurm executor plugin, which runs
        # `scontrol show config` when Snakemake starts) waiting ~9 s for a controller that is gone.
        ours = CONF.exists() and CONF.read_text().startswith("# written by tests/cluster/local_slurm.py")
        if CONF.exists() and not ours and not (self.root / "slurm.conf.saved").exists():
            shutil.copy2(CONF, self.root / "slurm.conf.saved")
        CONF.parent.mkdir(parents=True, exist_ok=True)
        CONF.write_text(self.config())
        # munged: default socket under /run/munge, run as its own user.
        run = Path("/run/munge")
        run.mkdir(parents=True, exist_ok=True)
        shutil.chown(run, "munge", "munge")
        run.chmod(0o755)  # munged refuses a socket whose folders are not world-executable
        if not Path("/run/munge/munged.pid").exists():
            subprocess.run(["runuser", "-u", "munge", "--", "munged"], check=True)
        subprocess.run(["slurmctld", "-i"], check=True)
        subprocess.run(["slurmd"], check=True)
        deadline = time.time() + timeout
        while time.time() < deadline:
            out = subprocess.run(["sinfo", "-h", "-N", "-o", "%T"], capture_output=True, text=True).stdout
            if out.strip() in ("idle", "mixed", "allocated"):
                return
            time.sleep(0.5)
        raise RuntimeError(f"Slurm node not idle after {timeout}s; see {self.root}/slurmctld.log and slurmd.log")

    def stop(self) -> None:
        subprocess.run(["scancel", "--partition", self.partition], capture_output=True)
        for name in ("slurmd", "slurmctld"):
            self._kill(self.root / f"{name}.pid")
        self._kill(Path("/run/munge/munged.pid"))
        saved = self.root / "slurm.conf.saved"
        if saved.exists():
            shutil.copy2(saved, CONF)
        elif CONF.exists():
            CONF.unlink()

    @staticmethod
    def _kill(pidfile: Path, wait: float = 10) -> None:
        try:
            pid = int(pidfile.read_text().strip())
        except (OSError, ValueError):
            return
        try:
            os.kill(pid, signal.SIGTERM)
            deadline = time.time() + wait
            while time.time() < deadline:
                os.kill(pid, 0)
                time.sleep(0.2)
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        pidfile.unlink(missing_ok=True)

    def completed_jobs(self) -> list[dict]:
        """Finished jobs from the job-completion log: JobId, Name, JobState, ..."""
        path = self.root / "jobcomp.txt"
        if not path.exists():
            return []
        jobs = []
        for line in path.read_text().splitlines():
            jobs.append(dict(kv.split("=", 1) for kv in line.split() if "=" in kv))
        return jobs


if __name__ == "__main__":
    cluster = LocalSlurm(sys.argv[2])
    {"start": cluster.start, "stop": cluster.stop}[sys.argv[1]]()
