"""The records the language model hands on: a `Window` of text scored in one pass, the
`TokenScores` of each sentence in it, and a `Reading` kept for later variants. Plain data
(numpy arrays): the features, the detector and the tests use them without loading torch."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

MAX_TOKENS = 256  # of one sentence
MAX_WINDOW_TOKENS = 384  # of a window of sentences read together
TOKENS_PER_TEXT = 40  # a batch holds about batch_size × this many tokens (see token_batches)
LOOKAHEAD = 2  # tokens after a sentence whose states its last word may look at


@dataclass
class Window:
    """Text scored in one pass; `spans` are the [start, end) character spans of its sentences."""

    text: str
    spans: list[tuple[int, int]] = field(default_factory=list)

    @classmethod
    def single(cls, text: str) -> "Window":
        return cls(text, [(0, len(text))])


@dataclass
class TokenScores:
    """What the LM thought of each token of one text.

    `offsets[i]` is the character span of token i in the scored text; `logprob` is the
    natural-log probability of the token given everything before it, `rank` its rank
    among all vocabulary items (1 = the model's top guess), `entropy` the entropy of
    the model's prediction at that position. `hidden`, when layers were asked for, holds
    the states after each token, shape (layers, tokens + LOOKAHEAD, dim): the last
    LOOKAHEAD rows are the states of the tokens that follow the text in its window (zeros
    where nothing follows); `next_logprob` holds those tokens' log-probabilities.
    """

    offsets: list[tuple[int, int]]
    logprob: np.ndarray
    rank: np.ndarray
    entropy: np.ndarray
    hidden: np.ndarray | None = None
    next_logprob: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.offsets)

    @classmethod
    def empty(cls) -> "TokenScores":
        return cls([], np.zeros(0, np.float32), np.zeros(0, np.int32), np.zeros(0, np.float32))


@dataclass
class Reading:
    """A text the LM read and kept (LMScorer.read, or a window by LMScorer.window_batches):
    `ids` its tokens, `top` the top-k token ids predicted at each position, `keys_values`
    each layer's cached keys and values (None on a backend that keeps none), `logits` the
    logits at each position of a window's reading (for LMScorer.probe), else None."""

    text: str
    ids: list[int]
    scores: TokenScores
    top: np.ndarray
    keys_values: list[tuple] | None = None
    logits: object = None
