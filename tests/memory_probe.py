"""Helper of tests/test_memory_requests.py, run in a fresh process so its peak memory is one job's.

    python memory_probe.py jobs WORKDIR CONFIGFILE...   -> JSON list of the training jobs of that
        config (rule, wildcards, mem_mb, params), from Snakemake's own DAG
    python memory_probe.py probe JOB_JSON DATA_DIR       -> runs the job's training under
        nnlab.resources.memory_guard with the job's own mem_mb (exit 1 with the guard's message if
        it does not fit)

Jobs whose epoch takes seconds (tasks 23, 25, 31) run their real job function for one or two
epochs. The others (classifiers, the VAE) build what the job builds (its data, model, optimiser
and precision, from the job's params) and run, twice, a few real steps, an evaluation pass and a
checkpoint save through the engine's own parts, the second time resumed from the first's checkpoint
(as a stopped build's rerun does): only the number of steps is cut, which does not change memory, as
every per-step buffer exists after the first steps.
"""

import json
import sys
from pathlib import Path

TRAINING_RULES = (
    "gradnorms_task23", "train_task24", "train_task25", "train_task27", "train_task28", "train_task29",
    "train_task29_sequential", "train_task30", "train_task31", "train_task33",
)  # fmt: skip
STEPS = 3


def list_jobs(workdir: Path, configfiles: list[str]) -> list[dict]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "workflow/lib"))
    from nnlab_workflow.dagjobs import dag_jobs

    return [
        {
            "rule": j["rule"],
            "wildcards": j["wildcards"],
            "mem_mb": j["resources"]["mem_mb"],
            "params": j["params"],
            "dataset": next((Path(f).stem for f in j["inputs"] if f.endswith(".npz")), None),
        }  # fmt: skip
        for j in dag_jobs(workdir, configfiles)
        if j["rule"] in TRAINING_RULES
    ]


def probe(job: dict, data_dir: Path) -> None:
    import snakemake.script  # noqa: F401 - a job's process has it loaded (its script preamble)

    from nnlab.resources import memory_guard

    run, rule = dict(job["params"]["run"]), job["rule"]
    with memory_guard(rule, f"probe of {job['wildcards']}", job["mem_mb"]):
        if rule == "train_task25":
            _regression(job["params"])
        elif rule in ("gradnorms_task23", "train_task31"):
            _one_epoch(job, run, data_dir)
        elif rule == "train_task33":
            _vae(job, run, data_dir)
        else:
            _classifier(job, run, data_dir)


def _regression(params: dict) -> None:
    from nnlab.regression.train import RegressionSettings, make_data, train_regressor

    x, y = make_data(**params["data"])
    train_regressor(x, y, RegressionSettings(**{**params["run"], "epochs": 2}, threads=2), log=lambda s: None)


def _attempts(model, opt, checkpoint: str, run, data: tuple):
    """Each epoch of a two-epoch run, as a job stopped after its first epoch and rerun sees it: the
    first attempt trains epoch 1 and saves the checkpoint; the second loads it (the file's bytes and
    the tensors read from them), trains epoch 2 and saves again. A full build's resumed runs went past
    their request there, where a single save stayed inside it. Yields the loop at each epoch."""
    from nnlab.loop import EpochLoop

    for attempt in (1, 2):
        loop = EpochLoop(attempt, model, opt, [], lambda s: None, checkpoint, run.checkpoint_settings(), data=data)
        assert len(loop.history) == attempt - 1, "the second attempt resumes from the first's checkpoint"
        for _ in loop:
            yield loop


def _load(job: dict, data_dir: Path):
    from nnlab.data import load_cache

    return load_cache(data_dir / f"{job['dataset']}.npz", data_dir / f"{job['dataset']}.json")


def _one_epoch(job: dict, run: dict, data_dir: Path) -> None:
    """Jobs whose epoch is seconds: the real job function, for one epoch."""
    from nnlab.gradients.gradnorms import GradNormSettings, gradient_norm_run
    from nnlab.latent.autoencoder import AutoencoderSettings, encode, train_autoencoder

    data = _load(job, data_dir)
    if job["rule"] == "gradnorms_task23":
        gradient_norm_run(data, GradNormSettings(**run, threads=2), log=lambda s: None)
    else:
        result = train_autoencoder(data, AutoencoderSettings(**{**run, "epochs": 1}, threads=2), log=lambda s: None)
        encode(result.model, data.x_test, result.device)  # the job writes the test set's codes


