"""Training precision: what `auto` resolves to, bf16 autocast really used, float32 kept where it must be,
determinism per seed, and every training loop honouring the setting."""

import pytest
import torch
from torch import nn

from nnlab import precision as P
from nnlab.data.synthetic import make_synthetic
from nnlab.engine import ClassifierSettings, train_classifier
from nnlab.latent.autoencoder import AutoencoderSettings, train_autoencoder
from nnlab.regression.train import RegressionSettings, make_data, train_regressor
from nnlab.results import read_rows, write_run
from nnlab.vae.model import VAESettings, elbo_terms, train_vae

CPU = torch.device("cpu")
DATA = make_synthetic("mnist", 512, 128, seed=0)
ON_CPU = dict(device="cpu", threads=1)
QUIET = lambda s: None  # noqa: E731 - the runs' log


def wide(**settings):
    """A classifier run of 101770 weights: above auto's threshold."""
    return ClassifierSettings(
        model_spec={"kind": "mlp", "hidden": [128]}, epochs=2, batch_size=64, **ON_CPU, **settings
    )


def test_auto_follows_hardware_and_network_size(monkeypatch):
    big, small = nn.Linear(1000, 100), nn.Linear(10, 10)
    monkeypatch.setattr(P, "cpu_flags", lambda: frozenset({"avx2", "avx512_bf16"}))
    assert P.resolve_precision("auto", CPU, big) == "bf16"
    assert P.resolve_precision("auto", CPU, small) == "fp32"  # overhead-bound: bf16 would be slower
    deconv = nn.Sequential(nn.Linear(1000, 100), nn.ConvTranspose2d(4, 4, 4))
    assert P.resolve_precision("auto", CPU, deconv) == "fp32"  # no fast bf16 transposed convolution on CPUs
    assert P.resolve_precision("bf16", CPU, deconv) == "bf16"
    monkeypatch.setattr(P, "cpu_flags", lambda: frozenset({"avx2", "avx512f"}))
    assert P.resolve_precision("auto", CPU, big) == "fp32"  # bf16 only emulated there
    assert P.resolve_precision("bf16", CPU, small) == "bf16" and P.resolve_precision("fp32", CPU, big) == "fp32"
    with pytest.raises(ValueError, match="unknown precision 'fp16'; known: auto, fp32, bf16"):
        P.resolve_precision("fp16", CPU, big)


def test_this_machines_cpu_flags_are_read():
    # /proc/cpuinfo exists on the Linux machines this runs on; the flags include the basic x86 or ARM ones
    flags = P.cpu_flags()
    assert flags and ({"sse2", "fpu"} & flags or {"fp", "asimd"} & flags)


def test_forward_runs_bf16_products_and_returns_float32():
    layer = nn.Linear(8, 4)
    seen = []
    layer.register_forward_hook(lambda m, i, o: seen.append(o.dtype))
    out = P.forward(layer, torch.randn(3, 8), "bf16")
    assert seen == [torch.bfloat16] and out.dtype == torch.float32
    out = P.forward(layer, torch.randn(3, 8), "fp32")
    assert seen[-1] == torch.float32 and out.dtype == torch.float32
    pair = P.forward(lambda x: (layer(x), layer(x)), torch.randn(3, 8), "bf16")
    assert [t.dtype for t in pair] == [torch.float32, torch.float32]


def test_bf16_training_is_deterministic_learns_and_is_recorded(tmp_path):
    finals = []
    for i in range(2):
        r = train_classifier(DATA, wide(seed=3, precision="bf16"), QUIET)
        write_run(r, {"seed": 3}, *(tmp_path / f"{n}{i}.csv" for n in ("h", "f", "t")))
        finals.append((tmp_path / f"h{i}.csv").read_bytes())
    assert finals[0] == finals[1]  # same seed, same bytes, in bf16 too
    final = read_rows(tmp_path / "f0.csv")[0]
    assert final["precision"] == "bf16" and final["final_test_accuracy"] > 0.5
    fp32 = train_classifier(DATA, wide(seed=3, precision="fp32"), QUIET)
    assert fp32.precision == "fp32" and fp32.history != r.history  # the setting changed the arithmetic
    # master weights stay float32
    assert abs(fp32.history[-1]["test_accuracy"] - r.history[-1]["test_accuracy"]) < 0.1


def test_checkpoint_of_another_precision_is_not_resumed(tmp_path):
    ckpt = tmp_path / "checkpoint.pt"
    logs = []
    train_classifier(DATA, wide(seed=1, precision="fp32"), QUIET, checkpoint=str(ckpt))
    r = train_classifier(DATA, wide(seed=1, precision="bf16"), logs.append, checkpoint=str(ckpt))
    assert not any("resuming" in line for line in logs) and len(r.history) == 2


def test_every_training_loop_honours_precision():
    x, y = make_data(200, -3.0, 3.0, 0.01, seed=0)
    reg = train_regressor(
        x, y, RegressionSettings(hidden=[8], epochs=2, batch_size=50, seed=1, precision="bf16", **ON_CPU), QUIET
    )
    ae = train_autoencoder(
        DATA, AutoencoderSettings(hidden=[32], epochs=1, batch_size=64, seed=1, precision="bf16", **ON_CPU), QUIET
    )
    vae = train_vae(
        DATA,
        VAESettings(latent_dim=4, channels=[4, 8], epochs=1, batch_size=64, seed=1, precision="bf16", **ON_CPU),
        QUIET,
    )
    assert [reg.precision, ae.precision, vae.precision] == ["bf16"] * 3
    assert all(r.status == "ok" for r in (reg, ae, vae))
    # auto on these small nets: float32 (below the size where bf16 pays)
    assert (
        train_regressor(
            x, y, RegressionSettings(hidden=[8], epochs=1, batch_size=50, seed=1, **ON_CPU), QUIET
        ).precision
        == "fp32"
    )


def test_vae_likelihood_and_kl_stay_float32():
    vae = train_vae(
        DATA,
        VAESettings(latent_dim=4, channels=[4, 8], epochs=1, batch_size=64, seed=1, precision="fp32", **ON_CPU),
        QUIET,
    )
    k = torch.from_numpy(DATA.x_test[:16].transpose(0, 3, 1, 2).copy())
    rec, kl = elbo_terms(vae.model, k, "bf16")
    assert rec.dtype == kl.dtype == torch.float32
    rec32, _ = elbo_terms(vae.model, k, "fp32")
    assert torch.allclose(rec, rec32, rtol=0.05)  # same model, bf16 products: close, not equal
