"""Tasks 22-23: backpropagation and the vanishing gradient.

`derivations` (sympy: task 22's chain, task 23's bounds), `gradnorms` (torch: per-layer gradient
norms of a deep MLP), `vanishing` (their aggregation over seeds, no torch) and `figures`.
"""
