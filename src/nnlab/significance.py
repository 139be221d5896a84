"""Is a difference real? The report's one policy for every comparison it makes.

Every verdict the report prints ("differs", "within noise", "inconclusive") comes from this module, in
one result shape (`result`), so a comparison cannot be judged by a rule of its own.

- Two classifiers scored on the same test images (`paired`): McNemar's test on the images exactly one
  of them gets right, exact with the mid-p correction for one run per side; with several seeds the
  paired per-image difference (its test-sampling error) plus the seed-to-seed spread of each side's
  accuracy (its training noise), normal approximation.
- Two accuracies on the same n test images without per-image predictions (`accuracies`): the paired
  test's outcome is bounded by the unknown number of images they disagree on (from |b - c| to all
  images either gets wrong); when the bounds disagree the verdict is "inconclusive".
- Quantities with no per-image structure, e.g. gradient ratios (`seeds`): the seed-to-seed spread only;
  one seed per side gives no noise estimate ("inconclusive").
- k-NN leave-one-out scores (`not_independent`): each point's score depends on its neighbours, so
  the points are not independent trials and no binomial or McNemar test applies; only the seed
  spread of a trained side can speak, else "inconclusive".
"""

from __future__ import annotations

import math
from collections.abc import Sequence

ALPHA = 0.05  # two-sided level of every test of the report
DIFFERS, NOISE, INCONCLUSIVE = "differs", "within noise", "inconclusive"
VERDICTS = (DIFFERS, NOISE, INCONCLUSIVE)


def result(diff: float, verdict: str, test: str, p: float = math.nan, se: float = math.nan, **extra) -> dict:
    """The one shape of a comparison: `diff` (a minus b), `verdict`, `test` (which test decided:
    "mcnemar", "paired+seeds", "mcnemar-bounds", "seeds", "none"), its `p` value (or the pair
    `p_range` for bounds), the standard error `se` of `diff` where one is defined, and `reason`
    ("one seed", "no predictions", "not independent") where the verdict is inconclusive."""
    assert verdict in VERDICTS, verdict
    return {"diff": diff, "verdict": verdict, "test": test, "p": p, "se": se, "alpha": ALPHA,
            "reason": extra.pop("reason", None), **extra}  # fmt: skip


def _binom_cdf(k: int, n: int) -> float:
    """P(X <= k) for X ~ Binomial(n, 1/2), in logs so n of tens of thousands is fine."""
    if k < 0:
        return 0.0
    if k >= n:
        return 1.0
    log_half = n * math.log(0.5)
    return min(1.0, sum(math.exp(math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + log_half)
                        for i in range(k + 1)))  # fmt: skip


def mcnemar_midp(b: int, c: int) -> float:
    """Two-sided mid-p value of McNemar's exact test: b and c are the images only the first and only
    the second classifier gets right. Under no difference each discordant image is a fair coin."""
    n, k = b + c, min(b, c)
    if n == 0:
        return 1.0
    pmf = math.exp(math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) + n * math.log(0.5))
    return min(1.0, 2 * _binom_cdf(k, n) - pmf)


def _normal_p(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2))


def _seed_var(sd: float, runs: int) -> float:
    # one run has no spread of its own; the caller may still pass one it assumes (the original's)
    return sd**2 / runs if runs >= 1 and sd == sd else 0.0


def paired(correct_a: Sequence[Sequence[bool]], correct_b: Sequence[Sequence[bool]]) -> dict:
    """Two classifiers on the same test images. `correct_a`, `correct_b`: one sequence per seed of
    per-image correctness (same images, same order). Returns `result` with `n` images, `b`, `c` (the
    discordant counts of the first seed pair), `seeds` (runs per side)."""
    runs_a, runs_b = len(correct_a), len(correct_b)
    if not runs_a or not runs_b:
        raise ValueError("paired: each side needs at least one run's predictions")
    n = len(correct_a[0])
    if any(len(r) != n for r in (*correct_a, *correct_b)):
        raise ValueError("paired: the runs were not scored on the same number of images")
    acc = lambda runs: [sum(map(bool, r)) / n for r in runs]  # noqa: E731
    acc_a, acc_b = acc(correct_a), acc(correct_b)
    mean_a, mean_b = sum(acc_a) / runs_a, sum(acc_b) / runs_b
    diff = mean_a - mean_b
    b = sum(1 for x, y in zip(correct_a[0], correct_b[0]) if x and not y)
    c = sum(1 for x, y in zip(correct_a[0], correct_b[0]) if y and not x)
    extra = {"n": n, "b": b, "c": c, "seeds": (runs_a, runs_b), "a": mean_a, "b_value": mean_b}
    if runs_a == 1 and runs_b == 1:
        se = math.sqrt(max(b + c - (b - c) ** 2 / n, 0.0)) / n
        p = mcnemar_midp(b, c)
        return result(diff, DIFFERS if p < ALPHA else NOISE, "mcnemar", p, se, **extra)
    # per image: the share of a's seeds right minus the share of b's; its spread over images is the
    # test-sampling error of the paired difference, the seeds' spread of accuracy the training noise
    d = [sum(map(bool, xs)) / runs_a - sum(map(bool, ys)) / runs_b for xs, ys in zip(zip(*correct_a), zip(*correct_b))]
    var_img = sum((x - diff) ** 2 for x in d) / (n - 1) / n if n > 1 else 0.0
    sd = lambda xs: math.sqrt(sum((x - sum(xs) / len(xs)) ** 2 for x in xs) / (len(xs) - 1)) if len(xs) > 1 else 0.0  # noqa: E731
    se = math.sqrt(var_img + _seed_var(sd(acc_a), runs_a) + _seed_var(sd(acc_b), runs_b))
    p = _normal_p(diff / se) if se > 0 else (1.0 if diff == 0 else 0.0)
    return result(diff, DIFFERS if p < ALPHA else NOISE, "paired+seeds", p, se, **extra)


