"""The jobs of this workflow's DAG as Snakemake itself builds them: the one module here that uses
Snakemake's Python API (the rest of nnlab_workflow imports no Snakemake).

    python -m nnlab_workflow.dagjobs WORKDIR [CONFIGFILE...]   -> JSON list of the jobs on stdout

Call `dag_jobs` in a fresh process (this command, or `subprocess`): Snakemake's API keeps global
state, so a second workflow in one process is not the same as a first.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path


def plain(value):
    """A params value as plain JSON data (Snakemake's Namedlists, tuples and paths included), so a
    job's identity can be written down and compared in another process."""
    return json.loads(
        json.dumps(value, sort_keys=True, default=lambda v: list(v) if hasattr(v, "__iter__") else str(v))
    )


def dag_jobs(workdir: Path, configfiles=(), cores: int = 2) -> list[dict]:
    """Every job of the DAG of the default target (finished or not): its rule, wildcards, params,
    files (outputs with their temp flag, log, benchmark, inputs), whether Snakemake would run it
    now and with which priority, its resources and the (rule, wildcards) of the jobs it depends on."""
    from snakemake.api import ConfigSettings, DAGSettings, OutputSettings, ResourceSettings, SnakemakeApi
    from snakemake.settings.types import StorageSettings

    workdir = Path(workdir).resolve()
    with SnakemakeApi(OutputSettings()) as api:
        wf = api.workflow(
            resource_settings=ResourceSettings(cores=cores),
            config_settings=ConfigSettings(configfiles=[workdir / f for f in configfiles]),
            storage_settings=StorageSettings(),
            snakefile=workdir / "Snakefile",
            workdir=workdir,
        )
        dag_api = wf.dag(DAGSettings())
        with contextlib.redirect_stdout(io.StringIO()):
            dag_api.printrulegraph()  # builds the DAG
        dag = dag_api.workflow_api._workflow.dag
        dag.update_priority()

        def key(job):
            return {"rule": job.rule.name, "wildcards": dict(job.wildcards)}

        return [
            {
                **key(job),
                "params": plain({k: v for k, v in job.params.items()}),
                "outputs": {str(f): bool(f.is_temp) for f in job.output},
                "log": [str(f) for f in job.log],
                "benchmark": str(job.benchmark) if job.benchmark else None,
                "inputs": [str(f) for f in job.input],
                "upstream": [key(dep) for dep in dag.dependencies[job]],
                "needrun": dag.needrun(job),
                "priority": dag.priority(job) if dag.needrun(job) else None,  # only jobs to run have one
                "resources": plain({k: v for k, v in job.resources.items() if not k.startswith("_")}),
            }
            for job in dag.jobs
        ]


if __name__ == "__main__":
    print(json.dumps(dag_jobs(Path(sys.argv[1]), sys.argv[2:])))
