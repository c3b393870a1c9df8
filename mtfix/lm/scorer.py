"""Batched token log-probabilities and hidden states from a causal language model.

The unit of work is a `Window`: a stretch of text (one sentence, or several consecutive
sentences of a document) scored in one forward pass, with the spans of the sentences in
it. Each sentence gets its own `TokenScores`, so a sentence read with the text before it
as context costs no extra forward pass. The records are in types.py, the batching in
batching.py, the numeric kernels in kernels.py, device and model look-up in provision.py.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np

from mtfix.errors import ModelUnavailable
from mtfix.lm.batching import Encoded, common_prefix, token_batches
from mtfix.lm.kernels import token_logprobs, token_statistics
from mtfix.lm.provision import DEFAULT_MODEL, model_location, resolve_device
from mtfix.lm.threads import configure_torch
from mtfix.lm.types import LOOKAHEAD, MAX_TOKENS, Reading, TokenScores, Window

VARIANT_TOKENS_PER_ROW = 8  # a batch of variants holds about batch_size × this many tokens


class LMScorer:
    """Scores windows of text with a causal LM, in length-sorted batches.

    `layers` are the hidden-state layers (0 = embeddings, num_hidden_layers = the final,
    normalised one) returned with every sentence's scores; none by default.
    """

    def __init__(self, model: str = DEFAULT_MODEL, device: str = "auto", batch_size: int = 32,
                 quiet: bool = False, layers: Sequence[int] = (), backend: str = "torch") -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # loading safetensors takes well under a second
        configure_torch()
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
        self.num_layers = int(self.model.config.num_hidden_layers)
        self.layers = tuple(layers)
        bad = [layer for layer in self.layers if not 0 <= layer <= self.num_layers]
        if bad:
            raise ModelUnavailable(f"model {model!r} has no hidden layer {bad[0]} (it has {self.num_layers})")
        # transformers 5 renamed the forward's `past_key_values` to `cache` (the old name warns)
        self.cache_arg = "cache" if "cache" in inspect.signature(self.model.forward).parameters else "past_key_values"
        self.prefix_id = self._prefix_token_id()
        self.pad_id = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else self.prefix_id
        self.forward_seconds = 0.0
        self.backend = backend
        self._onnx = None
        if backend != "torch":
            from mtfix.lm.onnx import BACKENDS, OnnxForward, export

            if backend not in BACKENDS:
                raise ModelUnavailable(f"unknown backend {backend!r}: use {', '.join(BACKENDS)}")
            if self.device != "cpu" or not Path(location).is_dir():
                raise ModelUnavailable(f"the {backend} backend runs a built-in or local model on the CPU")
            self._onnx = OnnxForward(export(self.model, Path(location), self.layers, int8=backend == "onnx-int8"))

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
        backend = "" if self.backend == "torch" else f"+{self.backend}"
        return f"lm:{self.name}{backend}|device:{self.device}"

    def encode(self, texts: Sequence[str], limit: int | None = MAX_TOKENS) -> list[tuple[list[int], list[tuple[int, int]]]]:
        """Token ids and character offsets of each text, cut at LIMIT tokens (a sentence's
        MAX_TOKENS; None: whole, for a window's text)."""
        encoded = self.tokenizer(list(texts), add_special_tokens=False, return_offsets_mapping=True)
        return [(ids[:limit], [tuple(o) for o in offs[:limit]])
                for ids, offs in zip(encoded["input_ids"], encoded["offset_mapping"])]

    def _encode_windows(self, windows: Sequence[Window]) -> list[Encoded]:
        encoded = self.tokenizer([w.text for w in windows], add_special_tokens=False,
                                 return_offsets_mapping=True)
        out = []
        for window, ids, offsets in zip(windows, encoded["input_ids"], encoded["offset_mapping"]):
            offsets = [tuple(o) for o in offsets]
            owners, keep = [], 0
            for start, end in window.spans:
                first = keep
                while first < len(ids) and _token_start(window.text, offsets[first]) < start:
                    first += 1
                last = first
                while last < len(ids) and _token_start(window.text, offsets[last]) < end:
                    last += 1
                last = min(last, first + MAX_TOKENS)  # a run-on "sentence" is cut, as alone
                owners.append((first, last))
                keep = last
            limit = owners[-1][1] + LOOKAHEAD if owners else 0
            out.append(Encoded(ids[:limit], offsets[:limit], owners))
        return out

    def score(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> list[TokenScores]:
        """Score every text on its own; `progress(n)` is called after each batch with its size."""
        return [scores[0] for scores in self.score_windows([Window.single(t) for t in texts], progress)]

    def score_windows(self, windows: Sequence[Window],
                      progress: Callable[[int], None] | None = None) -> list[list[TokenScores]]:
        """Every sentence of every window, scored with the window's earlier text as context.
        `progress(n)` is called after each batch with the number of sentences in it."""
        results: list[list[TokenScores]] = [[] for _ in windows]
        for batch, scores, _ in self.window_batches(windows, progress):
            for index, per_sentence in zip(batch, scores):
                results[index] = per_sentence
        return results

    def window_batches(self, windows: Sequence[Window], progress: Callable[[int], None] | None = None,
                       keep: bool = False) -> Iterator[tuple[list[int], list[list[TokenScores]], list[Reading] | None]]:
        """`score_windows` one batch at a time: (the windows' indices, their sentences' scores,
        and with KEEP a `Reading` of each window). A window's reading holds its keys and values
        and its logits, as long as the caller keeps it (Detect: the batch, or until the next
        check when it defers its near misses), so that edited copies of its text can be read
        from their first edit on (`read_variants_of`) and edits probed (`probe`) without
        reading the window again."""
        if not windows:
            return
        encoded = self._encode_windows(windows)
        for batch in token_batches([len(e.ids) for e in encoded], self.batch_size):
            scores, readings = self._score_batch([encoded[i] for i in batch], windows, batch, keep)
            if progress:
                progress(sum(len(windows[i].spans) for i in batch))
            yield batch, scores, readings

    def _score_batch(self, batch: list[Encoded], windows: Sequence[Window], indices: list[int],
                     keep: bool = False) -> tuple[list[list[TokenScores]], list[Reading] | None]:
        if not any(e.ids for e in batch):
            empty = [Reading(windows[i].text, [], TokenScores.empty(), np.zeros((0, 0), np.int64)) for i in indices]
            return [[TokenScores.empty() for _ in e.owners] for e in batch], (empty if keep else None)
        logits, targets, hidden, cache = self.forward([e.ids or [self.pad_id] for e in batch],
                                                      with_hidden=bool(self.layers), with_cache=keep)
        out, readings = [], []
        for row, (encoded, index) in enumerate(zip(batch, indices)):
            n = len(encoded.ids)
            logprob, rank, entropy = token_statistics(logits[row, :n], targets[row, :n])
            states = hidden[:, row, :n].cpu().numpy() if hidden is not None else None
            out.append([_span_scores(encoded, span, windows[index].spans[k][0], logprob, rank, entropy, states)
                        for k, span in enumerate(encoded.owners)])
            if keep:
                readings.append(Reading(windows[index].text, encoded.ids,
                                        TokenScores(encoded.offsets, logprob, rank, entropy),
                                        np.zeros((n, 0), np.int64), _row(cache, row), logits[row, :n]))
        return out, (readings if keep else None)

    def read(self, texts: Sequence[str], k: int = 0) -> list[Reading]:
        """Each text read once and kept: its token scores, the LM's top-K token ids at every
        position (what it expected instead of each token: the raw material of LM-guided
        edits) and its keys and values, so that edited copies can be read from their first
        edit on (see read_variants)."""
        import torch

        encoded = [(ids or [self.pad_id], offsets) for ids, offsets in self.encode(texts)]
        out: list[Reading | None] = [None] * len(encoded)
        # batched by a token budget, as scan's windows are: a sentence read after its context
        # is ten times longer, and 32 of them make a logits tensor of gigabytes
        for indices in token_batches([len(ids) for ids, _ in encoded], self.batch_size):
            batch = [encoded[i] for i in indices]
            logits, targets, _, cache = self.forward([ids for ids, _ in batch], with_cache=True)
            for row, (index, (ids, offsets)) in enumerate(zip(indices, batch)):
                row_logits = logits[row, : len(ids)]
                logprob, rank, entropy = token_statistics(row_logits, targets[row, : len(ids)])
                with torch.inference_mode():
                    top = torch.topk(row_logits, k, dim=-1).indices.cpu().numpy() if k else np.zeros((len(ids), 0))
                out[index] = Reading(texts[index], ids, TokenScores(offsets, logprob, rank, entropy), top,
                                     _row(cache, row))
        return out

    def probe(self, reading: Reading, wanted: dict[int, list[int]]) -> dict[int, dict[int, float]]:
        """The log-probabilities of the WANTED token ids at their positions (position p
        predicts token p) in a READING that kept its logits (`window_batches`): what the LM
        thinks of an edit before it reads the edited copy. Empty for a reading without them."""
        return _probed(reading.logits, wanted) if reading.logits is not None else {}

    def read_variants(self, reading: Reading, variants: Sequence[str]) -> list[np.ndarray]:
        """Token log-probabilities of each variant (an edited copy) of a text READ before
        (`read_variants_of`)."""
        return self.read_variants_of([(reading, variant) for variant in variants])

    def read_variants_of(self, items: Sequence[tuple[Reading, str]]) -> list[np.ndarray]:
        """Token log-probabilities of each (reading, variant) of ITEMS, a variant being an
        edited copy of the reading's text, as `score` gives them but without ranks, entropies
        or states.

        A variant shares its text's tokens up to its first edit, and their keys and values
        (the KV cache) are reused: it is read only from where it parts from the text. Variants
        of any readings are read together, each row after its own cached tokens (left-padded
        to the longest) at its own positions. Exact, and about a third cheaper than reading
        every variant whole when LM-guided edits screen twenty edited copies of a sentence.
        (Also stopping a few tokens after the last edit, with the text's log-probabilities
        for the rest, saved only another 17 to 28 % and changed the kept edits of one
        sentence in five.) A reading without keys and values (the ONNX backends) has its
        variants read whole."""
        # whole: a variant of a window's text may be longer than one sentence may be
        variant_ids = [ids for ids, _ in self.encode([variant for _, variant in items], limit=None)] if items else []
        out: list[np.ndarray] = [np.zeros(0, np.float32)] * len(items)
        whole, pending, shared = [], [], {}
        for index, ((reading, _), ids) in enumerate(zip(items, variant_ids)):
            if reading.keys_values is None:
                whole.append(index)
                continue
            shared[index] = common_prefix(reading.ids, ids)
            if shared[index] >= len(ids):  # the variant is the text cut short: nothing new to read
                out[index] = reading.scores.logprob[:len(ids)].copy()
            else:
                pending.append(index)
        for index, logprob in zip(whole, self._plain_logprobs([variant_ids[i] for i in whole])):
            out[index] = logprob
        # input position p (0 = the prefix token) predicts token p; a row's cache holds the
        # positions before its shared length `keep`, and the row is read from its token keep - 1 on
        feeds = {i: ([self.prefix_id] + variant_ids[i])[shared[i]:len(variant_ids[i])] for i in pending}
        # batched by what is read (a row's cached positions cost a copy, not a pass), in small
        # batches of like lengths: padding a short tail to a long one costs more than a pass
        for batch in token_batches([len(feeds[i]) for i in pending], self.batch_size, VARIANT_TOKENS_PER_ROW):
            members = [pending[b] for b in batch]
            logits = self._forward_after([(items[m][0].keys_values, shared[m], feeds[m]) for m in members])
            for row, member in enumerate(members):
                ids, keep = variant_ids[member], shared[member]
                fresh = token_logprobs(logits[row, :len(ids) - keep], _as_long(ids[keep:]))
                out[member] = np.concatenate([items[member][0].scores.logprob[:keep], fresh]).astype(np.float32)
        return out

    def _plain_logprobs(self, ids_list: list[list[int]]) -> list[np.ndarray]:
        out: list[np.ndarray] = [np.zeros(0, np.float32)] * len(ids_list)
        for batch in token_batches([len(ids) for ids in ids_list], self.batch_size):
            logits, targets, _, _ = self.forward([ids_list[i] or [self.pad_id] for i in batch])
            for row, index in enumerate(batch):
                n = len(ids_list[index])
                out[index] = token_logprobs(logits[row, :n], targets[row, :n])
        return out

    def pooled_alone(self, texts: Sequence[str], layers: Sequence[int]) -> np.ndarray:
        """(texts, layers, dim): the mean state after each of LAYERS (early ones, 1 and up)
        of every text read alone, as `score` would pool them. Only the blocks up to the
        deepest of LAYERS run: for layer 2, two of SmolLM2-135M's thirty, and no output layer."""
        import torch

        encoded = [ids for ids, _ in self.encode(texts)]
        out = np.zeros((len(texts), len(layers), self.model.config.hidden_size), np.float32)
        for batch in token_batches([len(ids) for ids in encoded], self.batch_size):
            input_ids, mask = self._padded([encoded[i] or [self.pad_id] for i in batch])
            started = time.perf_counter()
            with torch.inference_mode():
                states = self._early_states(input_ids, mask, layers)[:, :, 1:]  # not the prefix token
            self.forward_seconds += time.perf_counter() - started
            weights = mask[:, 1:].unsqueeze(-1).float()
            means = (states * weights).sum(2) / weights.sum(1).clamp(min=1)  # (layers, batch, dim)
            for row, index in enumerate(batch):
                if encoded[index]:
                    out[index] = means[:, row].cpu().numpy()
        return out

    def _early_states(self, input_ids, mask, layers: Sequence[int]):
        """(layers, batch, tokens, dim) hidden states after LAYERS, stopping the forward pass
        at the deepest one. Models whose blocks cannot be found run the whole pass."""
        import torch

        blocks = getattr(self.model.get_decoder(), "layers", None) if hasattr(self.model, "get_decoder") else None
        if blocks is None or not all(1 <= layer <= len(blocks) for layer in layers):
            output = self.model(input_ids=input_ids, attention_mask=mask, output_hidden_states=True, use_cache=False)
            return torch.stack([output.hidden_states[layer] for layer in layers]).float()
        captured: dict[int, object] = {}
        deepest = max(layers)

        def keep(layer: int):
            def hook(_module, _inputs, output):
                captured[layer] = output[0] if isinstance(output, tuple) else output
                if layer == deepest:
                    raise _Enough
            return hook

        handles = [blocks[layer - 1].register_forward_hook(keep(layer)) for layer in set(layers)]
        try:
            self.model(input_ids=input_ids, attention_mask=mask, use_cache=False)
        except _Enough:
            pass
        finally:
            for handle in handles:
                handle.remove()
        return torch.stack([captured[layer] for layer in layers]).float()

    def _forward_after(self, rows: list[tuple[list[tuple], int, list[int]]]):
        """Logits of each row's FEED read after the first KEEP cached positions of its text's
        keys and values, for ROWS of (keys and values, KEEP, FEED). The cached positions are
        left-padded to the longest KEEP and the feeds right-padded; each row's position ids
        run on from its own KEEP, so the padding changes nothing."""
        import torch
        from transformers import DynamicCache

        longest = max(keep for _, keep, _ in rows)
        width = max(len(feed) for _, _, feed in rows)
        input_ids = torch.full((len(rows), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(rows), longest + width), dtype=torch.long)
        positions = torch.zeros((len(rows), width), dtype=torch.long)
        for row, (_, keep, feed) in enumerate(rows):
            input_ids[row, : len(feed)] = torch.tensor(feed)
            mask[row, longest - keep:longest + len(feed)] = 1
            positions[row] = torch.arange(keep, keep + width)
        started = time.perf_counter()
        with torch.inference_mode():
            past = None
            if longest:
                past = DynamicCache(ddp_cache_data=[_left_padded([kv[layer] for kv, _, _ in rows],
                                                                 [keep for _, keep, _ in rows], longest)
                                                    for layer in range(len(rows[0][0]))], config=self.model.config)
            output = self.model(input_ids=input_ids.to(self.device), attention_mask=mask.to(self.device),
                                position_ids=positions.to(self.device), use_cache=True, **{self.cache_arg: past})
        self.forward_seconds += time.perf_counter() - started
        return output.logits.float()

    def _padded(self, ids_batch: list[list[int]]):
        """Right-padded input ids after the prefix token, and their attention mask."""
        import torch

        width = max(len(ids) for ids in ids_batch) + 1
        input_ids = torch.full((len(ids_batch), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(ids_batch), width), dtype=torch.long)
        for row, ids in enumerate(ids_batch):
            input_ids[row, : len(ids) + 1] = torch.tensor([self.prefix_id, *ids])
            mask[row, : len(ids) + 1] = 1
        return input_ids.to(self.device), mask.to(self.device)

    def forward(self, ids_batch: list[list[int]], with_hidden: bool = False, with_cache: bool = False):
        """One padded forward pass after the prefix token; returns (logits predicting each
        token, the tokens, hidden states of `self.layers` after each token or None, and with
        WITH_CACHE each layer's keys and values on the torch backend, else None)."""
        import torch

        input_ids, mask = self._padded(ids_batch)
        started = time.perf_counter()
        cache = None
        with torch.inference_mode():
            hidden = None
            if self._onnx is not None:  # keeps no keys and values: variants are read whole
                all_logits, states = self._onnx(input_ids, mask)
                logits = all_logits[:, :-1].float()
                if with_hidden:
                    hidden = torch.stack([state[:, 1:] for state in states]).float()
            else:
                output = self.model(input_ids=input_ids, attention_mask=mask, output_hidden_states=with_hidden,
                                    use_cache=with_cache)
                logits = output.logits[:, :-1].float()
                if with_hidden:
                    hidden = torch.stack([output.hidden_states[layer][:, 1:] for layer in self.layers]).float()
                if with_cache:
                    cache = [(layer.keys, layer.values) for layer in output[self.cache_arg].layers]
        self.forward_seconds += time.perf_counter() - started
        return logits, input_ids[:, 1:], hidden, cache


def _token_start(text: str, offset: tuple[int, int]) -> int:
    """Where a token's first visible character is (a token may start with the space before
    it); a token of whitespace alone, like a paragraph break, stays where it starts."""
    start, end = offset
    visible = start
    while visible < end and text[visible].isspace():
        visible += 1
    return visible if visible < end else start


def _span_scores(encoded: Encoded, owner: tuple[int, int], span_start: int, logprob, rank, entropy,
                 states: np.ndarray | None) -> TokenScores:
    first, last = owner
    offsets = [(max(s, span_start) - span_start, e - span_start) for s, e in encoded.offsets[first:last]]
    scores = TokenScores(offsets, logprob[first:last], rank[first:last], entropy[first:last])
    if states is not None:
        hidden = np.zeros((states.shape[0], last - first + LOOKAHEAD, states.shape[2]), np.float32)
        available = states[:, first:last + LOOKAHEAD]
        hidden[:, : available.shape[1]] = available
        scores.hidden = hidden
        following = np.zeros(LOOKAHEAD, np.float32)
        following[: len(logprob[last:last + LOOKAHEAD])] = logprob[last:last + LOOKAHEAD]
        scores.next_logprob = following
    return scores


def _probed(logits, wanted: dict[int, list[int]]) -> dict[int, dict[int, float]]:
    """The log-probabilities of the WANTED token ids at their positions (position p predicts
    token p of the text)."""
    import torch

    out: dict[int, dict[int, float]] = {}
    with torch.inference_mode():
        for position, ids in wanted.items():
            if 0 <= position < logits.shape[0]:
                row = torch.log_softmax(logits[position].float(), dim=-1)
                out[position] = {i: float(row[i]) for i in ids}
    return out


def _row(cache: list[tuple] | None, row: int) -> list[tuple] | None:
    """One row's keys and values of a batch's cache (views, not copies)."""
    return [(key[row:row + 1], value[row:row + 1]) for key, value in cache] if cache else None


def _left_padded(rows: list[tuple], keeps: list[int], longest: int) -> tuple:
    """One layer's (keys, values) of each row's first KEEP positions, left-padded with zeros to
    LONGEST positions: shape (rows, heads, LONGEST, dim)."""
    key, value = rows[0]
    keys = key.new_zeros((len(rows), key.shape[1], longest, key.shape[3]))
    values = value.new_zeros((len(rows), value.shape[1], longest, value.shape[3]))
    for index, ((key, value), keep) in enumerate(zip(rows, keeps)):
        if keep:
            keys[index, :, longest - keep:] = key[0, :, :keep]
            values[index, :, longest - keep:] = value[0, :, :keep]
    return keys, values


def _as_long(ids: list[int]):
    import torch

    return torch.tensor(ids, dtype=torch.long)


class _Enough(Exception):
    """Raised by a forward hook to stop a pass once the states asked for exist."""
