"""Does the LM know more when it is fine-tuned to the task? LoRA on its first layers and a
linear head on their mean-pooled states, trained end to end on MQM's train documents.

    python benchmarks/bench_reader.py                                  # about 26 min on 2 cores
    python benchmarks/bench_reader.py --epochs 2 --pair-weight 2       # also a same-source ranking loss

A frozen ridge probe on the default LM's pooled states reaches about 0.61 within length
quartiles on MQM's held-out documents (`bench_models.py`), short of the 0.70 bar. This
bench asks whether the reader itself, adapted to the task, gets further: the first LAYERS
layers of the default LM (16 of 30: the frozen probe's best middle layer) with LoRA on every
linear map, the mean of their last states over the sentence's tokens, and one linear unit,
trained on "major fluency/style error" (1) against "no error" (0), each sentence read alone.
With `--pair-weight`, each step also ranks the two translations of a same-source pair
(`training.data.same_source_pairs`: one garbled, one fine) with a logistic loss, which
rewards what tells two renderings of one content apart rather than length or hard content.

Printed for the MQM tune documents (twice an epoch) and the held-out documents (at the end):
AUROC within length quartiles and deciles, among sentences of the same word count, overall,
the score's correlation with the word count, and on the held-out documents the share of
same-source pairs in which the garbled translation scores higher. `benchmarks/RESULTS.md`
quotes them. Runs on the CPU (no cache: the training is the work).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mtfix.lm.batching import token_batches  # noqa: E402
from mtfix.lm.provision import DEFAULT_MODEL, model_location  # noqa: E402
from training.data import Example, mqm, same_source_pairs  # noqa: E402
from training.metrics import auroc, binned_auroc, same_length_auroc  # noqa: E402

MAX_TOKENS = 126
LORA_TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


class Reader:
    """The LM's first layers with LoRA, mean-pooled, and a linear head: one score a sentence."""

    def __init__(self, layers: int, rank: int) -> None:
        import torch
        from peft import LoraConfig, get_peft_model
        from transformers import AutoModelForCausalLM, AutoTokenizer

        location = model_location(DEFAULT_MODEL, quiet=True)
        self.tokenizer = AutoTokenizer.from_pretrained(location)
        body = AutoModelForCausalLM.from_pretrained(location, dtype=torch.float32).model
        body.layers = body.layers[:layers]  # the layers above are never read: no need to run them
        body.config.num_hidden_layers = layers
        body.norm = torch.nn.Identity()  # the final norm belongs to the last layer, not to layer LAYERS
        self.body = get_peft_model(body, LoraConfig(r=rank, lora_alpha=2 * rank, lora_dropout=0.05,
                                                    target_modules=LORA_TARGETS))
        hidden = body.config.hidden_size
        self.head = torch.nn.Sequential(torch.nn.LayerNorm(hidden), torch.nn.Linear(hidden, 1))
        self.prefix = self.tokenizer.convert_tokens_to_ids("<|endoftext|>")

    def ids(self, text: str) -> list[int]:
        return [self.prefix] + self.tokenizer(text, add_special_tokens=False)["input_ids"][:MAX_TOKENS]

    def parameters(self) -> list:
        return [p for p in self.body.parameters() if p.requires_grad] + list(self.head.parameters())

    def train(self, mode: bool = True) -> None:
        self.body.train(mode)
        self.head.train(mode)

    def __call__(self, sequences: list[list[int]]):
        import torch

        longest = max(len(s) for s in sequences)
        ids = torch.full((len(sequences), longest), self.prefix)
        mask = torch.zeros((len(sequences), longest))
        for row, sequence in enumerate(sequences):
            ids[row, :len(sequence)] = torch.tensor(sequence)
            mask[row, :len(sequence)] = 1
        states = self.body(input_ids=ids, attention_mask=mask).last_hidden_state
        mask[:, 0] = 0  # the prefix token is the same for every text: pool the sentence's own
        pooled = (states * mask[..., None]).sum(1) / mask.sum(1, keepdim=True).clamp(min=1)
        return self.head(pooled).squeeze(-1)


def padded_token_batches(sequences: list[list[int]], max_tokens: int) -> list[list[int]]:
    """Indices in length order, at most MAX_TOKENS padded tokens a batch (scan's batcher, with
    the budget as the only bound)."""
    return token_batches([len(s) for s in sequences], batch_size=max_tokens, tokens_per_text=1)


