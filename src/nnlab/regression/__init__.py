"""Regression of a two-dimensional function with a small MLP (task 25).

`train` (the data, the training loop, the grid evaluation and the run's CSVs), `convergence` (when
its loss curve settles, numpy only) and `figures`.
"""
