"""Docs that run: the Sphinx API reference builds with warnings as errors, and every public name has a
numpy-style docstring (a Parameters / Attributes section where it takes arguments, Returns where a
function returns)."""
from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

import tropgeom

ROOT = Path(__file__).resolve().parents[1]


def _section(doc: str, name: str) -> bool:
    return re.search(rf"^\s*{name}\n\s*-{{{len(name)}}}\s*$", doc, flags=re.M) is not None


def _own_parameters(obj) -> list:
    if inspect.isclass(obj):
        if issubclass(obj, BaseException) and "__init__" not in vars(obj):
            return []
        obj = obj.__init__
    params = list(inspect.signature(obj).parameters.values())
    return [p for p in params if p.name != "self"]


@pytest.mark.parametrize("name", tropgeom.__all__)
def test_public_name_has_a_numpy_docstring(name):
    obj = getattr(tropgeom, name)
    doc = inspect.getdoc(obj) or ""
    assert len(doc) > 40, f"{name}: no docstring"
    if inspect.ismodule(obj):
        return
    if _own_parameters(obj):
        assert _section(doc, "Parameters") or (inspect.isclass(obj) and _section(doc, "Attributes")), \
            f"{name}: no numpy Parameters section"
    if inspect.isfunction(obj):
        assert _section(doc, "Returns"), f"{name}: no numpy Returns section"


def test_every_public_name_is_in_the_api_reference():
    api = (ROOT / "docs" / "api.rst").read_text()
    missing = [n for n in tropgeom.__all__ if not re.search(rf"tropgeom\.{n}\b", api)]
    assert not missing


def test_every_command_is_in_the_cli_page():
    from tropgeom.cli import build_parser
    page = (ROOT / "docs" / "cli.rst").read_text()
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    assert all(f"tropgeom {c}" in page for c in sub.choices)


def test_sphinx_builds_without_warnings(tmp_path):
    pytest.importorskip("sphinx")
    p = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
                        str(ROOT / "docs"), str(tmp_path / "html")], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    page = (tmp_path / "html" / "api.html").read_text()
    for name in ("Network", "regions", "tropicalize", "slice2d", "BudgetExceeded"):
        assert f'id="tropgeom.{name}"' in page
    assert "Parameters" in page and "Returns" in page


def test_readme_covers_the_public_api_and_the_cli():
    text = (ROOT / "README.md").read_text()
    missing = [n for n in tropgeom.__all__ if f"`{n}`" not in text and f"`{n}," not in text and f", `{n}`" not in text]
    assert not missing
    for img in re.findall(r"\]\((docs/img/[^)]+)\)", text):
        assert (ROOT / img).is_file(), img
    for word in ("schema_version", "--json [FILE]", "--box LO HI", "`2`", "`3`"):
        assert word in text
