"""Helpers of the Snakemake workflow, in plain Python (no Snakemake import), so that tests can call them.

`codedeps`: each job's code dependency, derived from its script's imports. `tasks`: a task's run
settings, result paths and resource estimates, computed from the config passed in.
"""
