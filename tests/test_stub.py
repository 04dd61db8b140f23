"""The checked-in tropgeom/_core.pyi describes the compiled module as built (regenerate: make stubs)."""
import ast
import inspect
from pathlib import Path

import tropgeom._core as core

STUB = Path(__file__).resolve().parents[1] / "tropgeom" / "_core.pyi"


def _stub_names():
    tree = ast.parse(STUB.read_text())
    top = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            top[node.name] = {n.name for n in node.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")}
        elif isinstance(node, ast.FunctionDef):
            top[node.name] = None
    return top


def _module_names():
    top = {}
    for name, obj in vars(core).items():
        if name.startswith("_"):
            continue
        if inspect.isclass(obj):
            top[name] = {n for n in vars(obj) if not n.startswith("_")}
        elif callable(obj):
            top[name] = None
    return top


def test_stub_matches_compiled_core():
    assert _stub_names() == _module_names(), "tropgeom/_core.pyi is stale: run `make stubs`"
