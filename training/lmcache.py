"""A resumable on-disk cache of what the LM computes for a training set: token statistics,
per-token hidden states of a few layers and mean-pooled states of every layer.

Extraction is the slow part of training (about 25 sentences/s on 2 CPU cores), so it is
done once per data set and model, in chunks, each chunk appended and recorded before the
next starts: a killed run resumes where it stopped. Arrays are read back as memory maps.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mtfix.lm.scorer import LMScorer
from mtfix.lm.types import LOOKAHEAD, TokenScores, Window

STORE_LAYERS = (8, 14, 18, 24, 30)  # per-token states kept (of SmolLM2-135M's 0..30)
CHUNK_CHARS = 40_000  # text per chunk: all-layer states of a chunk stay within a few GB


def windows_key(model: str, windows: list[Window]) -> str:
    digest = hashlib.sha1(model.encode())
    for window in windows:
        digest.update(window.text.encode())
        digest.update(repr(window.spans).encode())
    return digest.hexdigest()[:16]


@dataclass
class LMCache:
    """The cached LM view of N sentences (in window order)."""

    folder: Path
    sentences: int
    layers: tuple[int, ...]
    token_index: np.ndarray  # [N+1]: sentence i owns tokens token_index[i]:token_index[i+1]

    @property
    def row_index(self) -> np.ndarray:
        """Rows of the hidden arrays: each sentence has its tokens plus LOOKAHEAD rows."""
        return self.token_index + LOOKAHEAD * np.arange(len(self.token_index))

    def array(self, name: str) -> np.ndarray:
        return np.load(self.folder / f"{name}.npy", mmap_mode="r")

    def hidden(self, layer: int) -> np.ndarray:
        return self.array(f"hidden_{layer}")

    def token_scores(self, i: int) -> TokenScores:
        a, b = self.token_index[i], self.token_index[i + 1]
        offsets = [tuple(o) for o in self.array("offsets")[a:b].tolist()]
        return TokenScores(offsets, np.asarray(self.array("logprob")[a:b]), np.asarray(self.array("rank")[a:b]),
                           np.asarray(self.array("entropy")[a:b]),
                           next_logprob=np.asarray(self.array("next_logprob")[i]))

    def sentence_hidden(self, i: int, layers: tuple[int, ...]) -> np.ndarray:
        rows = self.row_index
        return np.stack([np.asarray(self.hidden(layer)[rows[i]:rows[i + 1]], np.float32) for layer in layers])


class _Appender:
    """Raw binary files grown chunk by chunk, with the committed sizes in a progress file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.progress_file = folder / "progress.json"
        self.state = json.loads(self.progress_file.read_text()) if self.progress_file.is_file() else {
            "windows": 0, "bytes": {}, "shapes": {}}
        for name, size in self.state["bytes"].items():  # drop whatever a killed run left uncommitted
            with open(folder / f"{name}.bin", "r+b") as handle:
                handle.truncate(size)

    def append(self, arrays: dict[str, np.ndarray], windows_done: int) -> None:
        for name, array in arrays.items():
            with open(self.folder / f"{name}.bin", "ab") as handle:
                handle.write(np.ascontiguousarray(array).tobytes())
            self.state["bytes"][name] = self.state["bytes"].get(name, 0) + array.nbytes
            self.state["shapes"][name] = [str(array.dtype), list(array.shape[1:])]
        self.state["windows"] = windows_done
        tmp = self.progress_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.state))
        tmp.replace(self.progress_file)

    def finish(self) -> None:
        """Turn each raw file into a .npy (header + the same bytes)."""
        for name, (dtype, tail) in self.state["shapes"].items():
            raw = self.folder / f"{name}.bin"
            item = np.dtype(dtype).itemsize * int(np.prod(tail or [1]))
            count = self.state["bytes"][name] // item
            out = np.lib.format.open_memmap(self.folder / f"{name}.npy", mode="w+", dtype=dtype,
                                            shape=(count, *tail))
            out[:] = np.fromfile(raw, dtype=dtype).reshape(count, *tail)
            out.flush()
            del out
            raw.unlink()


def extract(scorer: LMScorer, windows: list[Window], root: Path, name: str,
            layers: tuple[int, ...] = STORE_LAYERS, log=sys.stderr) -> LMCache:
    """The LM view of every sentence of WINDOWS, computed once and kept under ROOT."""
    folder = Path(root) / f"{name}-{windows_key(scorer.name, windows)}"
    meta_file = folder / "meta.json"
    if not meta_file.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        _extract_into(scorer, windows, folder, layers, name, log)
        meta = {"sentences": sum(len(w.spans) for w in windows), "layers": list(layers), "model": scorer.name}
        meta_file.write_text(json.dumps(meta))
    meta = json.loads(meta_file.read_text())
    counts = np.load(folder / "tokens.npy")
    return LMCache(folder, meta["sentences"], tuple(meta["layers"]),
                   np.concatenate([[0], np.cumsum(counts)]).astype(np.int64))


def _extract_into(scorer: LMScorer, windows: list[Window], folder: Path, layers: tuple[int, ...],
                  name: str, log) -> None:
    all_layers = tuple(range(scorer.num_layers + 1))
    scorer.layers = all_layers
    keep = [all_layers.index(layer) for layer in layers]
    appender = _Appender(folder)
    started, done = time.time(), appender.state["windows"]
    total = sum(len(w.spans) for w in windows)
    sentences_done = sum(len(w.spans) for w in windows[:done])
    begin = done
    while begin < len(windows):
        end, size = begin + 1, len(windows[begin].text)
        while end < len(windows) and size + len(windows[end].text) <= CHUNK_CHARS:
            size += len(windows[end].text)
            end += 1
        chunk = windows[begin:end]
        scored = [s for per_window in scorer.score_windows(chunk) for s in per_window]
        arrays = _chunk_arrays(scored, keep, layers)
        appender.append(arrays, end)
        begin = end
        sentences_done += len(scored)
        rate = (sentences_done - sum(len(w.spans) for w in windows[:done])) / max(1e-9, time.time() - started)
        print(f"{name}: {sentences_done}/{total} sentences, {rate:.1f}/s", file=log, flush=True)
    appender.finish()


def _chunk_arrays(scored: list[TokenScores], keep: list[int], layers: tuple[int, ...]) -> dict[str, np.ndarray]:
    dim = next((s.hidden.shape[2] for s in scored if s.hidden is not None), 0)
    arrays = {
        "tokens": np.array([len(s) for s in scored], np.int32),
        "logprob": np.concatenate([s.logprob for s in scored] + [np.zeros(0, np.float32)]).astype(np.float32),
        "rank": np.concatenate([s.rank for s in scored] + [np.zeros(0, np.int32)]).astype(np.int32),
        "entropy": np.concatenate([s.entropy for s in scored] + [np.zeros(0, np.float32)]).astype(np.float32),
        "offsets": np.array([o for s in scored for o in s.offsets] or np.zeros((0, 2)), np.int32).reshape(-1, 2),
        "next_logprob": np.stack([s.next_logprob if s.next_logprob is not None else np.zeros(LOOKAHEAD, np.float32)
                                  for s in scored]).astype(np.float32),
        "pooled": np.stack([s.hidden[:, : len(s)].mean(axis=1) if len(s) else np.zeros((s.hidden.shape[0], dim))
                            for s in scored]).astype(np.float16),
    }
    for position, layer in zip(keep, layers):
        arrays[f"hidden_{layer}"] = np.concatenate([s.hidden[position] for s in scored]).astype(np.float16)
    return arrays