def scores(reader: Reader, sequences: list[list[int]], max_tokens: int) -> np.ndarray:
    import torch

    reader.train(False)
    out = np.zeros(len(sequences))
    with torch.no_grad():
        for batch in padded_token_batches(sequences, max_tokens):
            out[batch] = reader([sequences[i] for i in batch]).numpy()
    return out


def report(name: str, examples: list[Example], score: np.ndarray, pairs: bool = False) -> None:
    garbled = np.array([e.garbled == 1.0 for e in examples])
    words = np.array([len(e.text.split()) for e in examples])
    quartiles, each = binned_auroc(score, garbled, words)
    line = (f"{name}: within length quartiles {quartiles:.3f} ({' '.join(f'{v:.3f}' for v in each)}), "
            f"deciles {binned_auroc(score, garbled, words, 10)[0]:.3f}, "
            f"same word count {same_length_auroc(score, garbled, words):.3f}, overall {auroc(score, garbled):.3f}, "
            f"r(score, words) {np.corrcoef(score, words)[0, 1]:.3f}")
    if pairs:
        wins = [float(score[i] > score[j]) + 0.5 * float(score[i] == score[j]) for i, j in same_source_pairs(examples)]
        line += f"; same-source pairs won {np.mean(wins):.3f} of {len(wins)}"
    print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--layers", type=int, default=16, help="how many of the LM's layers to read and adapt")
    parser.add_argument("--rank", type=int, default=8, help="LoRA rank")
    parser.add_argument("--epochs", type=float, default=3.0)
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--batch-tokens", type=int, default=1200, help="padded tokens a training batch")
    parser.add_argument("--pair-weight", type=float, default=0.0, help="weight of the same-source ranking loss")
    parser.add_argument("--pair-batch", type=int, default=12, help="same-source pairs a step")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    import torch

    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    rng = random.Random(0)
    labelled = [e for e in mqm() if e.garbled is not None]
    train, tune, test = ([e for e in labelled if e.split == part] for part in ("train", "tune", "test"))
    reader = Reader(args.layers, args.rank)
    sequences = [reader.ids(e.text) for e in train]
    targets = torch.tensor([e.garbled for e in train], dtype=torch.float32)
    pairs = same_source_pairs(train)
    print(f"MQM train {len(train)} sentences ({int(targets.sum())} garbled, {len(pairs)} same-source pairs), "
          f"tune {len(tune)}, held-out {len(test)}", flush=True)

    positive_weight = (len(targets) - targets.sum()) / targets.sum()  # balance the classes
    optimizer = torch.optim.AdamW(reader.parameters(), lr=args.lr, weight_decay=0.01)
    per_epoch = len(padded_token_batches(sequences, args.batch_tokens))
    total = int(per_epoch * args.epochs)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / 50) * max(0.0, 1 - s / total))
    tune_sequences = [reader.ids(e.text) for e in tune]
    step, pair_queue, started = 0, [], time.time()
    while step < total:
        batches = padded_token_batches(sequences, args.batch_tokens)
        rng.shuffle(batches)
        for batch in batches:
            if step >= total:
                break
            reader.train()
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                reader([sequences[i] for i in batch]), targets[batch], pos_weight=positive_weight)
            if args.pair_weight:
                if len(pair_queue) < args.pair_batch:
                    pair_queue = rng.sample(pairs, len(pairs))
                chosen, pair_queue = pair_queue[:args.pair_batch], pair_queue[args.pair_batch:]
                both = reader([sequences[i] for i, _ in chosen] + [sequences[j] for _, j in chosen])
                margin = both[:len(chosen)] - both[len(chosen):]
                loss = loss + args.pair_weight * torch.nn.functional.softplus(-margin).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            step += 1
            if step % 50 == 0:
                print(f"step {step}/{total}, loss {loss.item():.3f}, {time.time() - started:.0f} s", flush=True)
            if step % max(1, per_epoch // 2) == 0 or step == total:
                report(f"tune, step {step}", tune, scores(reader, tune_sequences, args.batch_tokens))
    report("MQM held-out documents", test, scores(reader, [reader.ids(e.text) for e in test], args.batch_tokens),
           pairs=True)
    print(f"{time.time() - started:.0f} s in all", flush=True)


if __name__ == "__main__":
    main()
