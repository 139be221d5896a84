"""Tasks 32-33: the evidence lower bound and a convolutional VAE.

`model` (torch: the VAE, its loss, training loop and importance-weighted bound), `elbo` (numpy:
task 32's ELBO checked exactly on a linear-Gaussian model), `quality` (the images judged by a trained
classifier: Fréchet and kernel distances, classifier score), `images` (Pillow: PNG grids of samples
and reconstructions) and `figures`.
"""
