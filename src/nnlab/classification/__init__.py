"""Classification of images (tasks 24, 27-30): the summaries and figures around nnlab.engine's
classifier training.

`optstudy` (task 29's analysis), `sequential` (task 29's one network trained with several optimisers
in turn), `curves` (learning curves averaged over seeds, task 28), `misclassified` (task 30's choice
of images), `saved` (a trained network on disk) and `figures`.
"""
