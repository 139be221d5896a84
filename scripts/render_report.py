"""Render the LaTeX report from the results (rule render_report)."""

import os

import yaml

from nnlab.logs import tee_to
from nnlab.report import context as ctx
from nnlab.report.build import render

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    cfg = sm.params.config
    original = yaml.safe_load(open(sm.input.original))
    out_dir = os.path.dirname(sm.output.tex)

    def rel(path):  # figures are included relative to the .tex file
        return os.path.relpath(path, out_dir)

    sections = {
        24: ctx.task24(
            sm.input.task24_table,
            cfg["task24"],
            original["task24"],
            {"accuracy": rel(sm.input.task24_accuracy), "loss": rel(sm.input.task24_loss)},
        ),
    }
    render(
        sm.params.template_dir,
        sm.output.tex,
        {
            "title": cfg["report"]["title"],
            "author": cfg["report"]["author"],
            "scale": cfg["scale"],
            "tasks": ctx.TASKS,
            "sections": sections,
            "config_flat": ctx.flatten(cfg),
            "software": ctx.software(),
            "machine": ctx.machine(),
        },
    )
    print(f"rendered {sm.output.tex}")
