# Two commands do everything on a fresh Debian machine:
#   make demo   installs what is missing (apt packages when root, then the package), runs the demo
#   make test   same installs if needed, then the C++ tests (ctest) and the Python tests (pytest)
PYTHON    ?= python3
PIP       := $(PYTHON) -m pip --disable-pip-version-check
APT_PKGS  := libcgal-dev libgmp-dev libmpfr-dev libboost-dev
BUILD_DIR := build/cmake
STAMP     := build/.installed
SOURCES   := $(shell find cpp -type f) CMakeLists.txt setup.py pyproject.toml tropgeom/_kernels.pyx

.PHONY: demo test sysdeps install bench stubs clean

demo: $(STAMP)
	$(PYTHON) -m tropgeom demo

test: $(STAMP)
	ctest --test-dir $(BUILD_DIR) --output-on-failure
	$(PYTHON) -m pytest -q tests

install: $(STAMP)

# System libraries: installed with apt when root, otherwise the exact command is printed.
sysdeps:
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "tropgeom needs system packages; run: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

# One CMake tree (build/cmake) serves the editable install and ctest; rebuilt only when sources change.
$(STAMP): $(SOURCES) | sysdeps
	$(PIP) install -q "setuptools>=68" wheel "cmake>=3.18" "pybind11>=2.11" "Cython>=3.0"
	TROPGEOM_BUILD_DIR=$(BUILD_DIR) TROPGEOM_BUILD_TESTS=1 $(PIP) install -q --no-build-isolation -e ".[test]"
	@mkdir -p build && touch $@

# Peers side by side (quick grids; each script's --help has the full ones).
bench: $(STAMP)
	TROPGEOM_BUILD_DIR=$(BUILD_DIR) TROPGEOM_BUILD_TESTS=1 $(PIP) install -q --no-build-isolation -e ".[test,bench]"
	for b in bench/bench_*.py; do $(PYTHON) $$b --quick || exit 1; done

# The checked-in type stub of the compiled core (tests/test_stub.py checks it is current).
stubs: $(STAMP)
	$(PIP) install -q "pybind11-stubgen==3.0.0"
	$(PYTHON) -m pybind11_stubgen tropgeom._core -o . --numpy-array-use-type-var

clean:
	rm -rf build tropgeom/*.so *.egg-info
