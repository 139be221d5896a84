"""A full build's results in one archive that ships with the code, and their restoring.

    python -m nnlab_workflow.archive pack ARCHIVE [--workdir .]      after a finished build
    python -m nnlab_workflow.archive restore ARCHIVE [--workdir .]   before a build (datasets cached)
    python -m nnlab_workflow.archive status ARCHIVE [--workdir .]    which archived jobs are stale

What is archived: every finished job that trains or measures a network (ARCHIVED), with its outputs
(temporary ones left out), its benchmark and its log. Not the datasets (rebuilt from their source),
nor what later jobs derive from these files (tables, figures, the PDF: seconds to redo).

A job is restored only when its *identity* now equals the archived one: a hash of its rule, its
wildcards, its params (which hold the code fingerprint of what its script imports and every
setting it reads) and the identities of its inputs: an input another job makes counts as that job's
identity, a cached dataset as the checksums of its arrays, any other file as its bytes. So a changed
setting, an edited module or other data makes the job and everything after it train again, and a
job whose inputs are restored is judged by theirs. Restored files get their mtimes in the DAG's
order, newer than the datasets, so Snakemake's own bookkeeping sees them as up to date.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import lzma
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

FORMAT = 1
MANIFEST = "manifest.json"
# The jobs whose results cost minutes to hours: training and measuring networks.
MEASURING_RULES = {"gradnorms_task23", "quality_task33", "iwae_task32"}
DATASET_RULE = "prepare_dataset"
RESTORED = "results/restored.json"  # which jobs this build restored, for the report's labels


def archived(rule: str) -> bool:
    return rule.startswith("train_") or rule in MEASURING_RULES


class ArchiveError(Exception):
    """The archive cannot be used (damaged, foreign or of another format): one line says why."""


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def job_key(job: dict) -> str:
    return job["rule"] + json.dumps(job["wildcards"], sort_keys=True)


def list_jobs(workdir: Path, configfiles=()) -> list[dict]:
    """The DAG's jobs (nnlab_workflow.dagjobs), in a fresh process as Snakemake's API wants."""
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(Path(__file__).parents[1]), os.environ.get("PYTHONPATH", "")])
    )
    proc = subprocess.run([sys.executable, "-m", "nnlab_workflow.dagjobs", str(workdir), *configfiles],
                          capture_output=True, text=True, cwd=workdir, env=env)  # fmt: skip
    if proc.returncode != 0:
        raise ArchiveError(f"cannot list the workflow's jobs: {proc.stderr.strip().splitlines()[-1:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def identities(jobs: list[dict], workdir: Path) -> dict[str, str]:
    """Each job's identity (see the module's docstring), by job_key. Needs the cached datasets."""
    producer = {path: job for job in jobs for path in job["outputs"]}
    memo: dict[str, str] = {}

    def of_input(path: str) -> str:
        job = producer.get(path)
        if job is None:
            return sha256(workdir / path)
        if job["rule"] == DATASET_RULE:  # the arrays, not the container (zip times) or where they came from
            sidecar = json.loads((workdir / Path(path).with_suffix(".json")).read_text())
            return digest(sidecar["sha256"])
        return of_job(job)

    def of_job(job: dict) -> str:
        key = job_key(job)
        if key not in memo:
            memo[key] = digest(
                [job["rule"], job["wildcards"], job["params"], [[p, of_input(p)] for p in job["inputs"]]]
            )
        return memo[key]

    return {job_key(job): of_job(job) for job in jobs if archived(job["rule"])}


def job_files(job: dict) -> list[str]:
    """What a job leaves that the archive keeps: its outputs but temporary ones, benchmark and log."""
    files = [p for p, temp in job["outputs"].items() if not temp] + job["log"]
    return files + ([job["benchmark"]] if job["benchmark"] else [])


def cpu_model() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    except OSError:
        return "unknown"
    fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
    flags = fields.get("Flags", "").split()
    # as the report prints it: "AMD EPYC (family 26, model 2; no native bf16)"
    ids = [f"{label} {fields[k].strip()}" for k, label in (("CPU family", "family"), ("Model", "model")) if k in fields]
    bf16 = ", ".join(f for f in ("avx512_bf16", "amx_bf16") if f in flags) or "no native bf16"
    return f"{fields.get('Model name', 'unknown').strip()} ({', '.join(ids) + '; ' if ids else ''}{bf16})"


def precisions(workdir: Path, jobs: list[dict]) -> list[str]:
    """The precisions the runs trained in, as their final.csv says (`precision: auto` resolves per CPU)."""
    import csv

    found = set()
    for job in jobs:
        for path in job["outputs"]:
            if archived(job["rule"]) and path.endswith("final.csv") and (workdir / path).exists():
                found |= {row.get("precision") for row in csv.DictReader(open(workdir / path))}
    return sorted(found - {None, ""})


def pack(workdir: Path, dest: Path, jobs: list[dict], build: dict) -> dict:
    """Write the archive of every finished archived job; return its manifest. Refused, naming the
    job, while any archived job of the DAG is unfinished: an archive holds one whole build."""
    todo = [job_key(j) for j in jobs if archived(j["rule"]) and j["needrun"]]
    if todo:
        raise ArchiveError(f"the build is not finished ({len(todo)} jobs to run, e.g. {todo[0]}): finish it first")
    ids = identities(jobs, workdir)
    entries = []
    for job in sorted((j for j in jobs if archived(j["rule"])), key=job_key):
        files = {p: sha256(workdir / p) for p in job_files(job)}
        entries.append({"rule": job["rule"], "wildcards": job["wildcards"], "identity": ids[job_key(job)],
                        "params": job["params"], "files": files})  # fmt: skip
    manifest = {"format": FORMAT, "build": build, "jobs": entries}
    mtime = int(time.time())
    tmp = dest.with_name(f".{dest.name}.tmp")
    with tarfile.open(tmp, "w:xz", preset=9 | lzma.PRESET_EXTREME, format=tarfile.PAX_FORMAT) as tar:
        data = json.dumps(manifest, indent=1, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime, info.mode = len(data), mtime, 0o644
        tar.addfile(info, io.BytesIO(data))
        for entry in entries:
            for path in sorted(entry["files"]):
                info = tar.gettarinfo(workdir / path, arcname=path)
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                info.mode = 0o644
                with open(workdir / path, "rb") as f:
                    tar.addfile(info, f)
    os.replace(tmp, dest)
    return manifest


def read_manifest(archive: Path) -> dict:
    try:
        with tarfile.open(archive, "r:xz") as tar:
            member = tar.next()
            if member is None or member.name != MANIFEST:
                raise ArchiveError(f"{archive} is not a results archive (its first file is not {MANIFEST})")
            manifest = json.loads(tar.extractfile(member).read())
    except (tarfile.TarError, lzma.LZMAError, EOFError, OSError, ValueError) as err:
        raise ArchiveError(f"{archive} is damaged or not a results archive ({type(err).__name__}: {err})") from err
    if manifest.get("format") != FORMAT:
        raise ArchiveError(f"{archive} has format {manifest.get('format')!r}; this code reads format {FORMAT}")
    return manifest


def compare(manifest: dict, jobs: list[dict], workdir: Path) -> tuple[list[dict], list[dict]]:
    """(archived jobs whose identity equals the job's now, archived jobs that are stale)."""
    ids = identities(jobs, workdir)
    fresh, stale = [], []
    for entry in manifest["jobs"]:
        (fresh if ids.get(job_key(entry)) == entry["identity"] else stale).append(entry)
    return fresh, stale


def restore(archive: Path, workdir: Path, jobs: list[dict]) -> dict:
    """Restore every archived job that is fresh and not already built; return the archive's build, how
    many jobs this call restored ("new"), every job whose results are the archive's now with its
    benchmark file and that file's checksum ("restored") and the stale jobs.

    All of a job's files are read and checked against the manifest's checksums in a temporary folder
    first; a job is put in place only whole. A damaged archive raises ArchiveError before anything
    is moved."""
    manifest = read_manifest(archive)
    fresh, stale = compare(manifest, jobs, workdir)
    withdraw(stale, workdir)
    by_key = {job_key(j): j for j in jobs}
    wanted = [e for e in fresh if by_key[job_key(e)]["needrun"]]
    paths = {p for e in wanted for p in e["files"]}
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=workdir))
    try:
        try:
            with tarfile.open(archive, "r:xz") as tar:
                for member in tar:
                    if member.name in paths and member.isfile():
                        target = staging / member.name
                        target.parent.mkdir(parents=True, exist_ok=True)
                        with tar.extractfile(member) as src, open(target, "wb") as out:
                            out.write(src.read())
        except (tarfile.TarError, lzma.LZMAError, EOFError, OSError) as err:
            raise ArchiveError(f"{archive} is damaged ({type(err).__name__}: {err}); nothing restored") from err
        bad = [
            p for e in wanted for p, h in e["files"].items() if not (staging / p).exists() or sha256(staging / p) != h
        ]
        if bad:
            raise ArchiveError(f"{archive} is damaged: {bad[0]} does not match its checksum; nothing restored")
        order = topological([by_key[job_key(e)] for e in wanted])
        now = time.time()
        for i, job in enumerate(order):
            entry = next(e for e in wanted if job_key(e) == job_key(job))
            for p in entry["files"]:
                (workdir / p).parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging / p, workdir / p)
                os.utime(workdir / p, (now + i * 1e-3, now + i * 1e-3))  # after its inputs, in DAG order
    finally:
        import shutil

        shutil.rmtree(staging, ignore_errors=True)

    def benchmark(e: dict) -> dict:
        path = by_key[job_key(e)]["benchmark"]
        return {"benchmark": path, "sha256": e["files"].get(path)}

    def in_place(b: dict) -> bool:
        path = workdir / str(b["benchmark"])
        return bool(b["sha256"]) and path.is_file() and sha256(path) == b["sha256"]

    # "restored": every job whose results are the archive's now, put in place by this call or an earlier
    # one (its benchmark file is still the archived one: a job trained here measured its own). The
    # report marks a job restored only while its benchmark file has this checksum.
    return {"build": manifest["build"], "new": len(wanted),
            "restored": [{"rule": e["rule"], "wildcards": e["wildcards"]} | b for e in fresh if in_place(b := benchmark(e))],
            "stale": [{"rule": e["rule"], "wildcards": e["wildcards"]} for e in stale]}  # fmt: skip