def accuracies(
    a: float, b: float, n: int, sd_a: float = 0.0, runs_a: int = 1, sd_b: float = 0.0, runs_b: int = 1
) -> dict:
    """Two (mean) accuracies on the same `n` test images whose per-image predictions are not at hand,
    e.g. ours against the original's single run. The paired test depends on how many images the two
    disagree on, which is unknown: between |b - c| = n |a - b| and every image either gets wrong. The
    verdict is "differs" or "within noise" only when both ends agree, else "inconclusive"; the seed
    spread of each side (sd over runs) is added where there are seeds."""
    diff = a - b
    k = round(n * abs(diff))
    most = min(n, round(n * (1 - a)) + round(n * (1 - b)))
    most -= (most - k) % 2  # b + c and b - c have the same parity
    seed_var = _seed_var(sd_a, runs_a) + _seed_var(sd_b, runs_b)
    if seed_var == 0:
        p_low, p_high = mcnemar_midp(k, 0), mcnemar_midp((most + k) // 2, (most - k) // 2)
        se = math.sqrt(max(most - k**2 / n, 0.0)) / n if n else math.nan
    else:
        se_img = lambda disc: math.sqrt(max(disc - k**2 / n, 0.0)) / n  # noqa: E731
        se = math.sqrt(se_img(most) ** 2 + seed_var)
        p_low = _normal_p(diff / math.sqrt(se_img(k) ** 2 + seed_var))
        p_high = _normal_p(diff / se)
    extra = {"n": n, "p_range": (p_low, p_high), "seeds": (runs_a, runs_b), "a": a, "b_value": b}
    if p_high < ALPHA:
        return result(diff, DIFFERS, "mcnemar-bounds", p_high, se, **extra)
    if p_low >= ALPHA:
        return result(diff, NOISE, "mcnemar-bounds", p_low, se, **extra)
    return result(diff, INCONCLUSIVE, "mcnemar-bounds", math.nan, se, reason="no predictions", **extra)


def seeds(mean_a: float, sd_a: float, runs_a: int, mean_b: float, sd_b: float, runs_b: int) -> dict:
    """A quantity measured once per seed (no per-image structure): the difference of the means against
    their seed-to-seed standard error, normal approximation. One seed on either side: no estimate."""
    diff = mean_a - mean_b
    extra = {"seeds": (runs_a, runs_b), "a": mean_a, "b_value": mean_b}
    if min(runs_a, runs_b) < 2:
        return result(diff, INCONCLUSIVE, "none", reason="one seed", **extra)
    se = math.sqrt(sd_a**2 / runs_a + sd_b**2 / runs_b)
    p = _normal_p(diff / se) if se > 0 else (1.0 if diff == 0 else 0.0)
    return result(diff, DIFFERS if p < ALPHA else NOISE, "seeds", p, se, **extra)


def not_independent(values_a: Sequence[float], b: float) -> dict:
    """Scores whose items are not independent trials (k-NN leave-one-out accuracy: each point's score
    depends on the other points), `values_a` one per seed of a trained method, `b` a deterministic
    one (e.g. PCA). No per-item test applies; with two or more seeds the seed spread of a alone is
    tested (`seeds`, b without spread), which leaves out the choice of points; else inconclusive."""
    runs = len(values_a)
    mean = sum(values_a) / runs
    diff = mean - b
    if runs < 2:
        return result(diff, INCONCLUSIVE, "none", reason="not independent", seeds=(runs, 1), a=mean, b_value=b)
    sd = math.sqrt(sum((v - mean) ** 2 for v in values_a) / (runs - 1))
    out = seeds(mean, sd, runs, b, 0.0, 2)  # b is fixed: no spread of its own
    return out | {"seeds": (runs, 1), "not_independent": True}


def normal(diff: float, se: float) -> dict:
    """An estimate with a known standard error (e.g. a difference of two paired gaps, a Monte Carlo
    mean) against zero, normal approximation. No standard error: inconclusive."""
    if not se == se or se <= 0:
        return result(diff, INCONCLUSIVE, "none", reason="no error estimate")
    p = _normal_p(diff / se)
    return result(diff, DIFFERS if p < ALPHA else NOISE, "normal", p, se)
