"""The file format of the trained heads (the detector, the edit tagger): one compressed .npz
holding a JSON card (the format name, what the heads read, figures) and each head's arrays,
weight matrices in float16 and everything else in float32. The digest of a file's bytes
names it in signatures and cache keys."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import numpy as np

from mtfix.detector.mlp import MLP


def write(path: str | Path, card: dict, heads: dict[str, MLP]) -> None:
    """CARD and each head of HEADS (by the prefix its arrays are stored under), atomically."""
    from mtfix.atomic import atomic_write_bytes

    arrays = {"card": np.array(json.dumps(card, sort_keys=True))}
    for prefix, head in heads.items():
        arrays.update({key: value.astype(np.float16 if key.split(".")[1].startswith("w") else np.float32)
                       for key, value in head.arrays(prefix).items()})
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    atomic_write_bytes(Path(path), buffer.getvalue())


def read(raw: bytes, format: str) -> tuple[dict, dict[str, np.ndarray], str]:
    """The card, the arrays and the digest of the file RAW; ValueError unless its card says
    FORMAT."""
    arrays = np.load(io.BytesIO(raw), allow_pickle=False)
    card = json.loads(str(arrays["card"]))
    if card.get("format") != format:
        raise ValueError(f"not a {format} file (format {card.get('format')!r})")
    return card, arrays, hashlib.sha1(raw).hexdigest()[:8]
