"""Batched token log-probabilities from a causal language model (transformers + torch)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mtfix.errors import ModelUnavailable
from mtfix.lm.provision import BUILTIN_MODELS, DEFAULT_MODEL, provision

MAX_TOKENS = 256


@dataclass
class TokenScores:
    """What the LM thought of each token of one text.

    `offsets[i]` is the character span of token i in the scored text; `logprob` is the
    natural-log probability of the token given everything before it, `rank` its rank
    among all vocabulary items (1 = the model's top guess), `entropy` the entropy of
    the model's prediction at that position.
    """

    offsets: list[tuple[int, int]]
    logprob: np.ndarray
    rank: np.ndarray
    entropy: np.ndarray

    def __len__(self) -> int:
        return len(self.offsets)


def resolve_device(device: str) -> str:
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise ModelUnavailable("--device cuda was asked for but torch sees no CUDA GPU")
    if device not in ("cpu", "cuda"):
        raise ModelUnavailable(f"unknown device {device!r}: use cpu, cuda or auto")
    return device


def model_location(name: str, quiet: bool = False) -> str:
    """A built-in name is provisioned; anything else is a local folder or a hub id."""
    if name in BUILTIN_MODELS:
        return str(provision(name, quiet=quiet))
    local = Path(name).expanduser()
    if local.is_dir():
        return str(local)
    if name.startswith((".", "/", "~")) or name.count("/") > 1 or "\\" in name:
        raise ModelUnavailable(f"cannot load language model {name!r}: no such folder")
    return name


class LMScorer:
    """Scores texts with a causal LM, in length-sorted batches."""

    def __init__(self, model: str = DEFAULT_MODEL, device: str = "auto", batch_size: int = 32,
                 quiet: bool = False, int8: bool = False) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # loading safetensors takes well under a second
        self.name = model
        self.device = resolve_device(device)
        self.batch_size = max(1, batch_size)
        location = model_location(model, quiet=quiet)
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(location)
            self.model = AutoModelForCausalLM.from_pretrained(location, dtype=torch.float32)
        except Exception as exc:  # hub errors, missing files, unsupported architectures
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelUnavailable(f"cannot load language model {model!r}: {first_line}") from exc
        if not getattr(self.tokenizer, "is_fast", False):
            raise ModelUnavailable(f"model {model!r} has no fast tokenizer; mtfix needs token offsets")
        self.model.to(self.device).eval()
        self.int8 = int8
        if int8:
            self._quantize()
        self.prefix_id = self._prefix_token_id()
        self.pad_id = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else self.prefix_id
        self.forward_seconds = 0.0

    def _quantize(self) -> None:
        """int8 dynamic quantisation of the linear layers, CPU only. Not offered on the command
        line: on SmolLM2-135M it moves the garbled probabilities too far from fp32 for the
        trained detector (benchmarks/bench_score.py measures it; RESULTS.md has the figures)."""
        import torch

        if self.device != "cpu":
            raise ModelUnavailable("--int8 works on the CPU only; use --device cpu")
        # The output layer stays fp32: quantising it moves every token's log-probability.
        layers = {name for name, module in self.model.named_modules()
                  if isinstance(module, torch.nn.Linear) and module is not self.model.get_output_embeddings()}
        self.model = torch.ao.quantization.quantize_dynamic(self.model, layers, dtype=torch.qint8)

    def _prefix_token_id(self) -> int:
        """The token a text is scored after: a document separator if the vocabulary has one."""
        vocab = self.tokenizer.get_vocab()
        for candidate in ("<|endoftext|>", "<bos>", "<s>"):
            if candidate in vocab:
                return vocab[candidate]
        for token_id in (self.tokenizer.bos_token_id, self.tokenizer.eos_token_id):
            if token_id is not None:
                return token_id
        raise ModelUnavailable(f"model {self.name!r} has no BOS or EOS token to score after")

    @property
    def signature(self) -> str:
        return f"lm:{self.name}{'+int8' if self.int8 else ''}|device:{self.device}"

    def encode(self, texts: Sequence[str]) -> list[tuple[list[int], list[tuple[int, int]]]]:
        encoded = self.tokenizer(list(texts), add_special_tokens=False, return_offsets_mapping=True)
        return [(ids[:MAX_TOKENS], [tuple(o) for o in offs[:MAX_TOKENS]])
                for ids, offs in zip(encoded["input_ids"], encoded["offset_mapping"])]

    def score(self, texts: Sequence[str],
              progress: Callable[[int], None] | None = None) -> list[TokenScores]:
        """Score every text; `progress(n)` is called after each batch with its size."""
        if not texts:
            return []
        encoded = self.encode(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i][0]))
        results: list[TokenScores | None] = [None] * len(texts)
        for begin in range(0, len(order), self.batch_size):
            batch = order[begin:begin + self.batch_size]
            for index, scores in zip(batch, self._score_batch([encoded[i] for i in batch])):
                results[index] = scores
            if progress:
                progress(len(batch))
        return results  # type: ignore[return-value]

    def predictions(self, texts: Sequence[str], k: int) -> list[tuple[TokenScores, np.ndarray]]:
        """Each text's token scores, plus the LM's top-k token ids at every position (what it
        expected instead of each token): the raw material of LM-guided edits."""
        import torch

        encoded = self.encode(texts)
        out: list[tuple[TokenScores, np.ndarray]] = []
        for begin in range(0, len(encoded), self.batch_size):
            batch = [(ids or [self.pad_id], offs) for ids, offs in encoded[begin:begin + self.batch_size]]
            logits, targets, _ = self.forward([ids for ids, _ in batch])
            for row, (ids, offsets) in enumerate(batch):
                row_logits = logits[row, : len(ids)]
                logprob, rank, entropy = token_statistics(row_logits, targets[row, : len(ids)])
                with torch.inference_mode():
                    top = torch.topk(row_logits, k, dim=-1).indices.cpu().numpy()
                out.append((TokenScores(offsets, logprob, rank, entropy), top))
        return out

    def forward(self, ids_batch: list[list[int]]):
        """One padded forward pass; returns (log-probs of the next token, targets, mask)."""
        import torch

        width = max(len(ids) for ids in ids_batch) + 1
        input_ids = torch.full((len(ids_batch), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(ids_batch), width), dtype=torch.long)
        for row, ids in enumerate(ids_batch):
            input_ids[row, : len(ids) + 1] = torch.tensor([self.prefix_id, *ids])
            mask[row, : len(ids) + 1] = 1
        input_ids, mask = input_ids.to(self.device), mask.to(self.device)
        started = time.perf_counter()
        with torch.inference_mode():
            logits = self.model(input_ids=input_ids, attention_mask=mask).logits[:, :-1].float()
        self.forward_seconds += time.perf_counter() - started
        return logits, input_ids[:, 1:], mask[:, 1:]

    def _score_batch(self, batch: list[tuple[list[int], list[tuple[int, int]]]]) -> list[TokenScores]:
        if not any(ids for ids, _ in batch):
            return [TokenScores([], np.zeros(0), np.zeros(0), np.zeros(0)) for _ in batch]
        logits, targets, _ = self.forward([ids or [self.pad_id] for ids, _ in batch])
        out = []
        for row, (ids, offsets) in enumerate(batch):
            logprob, rank, entropy = token_statistics(logits[row, : len(ids)], targets[row, : len(ids)])
            out.append(TokenScores(offsets, logprob, rank, entropy))
        return out


STAT_CHUNK = 16  # positions at a time: a 16 × vocabulary block stays in cache


def token_statistics(logits, targets) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Log-prob, rank and predictive entropy of each target token, from one sentence's logits.

    Worked in small blocks of positions: on CPU the vocabulary-wide passes are memory-bound,
    and a block that fits in cache makes them several times faster than whole-batch tensors.
    Padding positions are never touched.
    """
    import torch

    logprobs, ranks, entropies = [], [], []
    with torch.inference_mode():
        for begin in range(0, logits.shape[0], STAT_CHUNK):
            block = logits[begin:begin + STAT_CHUNK]
            target = targets[begin:begin + STAT_CHUNK]
            normaliser = torch.logsumexp(block, dim=-1)
            target_logit = block.gather(-1, target.unsqueeze(-1)).squeeze(-1)
            logprobs.append(target_logit - normaliser)
            ranks.append((block > target_logit.unsqueeze(-1)).sum(-1) + 1)
            probs = torch.exp(block - normaliser.unsqueeze(-1))
            entropies.append(normaliser - (probs * block).sum(-1))
    if not logprobs:
        return np.zeros(0, np.float32), np.zeros(0, np.int32), np.zeros(0, np.float32)
    return (torch.cat(logprobs).cpu().numpy().astype(np.float32),
            torch.cat(ranks).cpu().numpy().astype(np.int32),
            torch.cat(entropies).cpu().numpy().astype(np.float32))
