"""A small multilayer perceptron evaluated with numpy: standardise, clip, dense layers with
ReLU between them. The heads of the detector are of this shape; torch trains them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CLIP = 6.0  # standardised inputs beyond ±6 sd say nothing more, and would dominate


@dataclass
class MLP:
    mean: np.ndarray
    scale: np.ndarray
    weights: list[np.ndarray]  # (inputs, outputs) per layer
    biases: list[np.ndarray]

    @property
    def inputs(self) -> int:
        return len(self.mean)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """Outputs (rows, outputs) of the rows of X (rows, inputs)."""
        z = np.clip((np.asarray(x, np.float32) - self.mean) / self.scale, -CLIP, CLIP)
        for index, (weight, bias) in enumerate(zip(self.weights, self.biases)):
            z = z @ weight + bias
            if index < len(self.weights) - 1:
                z = np.maximum(z, 0.0)
        return z

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        out = {f"{prefix}.mean": self.mean, f"{prefix}.scale": self.scale}
        for index, (weight, bias) in enumerate(zip(self.weights, self.biases)):
            out[f"{prefix}.w{index}"] = weight
            out[f"{prefix}.b{index}"] = bias
        return out

    @classmethod
    def mean_of(cls, mlps: list["MLP"]) -> "MLP":
        """One MLP whose outputs are the mean of the outputs of MLPS (one hidden layer each, the
        same standardisation): their hidden units side by side, the output weights divided by
        their number. An ensemble of seeds at the cost of a wider layer."""
        first = mlps[0]
        if any(len(m.weights) != 2 or not np.array_equal(m.mean, first.mean) or not np.array_equal(m.scale, first.scale)
               for m in mlps):
            raise ValueError("only MLPs with one hidden layer and the same standardisation can be merged")
        return cls(first.mean, first.scale,
                   [np.concatenate([m.weights[0] for m in mlps], axis=1),
                    np.concatenate([m.weights[1] for m in mlps], axis=0) / len(mlps)],
                   [np.concatenate([m.biases[0] for m in mlps]), np.mean([m.biases[1] for m in mlps], axis=0)])

    @classmethod
    def from_arrays(cls, arrays, prefix: str) -> "MLP":
        weights, biases, index = [], [], 0
        while f"{prefix}.w{index}" in arrays:
            weights.append(np.asarray(arrays[f"{prefix}.w{index}"], np.float32))
            biases.append(np.asarray(arrays[f"{prefix}.b{index}"], np.float32))
            index += 1
        if not weights:
            raise KeyError(f"no layers for {prefix}")
        return cls(np.asarray(arrays[f"{prefix}.mean"], np.float32),
                   np.asarray(arrays[f"{prefix}.scale"], np.float32), weights, biases)
