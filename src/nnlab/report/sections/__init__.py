"""One module per task section; each `build(inputs, cfg, original, rel)` returns its template context.

`inputs` are the render job's named inputs (e.g. task24_table), `cfg` the task's config block,
`original` the task's numbers from report/original.yaml, `rel` maps a results path to the path the
.tex file includes it by. A task whose builder or inputs are absent shows a "not run" box.
"""

from __future__ import annotations

from nnlab.report.sections import task24
from nnlab.report.sections import task29
from nnlab.report.sections import task32, task33

BUILDERS = {24: task24.build}
BUILDERS[29] = task29.build
BUILDERS.update({32: task32.build, 33: task33.build})


def build_sections(inputs: dict, config: dict, original: dict, rel) -> dict:
    """Context per task id, for every task whose results are among the inputs."""
    sections = {}
    for task_id, build in BUILDERS.items():
        key = f"task{task_id}"
        if any(name.startswith(key + "_") for name in inputs):
            sections[task_id] = build(inputs, config.get(key, {}), original.get(key, {}), rel)
    return sections
