"""An ONNX Runtime backend for the scorer's forward pass: the same model exported once to
ONNX (logits and the hidden layers the detector reads), run by onnxruntime on the CPU;
`onnx-int8` adds dynamic int8 quantisation of every linear layer but the output one.

fp32 ONNX reproduces torch's numbers to about 1e-4, so the bundled detector holds; int8
moves them (benchmarks/RESULTS.md measures by how much), so the detector for it would have
to be trained on its own states and is not mixed with the fp32 one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np


BACKENDS = ("torch", "onnx", "onnx-int8")


def onnx_file(model_folder: Path, layers: tuple[int, ...], int8: bool) -> Path:
    tag = "-".join(str(layer) for layer in layers) or "none"
    return Path(model_folder) / f"mtfix-{tag}{'-int8' if int8 else ''}.onnx"


def export(model, folder: Path, layers: tuple[int, ...], int8: bool) -> Path:
    """Write (once) the ONNX file of MODEL with outputs logits and hidden_<layer>."""
    import torch

    target = onnx_file(folder, layers, int8)
    if target.is_file():
        return target
    plain = onnx_file(folder, layers, False)
    if not plain.is_file():
        class Wrapper(torch.nn.Module):
            def __init__(self, inner) -> None:
                super().__init__()
                self.inner = inner

            def forward(self, input_ids, attention_mask):
                out = self.inner(input_ids=input_ids, attention_mask=attention_mask, output_hidden_states=bool(layers),
                                 use_cache=False)
                return (out.logits, *[out.hidden_states[layer] for layer in layers])

        names = ["logits"] + [f"hidden_{layer}" for layer in layers]
        axes = {name: {0: "batch", 1: "tokens"} for name in ["input_ids", "attention_mask", *names]}
        sample = torch.ones((1, 4), dtype=torch.long)
        handle, temp = tempfile.mkstemp(suffix=".onnx", dir=folder)
        os.close(handle)
        try:
            torch.onnx.export(Wrapper(model).eval(), (sample, sample), temp, input_names=["input_ids", "attention_mask"],
                              output_names=names, dynamic_axes=axes, opset_version=17, dynamo=False)
            os.replace(temp, plain)
        finally:
            Path(temp).unlink(missing_ok=True)
    if int8:
        from mtfix import extras

        onnx = extras.load("--backend onnx-int8", "onnx")
        from onnxruntime.quantization import QuantType, quantize_dynamic

        graph = onnx.load(str(plain), load_external_data=False).graph
        output_layer = [n.name for n in graph.node if n.op_type == "MatMul" and "logits" in n.output]
        handle, temp = tempfile.mkstemp(suffix=".onnx", dir=folder)
        os.close(handle)
        try:
            quantize_dynamic(str(plain), temp, weight_type=QuantType.QInt8, nodes_to_exclude=output_layer)
            os.replace(temp, target)
        finally:
            Path(temp).unlink(missing_ok=True)
    return target


class OnnxForward:
    """The forward pass of LMScorer on onnxruntime: (logits, hidden states) as torch tensors,
    from an ONNX file with the outputs `export` writes."""

    def __init__(self, path: Path, threads: int | None = None) -> None:
        from mtfix import extras

        ort = extras.load("--backend onnx", "onnxruntime")
        options = ort.SessionOptions()
        import torch

        options.intra_op_num_threads = threads or torch.get_num_threads()
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def __call__(self, input_ids, attention_mask):
        import torch

        outputs = self.session.run(None, {"input_ids": input_ids.cpu().numpy().astype(np.int64),
                                          "attention_mask": attention_mask.cpu().numpy().astype(np.int64)})
        return torch.from_numpy(outputs[0]), [torch.from_numpy(h) for h in outputs[1:]]
