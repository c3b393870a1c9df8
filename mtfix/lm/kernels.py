"""The numeric kernels on the LM's logits: each target token's log-probability, rank and the
prediction's entropy, worked in cache-sized blocks of positions."""

from __future__ import annotations

import numpy as np

STAT_CHUNK = 16  # positions at a time: a 16 × vocabulary block stays in cache


def token_logprobs(logits, targets) -> np.ndarray:
    """The log-probability of each target token alone (see token_statistics)."""
    import torch

    out = []
    with torch.inference_mode():
        for begin in range(0, logits.shape[0], STAT_CHUNK):
            block = logits[begin:begin + STAT_CHUNK]
            target = targets[begin:begin + STAT_CHUNK].to(block.device)
            out.append(block.gather(-1, target.unsqueeze(-1)).squeeze(-1) - torch.logsumexp(block, dim=-1))
    return torch.cat(out).cpu().numpy().astype(np.float32) if out else np.zeros(0, np.float32)


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
