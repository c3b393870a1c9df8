"""The detector's numpy MLP (unit tier)."""

from __future__ import annotations

import numpy as np
import pytest

from mtfix.detector.mlp import MLP


def _random_mlp(rng, inputs: int, hidden: int, outputs: int, mean, scale) -> MLP:
    return MLP(mean, scale, [rng.normal(size=(inputs, hidden)).astype(np.float32),
                             rng.normal(size=(hidden, outputs)).astype(np.float32)],
               [rng.normal(size=hidden).astype(np.float32), rng.normal(size=outputs).astype(np.float32)])


def test_merged_mlps_output_the_mean_of_their_outputs():
    rng = np.random.default_rng(0)
    mean, scale = rng.normal(size=5).astype(np.float32), rng.uniform(0.5, 2, size=5).astype(np.float32)
    mlps = [_random_mlp(rng, 5, 7, 2, mean, scale) for _ in range(3)]
    x = rng.normal(size=(11, 5)).astype(np.float32) * 3
    merged = MLP.mean_of(mlps)
    assert merged.weights[0].shape == (5, 21)
    np.testing.assert_allclose(merged(x), np.mean([m(x) for m in mlps], axis=0), rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError):
        MLP.mean_of([mlps[0], _random_mlp(rng, 5, 7, 2, mean + 1, scale)])
