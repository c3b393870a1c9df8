"""Rewrites from any transformers encoder-decoder (T5, BART, Marian, …) by hub id or local
folder: n-best by beam search, batched. For users with hub access, e.g. a grammar-correction
T5 with its task prefix (`--seq2seq-prefix "grammar: "`)."""

from __future__ import annotations

from pathlib import Path

from mtfix.errors import ConfigError, ModelUnavailable
from mtfix.fix.candidate import Candidate, FixTarget
from mtfix.fix.sources.base import CandidateSource
from mtfix.lm.provision import resolve_device


class Seq2SeqSource(CandidateSource):
    name = "seq2seq"
    slow = True

    @classmethod
    def create(cls, context) -> "Seq2SeqSource":
        settings = context.settings
        if not settings.seq2seq_model:
            raise ConfigError("the seq2seq source needs --seq2seq-model (a hub id or folder of an "
                              "encoder-decoder); for round-trip translation use the roundtrip source")
        return cls(settings.seq2seq_model, prefix=settings.seq2seq_prefix, device=settings.device)

    def __init__(self, model: str, prefix: str = "", beams: int = 4, n_best: int = 3,
                 batch_size: int = 8, device: str = "auto", max_new_tokens: int = 128) -> None:
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        self.model_name = model
        self.prefix = prefix
        self.beams = max(beams, n_best)
        self.n_best = n_best
        self.batch_size = batch_size
        self.max_new_tokens = max_new_tokens
        self.device = resolve_device(device)
        location = str(Path(model).expanduser()) if Path(model).expanduser().is_dir() else model
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(location)
            self.model = AutoModelForSeq2SeqLM.from_pretrained(location).to(self.device).eval()
        except Exception as exc:  # hub errors, missing files, a causal LM given by mistake
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelUnavailable(f"cannot load seq2seq model {model!r}: {first}") from exc

    @property
    def signature(self) -> str:
        return f"seq2seq:{self.model_name},beams:{self.beams}"

    def propose(self, targets: list[FixTarget]) -> list[list[Candidate]]:
        out: list[list[Candidate]] = []
        for begin in range(0, len(targets), self.batch_size):
            batch = targets[begin:begin + self.batch_size]
            for target, texts in zip(batch, self.generate([t.text for t in batch])):
                unique = [t for t in dict.fromkeys(texts) if t and t != target.text]
                out.append([Candidate(t, self.name, f"{self.model_name} beam {rank + 1}")
                            for rank, t in enumerate(unique)])
        return out

    def generate(self, texts: list[str]) -> list[list[str]]:
        """The n best outputs for each input text."""
        import torch

        encoded = self.tokenizer([self.prefix + t for t in texts], return_tensors="pt", padding=True,
                                 truncation=True, max_length=256).to(self.device)
        # the ids and their mask only: some tokenizers add token_type_ids, which an encoder-decoder's
        # generate refuses in some transformers versions (4.56)
        inputs = {key: encoded[key] for key in ("input_ids", "attention_mask") if key in encoded}
        with torch.inference_mode():
            generated = self.model.generate(**inputs, num_beams=self.beams, num_return_sequences=self.n_best,
                                            max_new_tokens=self.max_new_tokens, do_sample=False)
        decoded = [d.strip() for d in self.tokenizer.batch_decode(generated, skip_special_tokens=True)]
        return [decoded[i * self.n_best:(i + 1) * self.n_best] for i in range(len(texts))]
