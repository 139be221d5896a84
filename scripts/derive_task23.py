"""Task 23's derivative facts with sympy: sigma' = sigma(1 - sigma) <= 1/4, ReLU' in {0, 1} (rule derive_task23)."""

from nnlab.gradients.derivations import activation_facts
from nnlab.logs import tee_to
from nnlab.results import write_rows

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    rows = activation_facts(list(sm.params.depths))
    for r in rows:
        print(f"[{'ok' if r['holds'] else 'FAILED'}] {r['fact']}: {r['latex']}")
    if not all(r["holds"] for r in rows):
        raise RuntimeError(
            "task 23: a derived fact does not hold: " + ", ".join(r["fact"] for r in rows if not r["holds"])
        )
    write_rows(sm.output.facts, rows)