def _vae(job: dict, run: dict, data_dir: Path) -> None:
    import tempfile

    import torch

    from nnlab.engine import to_tensors
    from nnlab.optim import build_optimizer
    from nnlab.precision import resolve_precision
    from nnlab.run import setup_run
    from nnlab.vae.model import EVAL_BATCH, ConvVAE, VAESettings, evaluate_elbo, save_vae, train_step

    data = _load(job, data_dir)
    run = VAESettings(**run, threads=2)
    dev = setup_run(run)
    model = ConvVAE(data.image_shape, run.latent_dim, list(run.channels), run.likelihood).to(dev)
    precision = resolve_precision(run.precision, dev, model)
    opt = build_optimizer(run.optimizer, model.parameters(), run.lr, run.optimizer_options)
    x_train, _ = to_tensors(data.x_train, data.y_train, dev)
    x_test, _ = to_tensors(data.x_test, data.y_test, dev)
    batch, n = run.batch_size, len(x_train)
    with tempfile.TemporaryDirectory() as tmp:
        for loop in _attempts(model, opt, f"{tmp}/checkpoint.pt", run, (data.x_train, data.x_test)):
            perm = torch.randperm(n)
            for i in range(0, STEPS * batch, batch):
                train_step(model, opt, x_train[perm[i : i + batch]], precision)
            evaluate_elbo(model, x_test[: 2 * EVAL_BATCH])
            loop.end_epoch({"epoch": loop.epoch}, "probe")
        save_vae(model, f"{tmp}/model.pt")


def _classifier(job: dict, run: dict, data_dir: Path) -> None:
    import tempfile
    from dataclasses import replace

    import numpy as np
    import torch

    from nnlab.data.split import validation_split
    from nnlab.engine import ClassifierSettings, evaluate, to_tensors, train_step, uses_channels_last
    from nnlab.losses import LOSSES
    from nnlab.models import build_model
    from nnlab.optim import build_optimizer
    from nnlab.precision import resolve_precision
    from nnlab.run import setup_run

    data = _load(job, data_dir)
    split = job["params"].get("split")
    if split and split["validation"]:
        data = validation_split(data, split["validation"], split["seed"])
    run = ClassifierSettings(**run, threads=2)
    dev = setup_run(run)
    loss_fn = LOSSES[run.loss]
    model = build_model(run.model_spec, data.image_shape, len(data.classes)).to(dev)
    precision = resolve_precision(run.precision, dev, model)
    channels_last = uses_channels_last(model, dev)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    # The sequential protocol trains one network through each stage's optimiser in turn.
    stages = [replace(run, **stage) for stage in job["params"].get("stages") or [{}]]
    x_train, y_train = to_tensors(data.x_train, data.y_train, dev)
    x_test, y_test = to_tensors(data.x_test, data.y_test, dev)
    batch, n = run.batch_size, len(x_train)
    for stage in stages:
        opt = build_optimizer(stage.optimizer, model.parameters(), stage.lr, stage.optimizer_options)
        with tempfile.TemporaryDirectory() as tmp:
            for loop in _attempts(model, opt, f"{tmp}/checkpoint.pt", run, (data.y_train, data.x_test)):
                perm = torch.randperm(n)
                predicted = torch.empty(n, dtype=torch.long)
                losses = []
                for i in range(0, STEPS * batch, batch):
                    idx = perm[i : i + batch]
                    out, loss = train_step(model, opt, loss_fn, x_train, y_train, idx, channels_last, precision)
                    losses.append(loss)
                    torch.argmax(out, 1, out=predicted[i : i + batch])
                # Two evaluation chunks: each chunk's activations are the evaluation's whole footprint.
                eval_batch = run.eval_batch_size or batch
                preds: list = []
                evaluate(
                    model, loss_fn, x_test[: 2 * eval_batch], y_test[: 2 * eval_batch], preds, eval_batch, channels_last
                )
                predictions = np.zeros(len(x_test), dtype=np.int64)  # the run keeps every test prediction
                loop.end_epoch({"epoch": loop.epoch}, "probe", extra={"test_predictions": predictions})


if __name__ == "__main__":
    if sys.argv[1] == "jobs":
        print(json.dumps(list_jobs(Path(sys.argv[2]).resolve(), sys.argv[3:])))
    else:
        probe(json.loads(Path(sys.argv[2]).read_text()), Path(sys.argv[3]))
