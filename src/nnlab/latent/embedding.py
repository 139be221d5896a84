"""Two-dimensional embeddings and how well they separate classes (task 31): PCA, the choice of
images to plot, and leave-one-out k-nearest-neighbour accuracy in the plane.

numpy only (no torch), so it runs in the data and report environments alike.
"""

from __future__ import annotations

import numpy as np

from nnlab.results import read_rows, write_rows

CHUNK = 4096  # rows per block when accumulating X^T X, to bound memory on 60000 x 784 images
KNN_CHUNK = 256  # query points per block of the distance matrix


def pca_fit(x: np.ndarray, n_components: int = 2, scale: float = 1.0) -> dict:
    """Principal components of the rows of `scale * x` (x: N x D, e.g. uint8 pixels).

    Returns mean (D,), components (k, D), variances (k,) and total_variance (the trace of the
    covariance, for explained-variance ratios). The covariance is accumulated blockwise in
    float64; components are its eigenvectors, largest eigenvalue first, each with its sign fixed
    so that its largest-magnitude entry is positive (deterministic). Variances use 1/(N-1).
    """
    x = np.asarray(x)
    n, d = x.shape
    if n < 2:
        raise ValueError("PCA needs at least two rows")
    mean = np.zeros(d)
    for i in range(0, n, CHUNK):
        mean += x[i : i + CHUNK].astype(np.float64).sum(0) * scale
    mean /= n
    cov = np.zeros((d, d))
    for i in range(0, n, CHUNK):
        b = x[i : i + CHUNK].astype(np.float64) * scale - mean
        cov += b.T @ b
    cov /= n - 1
    vals, vecs = np.linalg.eigh(cov)
    order = np.argsort(vals)[::-1][:n_components]
    comps = vecs[:, order].T
    signs = np.sign(comps[np.arange(len(comps)), np.abs(comps).argmax(1)])
    return {
        "mean": mean,
        "components": comps * signs[:, None],
        "variances": vals[order],
        "total_variance": float(np.trace(cov)),
    }


def pca_transform(x: np.ndarray, pca: dict, scale: float = 1.0) -> np.ndarray:
    """Coordinates of the rows of `scale * x` along the components of `pca_fit`'s result."""
    return (np.asarray(x, dtype=np.float64) * scale - pca["mean"]) @ pca["components"].T


def first_per_class(labels: np.ndarray, classes, per_class: int) -> np.ndarray:
    """Indices of the first `per_class` items of each class, in class order, then index order.

    Raises ValueError, naming the class and count, when a class has fewer items.
    """
    labels = np.asarray(labels)
    picked = []
    for c in classes:
        idx = np.nonzero(labels == c)[0]
        if len(idx) < per_class:
            raise ValueError(f"class {c} has only {len(idx)} items, fewer than the {per_class} asked for")
        picked.append(idx[:per_class])
    return np.concatenate(picked)


def knn_loo_accuracy(z: np.ndarray, labels: np.ndarray, k: int = 5) -> float:
    """Leave-one-out k-nearest-neighbour accuracy of the points z (N, d) with their labels.

    Each point is classified by the majority label of its k nearest other points (Euclidean).
    A tie between labels goes to the tied label whose nearest neighbour is closest; equal
    distances are ordered by index, so the result is deterministic.
    """
    z = np.asarray(z, dtype=np.float64)
    labels = np.asarray(labels)
    n = len(z)
    if n <= k:
        raise ValueError(f"need more than k={k} points, got {n}")
    correct = 0
    for i in range(0, n, KNN_CHUNK):
        block = z[i : i + KNN_CHUNK]
        d2 = ((block[:, None, :] - z[None, :, :]) ** 2).sum(-1)
        d2[np.arange(len(block)), np.arange(i, i + len(block))] = np.inf  # leave the point itself out
        nearest = np.argsort(d2, axis=1, kind="stable")[:, :k]
        for row, nb in enumerate(nearest):
            votes: dict = {}
            for rank, j in enumerate(nb):  # nb is sorted by distance: first hit = nearest of that label
                lab = labels[j]
                count, first = votes.get(lab, (0, rank))
                votes[lab] = (count + 1, first)
            pred = max(votes, key=lambda lab: (votes[lab][0], -votes[lab][1]))
            correct += int(pred == labels[i + row])
    return correct / n


def read_latent(path) -> tuple[np.ndarray, np.ndarray]:
    """A latent CSV (index, label, z1, z2, ...) -> coordinates (N, d) and labels (N,)."""
    rows = read_rows(path)
    names = [k for k in rows[0] if k.startswith("z")] if rows else []
    z = np.array([[r[k] for k in names] for r in rows], dtype=np.float64)
    return z, np.array([r["label"] for r in rows], dtype=np.int64)


def separation(z: np.ndarray, labels: np.ndarray, classes, per_class: int, k: int = 5) -> dict:
    """How well `classes` separate in the embedding z of a test split.

    knn_selected: leave-one-out k-NN accuracy on the first `per_class` images of each class (the
    plotted points), with its binomial standard error; knn_all: the same on every image of those
    classes (more points, so less sampling noise); chance: 1 / number of classes.
    """
    sel = first_per_class(labels, classes, per_class)
    acc = knn_loo_accuracy(z[sel], labels[sel], k)
    every = np.isin(labels, list(classes))
    return {
        "n_selected": len(sel),
        "knn_selected": acc,
        "knn_selected_se": float(np.sqrt(acc * (1 - acc) / len(sel))),
        "n_all": int(every.sum()),
        "knn_all": knn_loo_accuracy(z[every], labels[every], k),
        "chance": 1 / len(classes),
    }


def summarize_latent(runs: list[dict], classes, per_class: int, k: int = 5) -> list[dict]:
    """One row per embedding: `runs` items are {"method", "seed", "latent": CSV path} and, for a
    trained model, "final": its final.csv, whose status and losses are copied into the row."""
    rows = []
    for run in runs:
        z, labels = read_latent(run["latent"])
        row = {"method": run["method"], "seed": run["seed"], "k": k, "status": "ok"}
        if run.get("final"):
            final = read_rows(run["final"])[0]
            row |= {key: final[key] for key in ("status", "epochs_run", "final_train_loss", "final_test_loss")}
        if row["status"] == "ok" and np.isfinite(z).all():
            row |= separation(z, labels, classes, per_class, k)
        rows.append(row)
    return rows


def write_latent(path, z: np.ndarray, labels: np.ndarray) -> None:
    """One row per image: its index in the split, label and coordinates z1, z2, ..."""
    names = [f"z{j + 1}" for j in range(z.shape[1])]
    rows = [
        {"index": i, "label": int(y), **{n: float(v) for n, v in zip(names, zi)}}
        for i, (zi, y) in enumerate(zip(z, labels))
    ]
    write_rows(path, rows, ["index", "label", *names])


def write_pca_variance(path, pca: dict) -> None:
    """Per component: its variance and the share of the total variance it explains."""
    rows = [
        {"component": j + 1, "variance": float(v), "explained_ratio": float(v) / pca["total_variance"]}
        for j, v in enumerate(pca["variances"])
    ]
    write_rows(path, rows, ["component", "variance", "explained_ratio"])
