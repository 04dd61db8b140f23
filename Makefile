# Two commands do everything on a fresh Debian machine:
#   make demo   installs what is missing (apt packages when root, then the package), runs the demo
#   make test   same installs if needed, then the C++ tests (ctest) and the Python tests (pytest)
# With a distribution's python3 (PEP 668: "externally managed") outside a virtual environment, both
# create and use a project venv in $(VENV); any other python (a venv, pyenv, conda) is used as it is.
PYTHON    ?= python3
VENV      ?= .venv
MANAGED   := $(shell $(PYTHON) -c "import os, sys, sysconfig; print(int(sys.prefix == sys.base_prefix and os.path.exists(os.path.join(sysconfig.get_path('stdlib'), 'EXTERNALLY-MANAGED'))))" 2>/dev/null)
ifeq ($(MANAGED),1)
PY        := $(VENV)/bin/python
APT_PKGS  := g++ make python3-dev python3-venv
else
PY        := $(PYTHON)
APT_PKGS  := g++ make
endif
PIP       := $(PY) -m pip --disable-pip-version-check
APT_PKGS  += libcgal-dev libgmp-dev libmpfr-dev libboost-dev
BUILD_DIR := build/cmake
STAMP     := build/.installed
SOURCES   := $(shell find cpp -type f) CMakeLists.txt setup.py pyproject.toml tropgeom/_kernels.pyx

.PHONY: demo test sysdeps install bench stubs docs clean which-python sdist-check

demo: $(STAMP)
	$(PY) -m tropgeom demo

test: build/.test-deps
	ctest --test-dir $(BUILD_DIR) --output-on-failure
	$(PY) -m pytest -q tests

install: $(STAMP)

# System libraries: installed with apt when root, otherwise the exact command is printed.
sysdeps:
	@command -v dpkg >/dev/null || { echo "not Debian: install a C++17 compiler, CGAL >= 5, GMP, MPFR and Boost yourself (conda-forge: cgal-cpp gmp mpfr boost-cpp; Homebrew: cgal gmp mpfr boost)"; exit 0; }; \
	missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "tropgeom needs system packages; run: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

# One CMake tree (build/cmake) serves the editable install and ctest; rebuilt only when sources change.
$(STAMP): $(SOURCES) | sysdeps $(if $(filter 1,$(MANAGED)),$(PY))
	@echo "installing the build tools and the package; building the C++ core takes about two minutes on 2 cores"
	$(PIP) install -q "setuptools>=77" wheel "cmake>=3.18" "pybind11>=2.11" "Cython>=3.0"
	TROPGEOM_BUILD_DIR=$(BUILD_DIR) TROPGEOM_BUILD_TESTS=1 $(PIP) install -q --no-build-isolation -e .
	@mkdir -p build && touch $@

# The test dependencies (the demo needs none of them).
build/.test-deps: $(STAMP)
	@echo "installing the test dependencies"
	TROPGEOM_BUILD_DIR=$(BUILD_DIR) TROPGEOM_BUILD_TESTS=1 $(PIP) install -q --no-build-isolation -e ".[test]"
	@touch $@

# Peers side by side (quick grids; each script's --help has the full ones).
bench: $(STAMP)
	TROPGEOM_BUILD_DIR=$(BUILD_DIR) TROPGEOM_BUILD_TESTS=1 $(PIP) install -q --no-build-isolation -e ".[test,bench]"
	for b in bench/bench_*.py; do $(PY) $$b --quick || exit 1; done

# The checked-in type stub of the compiled core (tests/test_stub.py checks it is current).
# The API reference (Sphinx, from the docstrings) in build/docs/index.html; the tests build it too.
docs: build/.test-deps
	$(PY) -m sphinx -W -q -b html docs build/docs

stubs: $(STAMP)
	$(PIP) install -q "pybind11-stubgen==3.0.0"
	$(PY) -m pybind11_stubgen tropgeom._core -o . --numpy-array-use-type-var

# The sdist builds and imports in a clean virtual environment (CI runs this after the tests).
sdist-check: $(STAMP)
	@echo "building the sdist and installing it in a temporary venv (compiles the C++ core again)"
	$(PIP) install -q build
	rm -rf dist && $(PY) -m build --sdist -o dist
	tmp=$$(mktemp -d) && $(PY) -m venv $$tmp/venv && \
	$$tmp/venv/bin/python -m pip install -q --disable-pip-version-check dist/tropgeom-*.tar.gz && \
	cd $$tmp && $$tmp/venv/bin/python -c "import tropgeom as tg, numpy as np; \
	net = tg.Network([(np.eye(2), np.zeros(2)), (np.ones((1, 2)), np.zeros(1))]); \
	assert tg.count_regions(net) == 4 and tg.__file__.startswith('$$tmp'), tg.__file__; print('sdist ok:', tg.__file__)" && \
	rm -rf $$tmp

# The project venv, for a PEP 668 python (its own pip refuses to install outside one).
$(VENV)/bin/python: | sysdeps
	@echo "$(PYTHON) is externally managed (PEP 668): using a project virtual environment in $(VENV)"
	$(PYTHON) -m venv $(VENV)

# Which interpreter the other targets install into and run (the tests check this logic).
which-python:
	@echo $(PY)

clean:
	rm -rf build tropgeom/*.so *.egg-info dist
