"""Write the results at a glance, the source of docs/results.md (rule write_results).

Named inputs starting with `task` are the report's (the same as render_report's); `original` is
report/original.yaml, `terms` the English words (report/en/terms.yaml).
"""

import yaml

from nnlab.io import write_text
from nnlab.logs import tee_to
from nnlab.report import common
from nnlab.report.results_table import headlines, markdown, numbers
from nnlab.report.sections import build_report_facts
from nnlab.words import read_words

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    with open(sm.input.original) as f:
        original = yaml.safe_load(f)
    terms = read_words(sm.input.terms)
    inputs = {k: v for k, v in sm.input.items() if k.startswith("task")}
    facts = build_report_facts(inputs, sm.params.config, sm.params.defaults, original, str)
    m = common.machine()
    machine = f"{m['cpus']} logical CPUs ({m['cpu']})" + (f", {m['memory_gib']:.0f} GiB" if m["memory_gib"] else "")
    meta = {"scale": sm.params.config["scale"], "commit": common.commit(), "machine": machine}
    sections = facts["sections"]
    write_text(sm.output.md, markdown(headlines(sections, facts["claims"], terms), numbers(sections, terms), meta))
    print(f"wrote {sm.output.md} with tasks {sorted(sections)}")
