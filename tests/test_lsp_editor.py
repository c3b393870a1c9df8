"""`mtfix lsp` with the real model, in a real editor: headless Neovim attaches its built-in
LSP client to a text buffer and reports the diagnostics it received (integration tier)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CHECK = Path(__file__).resolve().parent / "nvim_lsp_check.lua"
GARBLED = ("One of the following America Proposed summit between US President Joe Biden And their Russian "
           "colleagues Vladimir Putin Can according to Kremlin Take place in June.")


@pytest.mark.model
def test_neovim_shows_the_garbled_sentence(tmp_path: Path):
    if shutil.which("nvim") is None:
        if os.environ.get("MTFIX_REQUIRE_NVIM"):
            pytest.fail("nvim is not installed (MTFIX_REQUIRE_NVIM is set)")
        pytest.skip("nvim is not installed")
    (tmp_path / "a.txt").write_text(f"The meeting was held in Geneva last week.\n\n{GARBLED}\n")
    out = tmp_path / "diagnostics.txt"
    env = {**os.environ, "MTFIX_NVIM_OUT": str(out), "MTFIX_LSP_CMD": "\t".join([sys.executable, "-m", "mtfix", "lsp"])}
    subprocess.run(["nvim", "--headless", "--clean", "-c", f"luafile {CHECK}", "a.txt"], cwd=tmp_path, env=env,
                   timeout=600, check=True, capture_output=True)
    lines = out.read_text().splitlines()
    sentences = [line for line in lines if "suspect word" not in line.split(" ", 2)[2][:13]]
    assert len(sentences) == 1, lines
    position, severity, message = sentences[0].split(" ", 2)
    assert position == "3:1" and severity == "2"  # line 3, a warning (P(garbled) ≥ 0.9)
    assert message.startswith("garbled machine translation? P(garbled)") and "'Proposed'" in message
    words = [line.split(" ", 2) for line in lines if line not in sentences]
    assert words[0][:2] == ["3:12", "4"] and words[0][2].startswith("suspect word 'following'"), words  # a hint