def withdraw(stale: list[dict], workdir: Path) -> list[dict]:
    """Remove the files of stale jobs that an earlier restore put in place (each file still the
    archived bytes), so Snakemake trains those jobs again: restored files carry no Snakemake metadata,
    so a later change of their settings or code would not rerun them by itself. Files a job of this
    build wrote differ from the archive's (its benchmark at least) and are left alone."""
    withdrawn = []
    for entry in stale:
        bench = next((p for p in entry["files"] if p.startswith("results/benchmarks/")), None)
        if bench is None or not (workdir / bench).is_file() or sha256(workdir / bench) != entry["files"][bench]:
            continue
        for p, h in entry["files"].items():
            if (workdir / p).is_file() and sha256(workdir / p) == h:
                (workdir / p).unlink()
        withdrawn.append(entry)
    return withdrawn


def topological(jobs: list[dict]) -> list[dict]:
    """`jobs` with every job after those of them it depends on."""
    keys = {job_key(j) for j in jobs}
    done: set[str] = set()
    out = []
    pending = list(jobs)
    while pending:
        ready = [j for j in pending if all(job_key(u) not in keys or job_key(u) in done for u in j["upstream"])]
        for j in ready:
            done.add(job_key(j))
            out.append(j)
        pending = [j for j in pending if job_key(j) not in done]
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=["pack", "restore", "status"])
    ap.add_argument("archive", type=Path)
    ap.add_argument("--workdir", type=Path, default=Path("."))
    ap.add_argument("--configfile", action="append", default=[])
    args = ap.parse_args(argv)
    workdir = args.workdir.resolve()
    try:
        jobs = list_jobs(workdir, args.configfile)
        if args.command == "pack":
            git = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=workdir)
            commit = git.stdout.strip() if git.returncode == 0 else "unknown (not a git checkout)"
            build = {"commit": commit, "date": time.strftime("%Y-%m-%d"), "cpu": cpu_model(),
                     "precision": precisions(workdir, jobs), "configfiles": args.configfile}  # fmt: skip
            manifest = pack(workdir, args.archive, jobs, build)
            print(f"{args.archive}: {len(manifest['jobs'])} jobs, {args.archive.stat().st_size / 1e6:.1f} MB")
        elif args.command == "status":
            fresh, stale = compare(read_manifest(args.archive), jobs, workdir)
            print(f"{len(fresh)} archived jobs up to date, {len(stale)} stale")
            for e in stale:
                print(f"stale: {e['rule']} {json.dumps(e['wildcards'])}")
        else:
            done = restore(args.archive, workdir, jobs)
            record = workdir / RESTORED
            text = json.dumps({k: done[k] for k in ("build", "restored", "stale")}, indent=1) + "\n"
            record.parent.mkdir(parents=True, exist_ok=True)
            if not record.is_file() or record.read_text() != text:  # the same record: the report is not redone
                record.write_text(text)
            print(f"Restored {done['new']} jobs from {args.archive} (built {done['build']['date']}, "
                  f"{done['build']['commit'][:10]}); {len(done['stale'])} archived jobs are stale and train again")  # fmt: skip
    except ArchiveError as err:
        print(f"Results archive not used: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
