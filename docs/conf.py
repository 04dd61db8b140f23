"""Sphinx configuration: the API reference is built from the numpy-style docstrings (autodoc +
napoleon).  tests/test_docs.py builds it with warnings as errors."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the package of this checkout

import tropgeom  # noqa: E402

project = "tropgeom"
author = "the tropgeom authors"
release = version = tropgeom.__version__
copyright = "the tropgeom authors; GPL-3.0-or-later"

extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon"]
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_ivar = True            # Attributes as fields: the properties are documented as members
autodoc_member_order = "bysource"
autodoc_typehints = "none"          # the numpy sections say the types; signatures stay readable
autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": False}
exclude_patterns = ["_build", "architecture.md", "img"]
html_theme = "alabaster"
html_static_path = []
