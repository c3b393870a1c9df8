"""A trained generative post-editor: the default LM (SmolLM2-135M-Instruct) with a LoRA
adapter fine-tuned on garbled → repaired sentences (training/train_posteditor.py; the
adapter and its card are in models/posteditor-<lm>/). It rewrites the whole sentence, so it
can repair what single-word edits cannot (word order, missing articles across a phrase, a
garbled tail). A default in the slow tier: at about 0.7 s a sentence for a 4-beam generation
on 2 cores, it is tried for the sentences the fast sources found no suggestion for. On
MLQE-PE dev its winning rewrites were the most often closer to the human post-edit of any
source (benchmarks/RESULTS.md)."""

from __future__ import annotations

import warnings
from importlib import resources
from pathlib import Path

from mtfix.errors import ModelUnavailable
from mtfix.fix.candidate import Candidate, FixTarget
from mtfix.fix.sources.base import CandidateSource

BATCH = 8


def prompt(tokenizer, text: str) -> str:
    """The prompt the adapter was trained with (training uses this same function): the
    model's chat turns, kept short, because on a CPU every prompt token costs training time."""
    return f"<|im_start|>user\nRepair: {text}<|im_end|>\n<|im_start|>assistant\n"


def bundled_adapter(lm: str) -> Path | None:
    candidate = resources.files("mtfix.bundled").joinpath(f"posteditor-{lm.replace('/', '--')}")
    folder = Path(str(candidate))
    return folder if (folder / "adapter_config.json").is_file() else None


class PostEditorSource(CandidateSource):
    name = "posteditor"
    slow = True

    def __init__(self, model: str, adapter: Path, device: str = "cpu", beams: int = 4, n_best: int = 3) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        from mtfix.lm.provision import model_location, resolve_device

        from mtfix import extras

        PeftModel = extras.load("the post-editor", "peft").PeftModel
        from mtfix.lm.threads import configure_torch

        configure_torch()
        location = model_location(model, quiet=True)
        self.device = resolve_device(device)
        self.tokenizer = AutoTokenizer.from_pretrained(location)
        self.tokenizer.padding_side = "left"
        base = AutoModelForCausalLM.from_pretrained(location, dtype=torch.float32)
        with warnings.catch_warnings():  # peft's own use of a transformers API deprecated for v6: not the user's concern
            warnings.simplefilter("ignore", FutureWarning)
            self.model = PeftModel.from_pretrained(base, str(adapter)).merge_and_unload().to(self.device).eval()
        self.beams, self.n_best = max(beams, n_best), n_best
        self.adapter = adapter

    @classmethod
    def requires(cls, settings) -> tuple[str, ...]:
        return ("peft",)

    @classmethod
    def create(cls, context) -> "PostEditorSource":
        model = context.settings.model
        adapter = bundled_adapter(model)
        if adapter is None:
            raise ModelUnavailable(f"no post-editor adapter is trained for {model} "
                                   f"(python -m training.train_posteditor --model {model})")
        return cls(model, adapter, context.settings.device)

    @property
    def signature(self) -> str:
        return f"posteditor:{self.adapter.name}"

    def propose(self, targets: list[FixTarget]) -> list[list[Candidate]]:
        out: list[list[Candidate]] = []
        for begin in range(0, len(targets), BATCH):
            batch = targets[begin:begin + BATCH]
            for target, texts in zip(batch, self.generate([t.text for t in batch])):
                unique = [t for t in dict.fromkeys(texts) if t and t != target.text]
                out.append([Candidate(t, self.name, f"post-editor beam {rank + 1}") for rank, t in enumerate(unique)])
        return out

    def generate(self, texts: list[str]) -> list[list[str]]:
        import torch

        inputs = self.tokenizer([prompt(self.tokenizer, t) for t in texts], return_tensors="pt", padding=True,
                                add_special_tokens=False).to(self.device)
        longest = max(len(self.tokenizer(t, add_special_tokens=False)["input_ids"]) for t in texts)
        with torch.inference_mode():
            generated = self.model.generate(**inputs, num_beams=self.beams, num_return_sequences=self.n_best,
                                            max_new_tokens=int(longest * 1.3) + 8, do_sample=False,
                                            pad_token_id=self.tokenizer.pad_token_id)
        new = generated[:, inputs["input_ids"].shape[1]:]
        decoded = [d.strip() for d in self.tokenizer.batch_decode(new, skip_special_tokens=True)]
        return [decoded[i * self.n_best:(i + 1) * self.n_best] for i in range(len(texts))]
