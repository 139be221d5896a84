"""One module per task section; each `build(inputs, cfg, original, rel)` returns its template context.

`inputs` are the render job's named inputs (e.g. task24_table), `cfg` the task's config block,
`original` the task's numbers from report/original.yaml, `rel` maps a results path to the path the
.tex file includes it by. Each context also gets `init`, the config's initialisation of every network
(sentence: report/init.tex.j2). A task whose builder or inputs are absent shows a "not run" box.
"""

from __future__ import annotations

from nnlab.report.sections import task22, task23, task24, task25, task27, task28, task29, task30, task31, task32, task33

BUILDERS = {
    22: task22.build,
    23: task23.build,
    24: task24.build,
    25: task25.build,
    27: task27.build,
    28: task28.build,
    29: task29.build,
    30: task30.build,
    31: task31.build,
    32: task32.build,
    33: task33.build,
}


def build_sections(inputs: dict, config: dict, original: dict, rel) -> dict:
    """Context per task id, for every task whose results are among the inputs."""
    sections = {}
    for task_id, build in BUILDERS.items():
        key = f"task{task_id}"
        if any(name.startswith(key + "_") for name in inputs):
            # every section also knows the networks' starting weights (one setting for all tasks)
            sections[task_id] = build(inputs, config.get(key, {}), original.get(key, {}), rel) | {
                "init": config.get("init")
            }
    return sections
