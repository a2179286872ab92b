"""The import graph: every arrow points from a higher layer to a lower one, and there is no cycle.

Each package's `config.py` is a leaf (pydantic models only) collected by `regulator/config.py`, so it
counts as part of the configuration layer: the store may persist a `BudgetConfig` without depending
on the budget engine.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "regulator"

# Lowest first. A module may import its own package, or a package of a strictly lower rank.
LAYERS: list[set[str]] = [
    {"types"},
    {"errors", "events", "timeparse", "serving"},
    {"config"},
    {"store"},
    {"pricing", "budget", "detect"},
    {"mock", "reconcile", "traces"},  # the mock and reconcile price what was served with `pricing`
    {"policy"},
    {"proxy"},
    {"ops"},
    {"app"},
    {"sim"},
    {"cli"},
    {"__main__"},
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) >= 3 and parts[2] == "config":
        return "config"
    return parts[1] if len(parts) > 1 else "regulator"


def _type_checking_nodes(tree: ast.Module) -> set[ast.AST]:
    """Imports under `if TYPE_CHECKING:`: they shape the layering but are never executed."""
    guarded: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for child in node.body:
                guarded.update(ast.walk(child))
    return guarded


def _imports(path: Path, *, runtime_only: bool = False) -> set[str]:
    found: set[str] = set()
    tree = ast.parse(path.read_text())
    skipped = _type_checking_nodes(tree) if runtime_only else set()
    for node in ast.walk(tree):
        if node in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("regulator."):
            # `from regulator.store import keys` imports the submodule, not the package's __init__.
            submodules = {f"{node.module}.{alias.name}" for alias in node.names}
            found.update(submodules & MODULES or {node.module})
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("regulator."))
    return found


MODULES = {_module_name(path) for path in PACKAGE.rglob("*.py")}


def _graph(*, runtime_only: bool = False) -> dict[str, set[str]]:
    return {_module_name(path): _imports(path, runtime_only=runtime_only) for path in PACKAGE.rglob("*.py")}


def test_every_package_has_a_layer() -> None:
    packages = {_layer_of(module) for module in _graph()} - {"regulator"}
    assert packages <= RANK.keys(), f"give these packages a layer: {sorted(packages - RANK.keys())}"


def test_imports_point_only_to_lower_layers() -> None:
    upward = []
    for module, imported in _graph().items():
        here = _layer_of(module)
        if here == "regulator":
            continue
        for target in imported:
            there = _layer_of(target)
            if there != here and there in RANK and RANK[there] >= RANK[here]:
                upward.append(f"{module} -> {target}")
    assert not upward, "imports against the layering:\n" + "\n".join(sorted(upward))


def test_section_configs_are_leaves() -> None:
    for module, imported in _graph().items():
        if module.endswith(".config") and module != "regulator.config":
            assert not imported, f"{module} imports {sorted(imported)}; a config section must stand alone"


def test_no_import_cycle_at_run_time() -> None:
    graph = _graph(runtime_only=True)
    state: dict[str, int] = {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for target in graph.get(module, ()):
            if target not in graph:
                continue
            if state.get(target) == 1:
                pytest.fail("import cycle: " + " -> ".join([*trail, module, target]))
            if target not in state:
                visit(target, [*trail, module])
        state[module] = 2

    for module in graph:
        if module not in state:
            visit(module, [])
