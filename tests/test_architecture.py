"""The tree reads as the architecture: small modules, and no import cycle between stages."""

import ast
from pathlib import Path

import networkx as nx
import pytest

RAG = Path(__file__).resolve().parent.parent / "rag"
MAX_LINES = 300  # DEVELOPERS.md: small modules


def _modules() -> list[Path]:
    return sorted(RAG.rglob("*.py"))


def _package(path: Path) -> str:
    """The stage a module belongs to: its first folder under rag/, or the module itself."""
    parts = path.relative_to(RAG).with_suffix("").parts
    return parts[0]


def _imports(path: Path) -> set[str]:
    """The rag stages ``path`` imports at run time (imports under TYPE_CHECKING left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip |= {id(n) for n in ast.walk(node)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "rag" and len(parts) > 1:
                found.add(parts[1])
    return found


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(RAG)))
def test_no_module_is_over_300_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES


def test_no_import_cycle_between_stages() -> None:
    graph = nx.DiGraph()
    for path in _modules():
        here = _package(path)
        for there in _imports(path) - {here}:
            graph.add_edge(here, there)
    assert list(nx.simple_cycles(graph)) == []
