"""A run's signature: the components that make a figure reproducible (mtfix version, LM,
device, detector, threshold, fix sources, …), formatted as one short string and parsed back.

    mtfix:0.2.0|lm:smollm2-135m|device:cpu|detector:1a2b3c4d|context:on|threshold:0.5

The version alone does not pin the code between releases, so the parts that decide a figure
or a cached analysis also carry `code_digest` of their modules.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from mtfix import __version__


@dataclass(frozen=True)
class Signature:
    components: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @classmethod
    def of(cls, **components: object) -> "Signature":
        """Components in the order given, mtfix's version first; None values are left out."""
        items = [("mtfix", __version__)] + [(k.replace("_", "-"), _text(v)) for k, v in components.items()
                                           if v is not None]
        return cls(tuple(items))

    def with_(self, **components: object) -> "Signature":
        extra = tuple((k.replace("_", "-"), _text(v)) for k, v in components.items() if v is not None)
        return Signature(tuple((k, v) for k, v in self.components if k not in dict(extra)) + extra)

    def __str__(self) -> str:
        return "|".join(f"{key}:{value}" for key, value in self.components)

    def __getitem__(self, key: str) -> str:
        return dict(self.components)[key]

    def as_dict(self) -> dict[str, str]:
        return dict(self.components)

    @classmethod
    def parse(cls, text: str) -> "Signature":
        """The inverse of str(): 'a:1|b:x:y' → (('a', '1'), ('b', 'x:y'))."""
        items = []
        for part in text.strip().split("|"):
            key, colon, value = part.partition(":")
            if not colon or not key:
                raise ValueError(f"not a signature component: {part!r}")
            items.append((key, value))
        return cls(tuple(items))


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    text = str(value)
    if "|" in text:
        raise ValueError(f"a signature value cannot hold '|': {text!r}")
    return text


PACKAGE = Path(__file__).resolve().parent


def import_closure(*roots: str, package: Path = PACKAGE) -> list[Path]:
    """The files of the mtfix modules ROOTS (dotted names) and of every mtfix module they import,
    at any depth and wherever the import stands (inside a function too), with the packages
    that hold them: the code a result computed by ROOTS can depend on. A string that names a
    module to import later ("mtfix.fix.sources.lm_edits:LMEditSource", as the registries hold
    them) counts as an import. Read from the source, nothing is imported."""
    import ast

    seen: dict[str, Path] = {}
    pending = list(roots)
    while pending:
        name = pending.pop()
        if name in seen or not (name == "mtfix" or name.startswith("mtfix.")):
            continue
        path = _module_file(package, name)
        if path is None:  # `from mtfix.x import name`: a name of module mtfix.x, not a module
            continue
        seen[name] = path
        parts = name.split(".")
        pending += [".".join(parts[:i]) for i in range(1, len(parts))]  # importing runs each package first
        for node in ast.walk(ast.parse(path.read_bytes())):
            if isinstance(node, ast.Import):
                pending += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                pending += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _IMPORT_TARGET.fullmatch(node.value):
                pending.append(node.value.partition(":")[0])
    return sorted(seen.values())


_IMPORT_TARGET = re.compile(r"mtfix(?:\.\w+)+:\w+")


def _module_file(package: Path, name: str) -> Path | None:
    parts = name.split(".")[1:]
    folder = package.joinpath(*parts)
    candidates = [folder / "__init__.py"] + ([folder.with_suffix(".py")] if parts else [])
    return next((candidate for candidate in candidates if candidate.is_file()), None)


@lru_cache(maxsize=None)
def modules_digest(*roots: str, package: Path = PACKAGE) -> str:
    """A short hash of the code ROOTS run: their import closure (import_closure)."""
    digest = hashlib.sha1()
    for path in import_closure(*roots, package=package):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:10]


@lru_cache(maxsize=8)
def code_digest(*patterns: str) -> str:
    """A short hash of the mtfix modules matching PATTERNS (relative to the package folder)."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha1()
    for pattern in patterns:
        for path in sorted(root.glob(pattern)):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]
