"""Two-dimensional embeddings of images (task 31): an autoencoder's bottleneck beside PCA.

`autoencoder` (torch: the dense autoencoder, its training loop and encoder), `embedding` (numpy:
PCA, the choice of images to plot, how well an embedding separates classes) and `figures`.
"""
