"""One module per task section, each satisfying one contract (`Section`, checked for every module when
the registry is built): the registries (`SECTIONS`, `BUILDERS`, `TASKS`, `TITLES`) derive from the modules.

A section module defines:
- `TASK` (its number) and `TITLE` (English; each language may translate it in its terms.yaml `tasks`);
- the inputs it cannot be built without: `REQUIRED`, or `required(config)` when they depend on the
  configuration. A section with some of them present but not all shows "not run" naming what is
  missing, and one with none (its jobs failed, or it has no rules) shows "not run" as such;
- `build(inputs, cfg, original, rel)`, its template context: `inputs` are the render job's named inputs
  (e.g. task24_table), `cfg` the task's config block, `original` the task's numbers from
  report/original.yaml, `rel` maps a results path to the path the .tex file includes it by. The context
  holds facts and keys, never words: each language's templates and terms.yaml phrase them. Each context
  also gets `init`, the config's initialisation of every network (sentence: report/init.tex.j2), and
  `reduced`, the build's changed settings of the task;
- what the results page shows of the task (nnlab.report.results_table), in `terms`, the words of
  report/en/terms.yaml: `headline(s, terms)`, what it measures ({what}) and this build's value (our
  summary row {row, n} or a {text}); optionally `original_numbers(s, terms)`, each number the original
  reports beside our row ({what, row, n}; default: none) and `why(s, row, terms)`, the facts that explain
  a row differing from the original's (default: none beyond the build's reduced settings).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from nnlab.report.common import changes as changed
from nnlab.report.scorecard import claims
from nnlab.report.sections import task22, task23, task24, task25, task27, task28, task29, task30, task31, task32, task33


@dataclass(frozen=True)
class Section:
    """A section module seen through its contract (the module docstring), its optional members filled in."""

    task: int
    title: str
    required: Callable[[dict], list[str]]
    build: Callable[..., dict]
    headline: Callable[[dict, dict], dict]
    original_numbers: Callable[[dict, dict], list[dict]]
    why: Callable[[dict, dict, dict], list[str]]


# name -> the parameters it takes (None: a constant), and whether a module must define it
CONTRACT = {
    "TASK": (None, True),
    "TITLE": (None, True),
    "build": (("inputs", "cfg", "original", "rel"), True),
    "headline": (("s", "terms"), True),
    "original_numbers": (("s", "terms"), False),
    "why": (("s", "row", "terms"), False),
}


def section(module: ModuleType) -> Section:
    """`module` as a Section, or a TypeError naming the module and what of the contract it lacks or gets wrong."""
    problems = []
    for name, (params, needed) in CONTRACT.items():
        member = getattr(module, name, None)
        if member is None:
            problems += [f"no {name}"] if needed else []
        elif params is not None and tuple(inspect.signature(member).parameters) != params:
            problems.append(f"{name}{inspect.signature(member)} should take ({', '.join(params)})")
    if not isinstance(getattr(module, "TASK", None), int) or not isinstance(getattr(module, "TITLE", None), str):
        problems.append("TASK must be an int and TITLE a str")
    has_list, has_function = hasattr(module, "REQUIRED"), hasattr(module, "required")
    if has_list == has_function:
        problems.append("define either REQUIRED or required(config), not both or neither")
    elif has_function and tuple(inspect.signature(module.required).parameters) != ("config",):
        problems.append("required should take (config)")
    if problems:
        raise TypeError(f"{module.__name__} breaks the section contract (nnlab.report.sections): {'; '.join(problems)}")
    names = module.required if has_function else (lambda config: module.REQUIRED)
    return Section(
        task=module.TASK,
        title=module.TITLE,
        required=lambda config: list(names(config)),
        build=module.build,
        headline=module.headline,
        original_numbers=getattr(module, "original_numbers", lambda s, terms: []),
        why=getattr(module, "why", lambda s, row, terms: []),
    )


MODULES = (task22, task23, task24, task25, task27, task28, task29, task30, task31, task32, task33)
SECTIONS = {m.task: m for m in map(section, MODULES)}
BUILDERS = {task: m.build for task, m in SECTIONS.items()}
TASKS = tuple(sorted(SECTIONS))  # the original report's tasks, in its order
TITLES = {task: m.title for task, m in SECTIONS.items()}


def required(task: int, config: dict) -> list[str]:
    """The inputs task `task`'s section cannot be built without."""
    return SECTIONS[task].required(config)


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
