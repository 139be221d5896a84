"""Render the LaTeX report from the results (rule render_report)."""

import os

import yaml

from nnlab.logs import tee_to
from nnlab.precision import report_facts
from nnlab.report import common
from nnlab.report.benchmarks import measured, restored_record, totals
from nnlab.report.build import render
from nnlab.report.sections import TASKS, build_report_facts
from nnlab.results import read_rows

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    cfg = sm.params.config
    with open(sm.input.original) as f:
        original = yaml.safe_load(f)
    out_dir = os.path.dirname(sm.output.tex)
    inputs = {k: v for k, v in sm.input.items() if k.startswith("task")}
    facts = build_report_facts(inputs, cfg, sm.params.defaults, original, lambda p: os.path.relpath(p, out_dir))
    sections = facts["sections"]
    benchmarks = measured(read_rows(sm.input.benchmarks))
    render(
        sm.params.template_dir,
        sm.output.tex,
        {
            "title": cfg["report"]["title"],
            "author": cfg["report"]["author"],
            "scale": cfg["scale"],
            "tasks": list(TASKS),
            "sections": sections,
            "unfinished": [t for t in sm.params.registered if t not in sections],
            "missing_inputs": facts["missing"],
            "changed": facts["changes"],
            "claims": facts["claims"],
            "software": common.software(),
            "commit": common.commit(),
            "machine": common.machine(),
            "precision": report_facts(cfg["precision"]),
            "benchmarks": benchmarks,
            "benchmark_totals": totals(benchmarks),
            # the build the results archive was packed from, where jobs were restored from it
            "restored_build": (restored_record(list(sm.input.restored)) or {}).get("build"),
        },
    )
    print(f"rendered {sm.output.tex} with sections {sorted(sections)}")
