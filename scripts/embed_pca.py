"""Task 31: fit a PCA on the training images; write the test images' coordinates and the variances."""

from nnlab.data import load_cache
from nnlab.latent.embedding import pca_fit, pca_transform, write_latent, write_pca_variance
from nnlab.logs import tee_to

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    data = load_cache(sm.input.npz, sm.input.meta)
    scale = sm.params.scale
    pca = pca_fit(data.x_train.reshape(len(data.x_train), -1), sm.params.components, scale)
    write_latent(sm.output.latent, pca_transform(data.x_test.reshape(len(data.x_test), -1), pca, scale), data.y_test)
    write_pca_variance(sm.output.variance, pca)
    print(f"PCA on {len(data.x_train)} training images: variances {pca['variances']}, total {pca['total_variance']}")
