"""The import graph of mtfix: no circle, and no module imports one from a layer above its own
(every import counted, at the top of a module or inside a function). The package's own
`mtfix/__init__.py` is the public facade: it may name anything, and anything may import
`__version__` from it."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "mtfix"

# Lowest first; a module belongs to the layer of its longest matching prefix.
LAYERS = [
    # text and files, nothing of mtfix's own concepts
    ["mtfix.errors", "mtfix.labels", "mtfix.home", "mtfix.extras", "mtfix.atomic", "mtfix.normalize", "mtfix.lines",
     "mtfix.safe", "mtfix.signature", "mtfix.registry", "mtfix.segmentation"],
    # settings, documents and what reads them; where models live
    ["mtfix.settings", "mtfix.config", "mtfix.document", "mtfix.figures", "mtfix.markdown", "mtfix.readers",
     "mtfix.cache", "mtfix.lm.provision"],
    # the language model and what is computed from its reading
    ["mtfix.lm", "mtfix.features", "mtfix.detector", "mtfix.worddiff"],
    # the pipeline's steps
    ["mtfix.filters", "mtfix.pipeline", "mtfix.fix", "mtfix.score"],
    # what a user or an editor talks to
    ["mtfix.api", "mtfix.review", "mtfix.reports", "mtfix.integrations", "mtfix.lsp"],
    # a command's request and outcome, then the commands, then running them, then the CLI
    ["mtfix.run"],
    ["mtfix.commands"],
    ["mtfix.app"],
    ["mtfix.cli", "mtfix.__main__"],
]


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(("mtfix", *path.relative_to(PACKAGE).with_suffix("").parts))
        out[name.removesuffix(".__init__")] = path
    return out


def _imports(path: Path, known: dict[str, Path]) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name in known and name != "mtfix"}


def _graph() -> dict[str, set[str]]:
    known = _modules()
    return {name: _imports(path, known) - {name} for name, path in known.items() if name != "mtfix"}


def _layer(module: str) -> int:
    matches = [(len(prefix), number) for number, prefixes in enumerate(LAYERS) for prefix in prefixes
               if module == prefix or module.startswith(prefix + ".")]
    assert matches, f"{module} is in no layer: add it to LAYERS"
    return max(matches)[1]


def test_no_module_imports_from_a_layer_above_its_own():
    upward = [f"{a} (layer {_layer(a)}) imports {b} (layer {_layer(b)})"
              for a, targets in sorted(_graph().items()) for b in sorted(targets) if _layer(b) > _layer(a)]
    assert not upward, "\n".join(upward)


def test_the_import_graph_has_no_circle():
    graph = _graph()
    state: dict[str, int] = {}  # 1: on the path being walked, 2: done

    def walk(module: str, path: list[str]) -> list[str] | None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                return path + [module, target]
            if target not in state:
                circle = walk(target, path + [module])
                if circle:
                    return circle
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state:
            circle = walk(module, [])
            assert circle is None, " -> ".join(circle)


def test_the_checks_see_an_upward_import():
    """The walk reads imports inside functions too: app's command table is found from commands."""
    graph = _graph()
    assert "mtfix.commands" in graph["mtfix.app"] and _layer("mtfix.commands") < _layer("mtfix.app")
