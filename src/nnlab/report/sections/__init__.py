"""One module per task section; each `build(inputs, cfg, original, rel)` returns its template context.

`inputs` are the render job's named inputs (e.g. task24_table), `cfg` the task's config block,
`original` the task's numbers from report/original.yaml, `rel` maps a results path to the path the
.tex file includes it by. Each context also gets `init`, the config's initialisation of every network
(sentence: report/init.tex.j2).

The contract of a section module: `TASK` (its number), `TITLE` (English; each language may translate it in
its terms.yaml `tasks`), the inputs it cannot be built without (`REQUIRED`, or `required(config)` when
they depend on the configuration), and `build`. The registries (`SECTIONS`, `BUILDERS`, `TASKS`) derive
from the modules; a section with some of its required inputs present but not all shows "not run" naming what
is missing, and one with none (its jobs failed, or it has no rules) shows "not run" as such.
"""

from __future__ import annotations

from nnlab.report.common import changes as changed
from nnlab.report.scorecard import claims
from nnlab.report.sections import task22, task23, task24, task25, task27, task28, task29, task30, task31, task32, task33

SECTIONS = {m.TASK: m for m in (task22, task23, task24, task25, task27, task28, task29, task30, task31, task32, task33)}
BUILDERS = {task: m.build for task, m in SECTIONS.items()}
TASKS = tuple(sorted(SECTIONS))  # the original report's tasks, in its order
TITLES = {task: m.TITLE for task, m in SECTIONS.items()}


def required(task: int, config: dict) -> list[str]:
    """The inputs task `task`'s section cannot be built without."""
    m = SECTIONS[task]
    return list(m.required(config)) if hasattr(m, "required") else list(m.REQUIRED)


def build_all(inputs: dict, config: dict, original: dict, rel, changes: list[dict] | None = None) -> tuple[dict, dict]:
    """(sections, missing): the context of every task whose required inputs are all present, and for
    every task with some required inputs but not all, the names of the missing ones (its section says so instead
    of failing). `changes` (`nnlab.report.common.changes`): the build's changed settings; each section
    gets its own as `reduced` (key without the task prefix), so it can name the reductions that bear on it."""
    sections, missing = {}, {}
    for task_id, build in BUILDERS.items():
        key = f"task{task_id}"
        needed = required(task_id, config)
        # none of its own results (only e.g. a dataset's sidecar): the task did not run at all
        if not any(name in inputs for name in needed):
            continue
        absent = [name for name in needed if name not in inputs]
        if absent:
            missing[task_id] = absent
            continue
        mine = [c | {"key": c["key"][len(key) + 1 :]} for c in changes or [] if c["key"].startswith(key + ".")]
        # every section also knows the networks' starting weights (one setting for all tasks)
        sections[task_id] = build(inputs, config.get(key, {}), original.get(key, {}), rel) | {
            "init": config.get("init"),
            "reduced": mine,
        }
    return sections, missing


def build_report_facts(inputs: dict, config: dict, defaults: dict, original: dict, rel) -> dict:
    """What the report and the results page are both made of: the changed settings (`changes`), the
    section contexts (`sections`, `missing`: `build_all`) and the claims scorecard (`claims`)."""
    changes = changed(config, defaults, original.get("given", []))
    sections, missing = build_all(inputs, config, original, rel, changes)
    return {"changes": changes, "sections": sections, "missing": missing, "claims": claims(sections, original)}


def build_sections(inputs: dict, config: dict, original: dict, rel, changes: list[dict] | None = None) -> dict:
    """The contexts of `build_all` alone (the sections that can be built)."""
    return build_all(inputs, config, original, rel, changes)[0]
