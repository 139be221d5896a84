"""nnlab: the Python side of the reproducible neural-network lab report.

The package knows nothing of Snakemake: every function here can be called from a
notebook or a test. The workflow's scripts are thin adapters around it.
"""

__version__ = "0.1.0"
