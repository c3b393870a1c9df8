"""How a converted model is written: a tiny random Llama with a tied output head, saved as
provisioning saves it, loads back with the same outputs in the installed transformers."""

from __future__ import annotations

import json

import pytest
import torch

from mtfix.lm.provision import _weights_to_save, conversion_versions


def tiny_llama(tied: bool):
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=64, hidden_size=16, intermediate_size=32, num_hidden_layers=2,
                         num_attention_heads=2, num_key_value_heads=1, tie_word_embeddings=tied)
    return LlamaForCausalLM(config).eval()


@pytest.mark.parametrize("tied", [True, False])
def test_a_saved_model_loads_back_with_the_same_outputs(tmp_path, tied):
    from safetensors.torch import save_file
    from transformers import AutoModelForCausalLM

    model = tiny_llama(tied)
    weights = _weights_to_save(model)
    assert "model.embed_tokens.weight" in weights
    assert ("lm_head.weight" in weights) is not tied
    model.config.save_pretrained(tmp_path)
    save_file(weights, str(tmp_path / "model.safetensors"), metadata={"format": "pt"})
    loaded = AutoModelForCausalLM.from_pretrained(tmp_path, dtype=torch.float32).eval()
    ids = torch.tensor([[1, 5, 9, 33, 2]])
    with torch.no_grad():
        torch.testing.assert_close(loaded(ids).logits, model(ids).logits)


def test_the_conversion_records_the_versions_of_what_made_it():
    versions = conversion_versions()
    assert {"mtfix", "torch", "transformers", "tokenizers", "gguf", "accelerate", "safetensors"} <= set(versions)
    assert versions["transformers"] != "absent"
    json.dumps(versions)
