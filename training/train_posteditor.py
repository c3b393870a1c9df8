"""Train the generative post-editor: a LoRA adapter (peft) on the default LM, fine-tuned on
garbled → repaired sentence pairs, written to models/posteditor-<lm>/ with its card.

    python -m training.train_posteditor --pairs 6000 --minutes 60      # about an hour on 2 CPU cores

Pairs: MLQE-PE train `mt` → `post_edit` where the post-editors changed a little (HTER at
most MAX_HTER: mostly fluency repairs, not a new translation), synthetic damage of clean
English → the clean original (glued fragments left out: their content is gone), and a
share of fluent sentences → themselves, so that it learns to leave good text alone.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

from mtfix.fix.sources.posteditor import prompt
from training.data import mlqe
from training.synthetic import FIX_HELD_OUT_KINDS, synthetic_examples
from training.train_detector import MODELS

MAX_HTER = 0.35
IDENTITY_SHARE = 0.1


def pairs(count: int, split: str = "train", seed: int = 5) -> list[tuple[str, str, str]]:
    """(garbled, repaired, kind) pairs: half MLQE-PE post-edits, half synthetic damage."""
    rng = random.Random(seed)
    real = [(e.text, e.meta["post_edit"], "mlqe") for e in mlqe("train", tune_share=0.1)
            if e.split == split and e.text != e.meta["post_edit"] and e.meta["hter"] <= MAX_HTER]
    synthetic = [(e.text, e.meta["clean"], "synthetic:" + e.group) for e in synthetic_examples()
                 if e.split == split and "clean" in e.meta and "glued_fragment" not in e.group
                 and not set(e.meta["kinds"]) & set(FIX_HELD_OUT_KINDS)]
    fluent = [(e.text, e.text, "identity") for e in mlqe("train", tune_share=0.1)
              if e.split == split and e.text == e.meta["post_edit"]]
    rng.shuffle(real)
    rng.shuffle(synthetic)
    rng.shuffle(fluent)
    n_identity = int(count * IDENTITY_SHARE)
    half = (count - n_identity) // 2
    chosen = real[:half] + synthetic[:count - n_identity - half] + fluent[:n_identity]
    rng.shuffle(chosen)
    return chosen


def tidy_adapter_folder(out: Path, model: str) -> None:
    """peft writes a placeholder model card and this machine's path to the base model; the
    card is models/CARD.md (and training.json), and the base is named by mtfix's model name."""
    (out / "README.md").unlink(missing_ok=True)
    config_file = out / "adapter_config.json"
    config = json.loads(config_file.read_text())
    config["base_model_name_or_path"] = model
    config_file.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="smollm2-135m")
    parser.add_argument("--pairs", type=int, default=6000)
    parser.add_argument("--minutes", type=float, default=60, help="stop after this long (one pass at most)")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--rank", type=int, default=8)
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()

    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from mtfix.lm.provision import model_location

    torch.manual_seed(0)
    location = model_location(args.model, quiet=True)
    tokenizer = AutoTokenizer.from_pretrained(location)
    model = AutoModelForCausalLM.from_pretrained(location, dtype=torch.float32)
    config = LoraConfig(r=args.rank, lora_alpha=2 * args.rank, lora_dropout=0.05, task_type="CAUSAL_LM",
                        target_modules=["q_proj", "k_proj", "v_proj", "o_proj"])
    model = get_peft_model(model, config)
    data = pairs(args.pairs)
    end_id = tokenizer.convert_tokens_to_ids("<|im_end|>")

    def encode(garbled: str, repaired: str) -> tuple[list[int], list[int]]:
        head = tokenizer(prompt(tokenizer, garbled), add_special_tokens=False)["input_ids"]
        tail = tokenizer(repaired, add_special_tokens=False)["input_ids"] + [end_id]
        return head + tail, [-100] * len(head) + tail

    optimiser = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr)
    started, seen, losses = time.time(), 0, []
    model.train()
    order = sorted(range(len(data)), key=lambda i: len(data[i][0]))  # similar lengths batch together
    batches = [order[i:i + args.batch] for i in range(0, len(order), args.batch)]
    random.Random(1).shuffle(batches)
    steps = len(batches)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda step: min(1.0, (step + 1) / 30) *
                                                  max(0.05, 1 - step / steps))
    for step, batch in enumerate(batches):
        encoded = [encode(*data[i][:2]) for i in batch]
        width = max(len(ids) for ids, _ in encoded)
        ids = torch.full((len(batch), width), tokenizer.pad_token_id or 0)
        labels = torch.full((len(batch), width), -100)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, (x, y) in enumerate(encoded):
            ids[row, :len(x)], labels[row, :len(y)], mask[row, :len(x)] = torch.tensor(x), torch.tensor(y), 1
        loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        scheduler.step()
        optimiser.zero_grad()
        seen += len(batch)
        losses.append(loss.item())
        if step % 20 == 0:
            elapsed = time.time() - started
            print(f"step {step}/{steps}: {seen} pairs, loss {sum(losses[-20:]) / len(losses[-20:]):.3f}, "
                  f"{seen / elapsed:.2f} pairs/s", file=sys.stderr, flush=True)
        if time.time() - started > args.minutes * 60:
            break
    out = Path(args.out) if args.out else MODELS / f"posteditor-{args.model.replace('/', '--')}"
    model.save_pretrained(out)
    card = {"base": args.model, "pairs_seen": seen, "pairs_planned": len(data), "rank": args.rank,
            "lr": args.lr, "batch": args.batch, "max_hter": MAX_HTER, "identity_share": IDENTITY_SHARE,
            "minutes": round((time.time() - started) / 60, 1), "final_loss": round(sum(losses[-50:]) / len(losses[-50:]), 4),
            "trained": time.strftime("%Y-%m-%d"), "torch_threads": torch.get_num_threads()}
    (out / "training.json").write_text(json.dumps(card, indent=1) + "\n")
    tidy_adapter_folder(out, args.model)
    print(json.dumps(card), f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
