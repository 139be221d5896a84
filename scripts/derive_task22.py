"""Derive task 22's chain with sympy, check it symbolically and against autograd (rule derive_task22).

A failed check of our own derivation stops the job (a wrong formula must never reach the report);
a formula of the original report that differs from ours is recorded, not an error.
"""

from nnlab.gradients.derivations import compare_with_original, verify
from nnlab.logs import tee_to
from nnlab.results import write_rows

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    p = sm.params
    result = verify(p.layers, p.points, p.low, p.high, p.seed, p.rtol)
    for c in result["checks"]:
        print(f"[{'ok' if c['passed'] else 'FAILED'}] {c['kind']}: {c['check']} ({c['detail']})")
    failed = [c["check"] for c in result["checks"] if not c["passed"]]
    if failed:
        raise RuntimeError(f"task 22: {len(failed)} check(s) failed: {'; '.join(failed)}")
    original = compare_with_original(result["exprs"], p.original)
    for r in original:
        print(f"original {r['name']}: {'agrees' if r['agrees'] else 'DIFFERS'} ({r['original']} vs ours {r['ours']})")
    write_rows(sm.output.expressions, result["expressions"])
    write_rows(sm.output.autograd, result["autograd"])
    write_rows(sm.output.checks, result["checks"])
    write_rows(sm.output.original, original, ["name", "lhs", "original", "ours", "agrees"])
